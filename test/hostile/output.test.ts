/**
 * Output a CI log shows: no text from a configuration may start a log line (GitHub runs
 * `::error ...` lines as workflow commands), carry ESC/OSC sequences or other control characters,
 * or make the XML formats ill-formed; code frames show only files that parsed as configuration.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../src/dialects/iis/xml.js';
import type { LintResult } from '../../src/engine/result.js';
import { formatResults, type FormatName } from '../../src/formatters/index.js';
import { FRAME_WIDTH } from '../../src/formatters/stylish.js';
import { createSourceFile } from '../../src/source.js';
import { fuzzParams } from '../fuzz/config.js';

const HUMAN: readonly FormatName[] = ['stylish', 'compact', 'github', 'checkstyle', 'junit'];

function result(path: string, text: string, message: string, options: { fatal?: boolean; start?: number; end?: number } = {}): LintResult {
  const source = createSourceFile(path, text);
  const m = {
    ruleId: options.fatal ? null : 'xsrf-cookie-httponly',
    severity: 2 as const,
    message,
    span: { file: path, start: options.start ?? 0, end: options.end ?? Math.min(text.length, 5) },
    ...(options.fatal ? { fatal: true as const } : {}),
  };
  return { filePath: path, source, messages: [m], suppressedMessages: [], errorCount: 1, warningCount: 0, fatalErrorCount: options.fatal ? 1 : 0, fixableErrorCount: 0, fixableWarningCount: 0 };
}

const format = (name: FormatName, results: LintResult[]) => formatResults(name, results, { cwd: '/w', color: false, rules: [] });

/** Characters an attacker would use: newlines, ESC/CSI/OSC, C1, separators, bidi overrides, XML's non-characters, lone surrogates. */
const hostileChar = fc.constantFrom('\n', '\r', '\u001b', '\u001b]0;x\u0007', '\u009b', '\u009d', '\u0085', '\u2028', '\u202e', '\u0000', '\u007f', '\uffff', '\ufffe', '\ud800', '\udc00', ':', '%', '<', '&', ']]>', '"');
const hostileText = fc.array(fc.oneof(hostileChar, fc.string({ maxLength: 5 })), { maxLength: 20 }).map((parts) => parts.join(''));

function checkOutput(name: FormatName, out: string): void {
  for (const line of out.split('\n')) {
    if (name === 'github') expect(line === '' || /^::(error|warning) file=/.test(line), line).toBe(true);
    else expect(line.startsWith('::'), line).toBe(false);
  }
  expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  if (name === 'checkstyle' || name === 'junit') {
    const doc = parseXml(createSourceFile('/out.xml', out));
    expect(doc.fatal?.message, out).toBeUndefined();
    expect(doc.root).not.toBeNull();
  }
}

describe('human formats with hostile text', () => {
  it('a newline inside an nginx quoted string does not start a ::error line, in every human format', () => {
    const text = 'proxy_cookie_path / "/;\n::error file=x::pwned \u001b]0;title\u0007 \uffff; HttpOnly";\n';
    const r = result('/w/site.conf', text, `proxy_cookie_path / ${text.slice(20, 70)} adds HttpOnly`, { start: 20, end: 70 });
    for (const name of HUMAN) checkOutput(name, format(name, [r]));
  });

  it('any message, file name and source text keeps every format safe and the XML well-formed', () => {
    fc.assert(
      fc.property(hostileText, hostileText, hostileText, fc.boolean(), (message, name, text, fatal) => {
        const path = `/w/${name.replace(/\//g, '_') || 'x'}.conf`;
        const r = result(path, `${text}\nHeader edit\n`, message, { fatal });
        for (const f of HUMAN) checkOutput(f, format(f, [r]));
      }),
      fuzzParams(200),
    );
  });
});

describe('code frames', () => {
  it('are not shown for a file that did not parse as configuration (an included secret)', () => {
    const secret = 'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n';
    const out = format('stylish', [result('/w/credentials', secret, 'Invalid command "AKIA...", perhaps misspelled', { fatal: true })]);
    expect(out).toContain('1:1');
    expect(out).not.toContain('wJalrXUtnFEMI');
  });

  it('cut long lines to a window around the span', () => {
    const line = `Header edit Set-Cookie ${'x'.repeat(5000)}^(.*)$ "$1; HttpOnly"${'y'.repeat(5000)}`;
    const at = line.indexOf('^(.*)$');
    const out = format('stylish', [result('/w/long.conf', `${line}\n`, 'adds HttpOnly', { start: at, end: at + 6 })]);
    const frame = out.split('\n').find((l) => l.includes('> 1 |'))!;
    expect(frame.length).toBeLessThan(FRAME_WIDTH + 20);
    expect(frame).toContain('^(.*)$');
    expect(frame).toContain('…');
    const carets = out.split('\n')[out.split('\n').indexOf(frame) + 1]!;
    expect(carets.indexOf('^^^^^^') - carets.indexOf('|')).toBe(frame.indexOf('^(.*)$') - frame.indexOf('|'));
  });
});
