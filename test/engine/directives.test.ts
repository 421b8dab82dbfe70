import { describe, expect, it } from 'vitest';
import { applyDirectives, type DirectiveSettings } from '../../src/engine/directives.js';
import type { LintMessage } from '../../src/engine/lint.js';
import type { CommentToken } from '../../src/model/header-rewrite.js';
import { createSourceFile } from '../../src/source.js';

const settings: DirectiveSettings = { requireReason: true, knownRules: new Set(['a-rule', 'b-rule']), unusedSeverity: 1 };

/** A file whose `# ...` lines are comments, and messages at given lines. */
function setup(lines: string[], at: Array<[number, string | null]>) {
  const text = lines.join('\n');
  const file = createSourceFile('/f.conf', text);
  const comments: CommentToken[] = [];
  let offset = 0;
  for (const line of lines) {
    const hash = line.indexOf('#');
    if (hash >= 0) comments.push({ span: { file: '/f.conf', start: offset + hash, end: offset + line.length }, text: line.slice(hash + 1) });
    offset += line.length + 1;
  }
  const messages: LintMessage[] = at.map(([line, ruleId]) => {
    const start = file.lineStarts[line - 1]!;
    return ruleId === null
      ? { ruleId: null, severity: 2, fatal: true, message: 'syntax', span: { file: '/f.conf', start, end: start + 1 } }
      : { ruleId, severity: 2, message: `m ${ruleId}`, span: { file: '/f.conf', start, end: start + 1 } };
  });
  return { file, comments, messages };
}

describe('inline directives', () => {
  it('disable-next-line suppresses only the named rule on the next line', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule -- why', 'x', 'y'], [[2, 'a-rule'], [2, 'b-rule'], [3, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => m.ruleId)).toEqual(['a-rule']);
    expect(out.messages.map((m) => m.ruleId)).toEqual(['b-rule', 'a-rule']);
  });

  it('no rule list means every rule; syntax errors are never suppressed', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line -- why', 'x'], [[2, 'a-rule'], [2, null]]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => m.ruleId)).toEqual(['a-rule']);
    expect(out.messages.map((m) => m.ruleId)).toEqual([null]);
  });

  it('disable … enable ranges, per rule', () => {
    const { file, comments, messages } = setup(
      ['# lint-proxy-config-disable a-rule -- legacy', 'x', '# lint-proxy-config-enable a-rule', 'y'],
      [[2, 'a-rule'], [2, 'b-rule'], [4, 'a-rule']],
    );
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => `${m.ruleId}`)).toEqual(['a-rule']);
    expect(out.messages.map((m) => m.ruleId)).toEqual(['b-rule', 'a-rule']);
  });

  it('disable-line applies to the comment line (trailing comments in nginx and XML)', () => {
    const { file, comments, messages } = setup(['x; # lint-proxy-config-disable-line a-rule -- why'], [[1, 'a-rule']]);
    expect(applyDirectives(file, comments, messages, settings).suppressed).toHaveLength(1);
  });

  it('reports unused, unknown and reasonless directives; " - " is a separator too (XML)', () => {
    const { file, comments, messages } = setup(
      [
        '# lint-proxy-config-disable-next-line a-rule -- nothing here',
        'x',
        '# lint-proxy-config-disable-next-line c-rule -- unknown',
        '# lint-proxy-config-disable-next-line a-rule',
        'y',
        '# lint-proxy-config-disable-next-line b-rule - xml style reason',
        'z',
      ],
      [[5, 'a-rule'], [7, 'b-rule']],
    );
    const out = applyDirectives(file, comments, messages, settings);
    const problems = out.messages.filter((m) => m.ruleId === 'unused-disable-directive').map((m) => m.message);
    expect(problems).toEqual([
      expect.stringContaining('unknown rule "c-rule"'),
      expect.stringContaining('needs a reason'),
      expect.stringContaining('Unused lint-proxy-config-disable-next-line directive: no a-rule problem is reported on the next line.'),
    ]);
    expect(out.messages.some((m) => m.ruleId === 'a-rule')).toBe(true);
    expect(out.suppressed.map((m) => m.ruleId)).toEqual(['b-rule']);
  });

  it('requireReason off accepts bare directives; disabled ignores all; unused severity off reports nothing', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule', 'x', '# lint-proxy-config-disable-next-line b-rule -- r', 'y'], [[2, 'a-rule']]);
    expect(applyDirectives(file, comments, messages, { ...settings, requireReason: false }).suppressed).toHaveLength(1);
    expect(applyDirectives(file, comments, messages, { ...settings, disabled: true }).messages).toEqual(messages);
    const quiet = applyDirectives(file, comments, messages, { ...settings, requireReason: false, unusedSeverity: null });
    expect(quiet.messages).toEqual([]);
  });

  it('ignores comments that only mention the tool', () => {
    const { file, comments, messages } = setup(['# see lint-proxy-config-disable-next-line in the docs', 'x'], [[2, 'a-rule']]);
    expect(applyDirectives(file, comments, messages, settings).messages).toEqual(messages);
  });
});
