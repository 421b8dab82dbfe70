/**
 * The Apache fix builder: each candidate is applied with applyEdits, the project rebuilt over a
 * withOverrides ConfigIO and simulated again — XSRF cookies must no longer gain HttpOnly, keep
 * every other attribute, and every other cookie must come out byte for byte as before.
 */
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../src/cookies/catalog.js';
import { nonXsrfProbeNames, samplesFor } from '../../src/cookies/samples.js';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { isFixRefusal } from '../../src/dialects/dialect.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { canonicalCookie, hasHttpOnly } from '../../src/model/set-cookie.js';
import { simulate } from '../../src/model/simulate.js';
import { createSourceFile, applyEdits, withOverrides } from '../../src/source.js';
import { memoryIO, OPTIONS } from './helpers.js';

const FILE = '/etc/apache2/sites-enabled/site.conf';
const NAMES = ['atl.xsrf.token', 'XSRF-TOKEN'];

function fix(text: string, names: readonly string[] = NAMES, opIndex = 0) {
  const io = memoryIO({ [FILE]: text });
  const { model, fixers } = apacheDialect.build(FILE, io, OPTIONS);
  expect(model.problems).toEqual([]);
  const op = model.ops[opIndex]!;
  const result = fixers.excludeCookies({ op, cause: op.span, names, options: OPTIONS });
  if (isFixRefusal(result)) return { refusal: result, model };
  const candidate = result[0]!;
  const fixedText = applyEdits(text, candidate.edits);
  const after = apacheDialect.buildModel(FILE, withOverrides(io, new Map([[FILE, createSourceFile(FILE, fixedText)]])), OPTIONS);
  return { fixedText, model, after, description: candidate.description };
}

/** XSRF cookies lose HttpOnly only; everything else is unchanged, endpoint by endpoint. */
function proves(before: HeaderRewriteModel, after: HeaderRewriteModel, names: readonly string[] = NAMES): string[] {
  expect(after.problems).toEqual([]);
  const problems: string[] = [];
  const others = nonXsrfProbeNames(createCatalog()).flatMap((n) => samplesFor(n, { withHttpOnly: true }));
  before.endpoints.forEach((e, i) => {
    const e2 = after.endpoints[i]!;
    for (const kind of e.possibleBackends) {
      for (const sample of [...names.flatMap((n) => samplesFor(n)), ...others]) {
        const a = simulate('apache', e.pipeline, { backend: kind, status: 200 }, [sample]);
        const b = simulate('apache', e2.pipeline, { backend: kind, status: 200 }, [sample]);
        const va = a.lines.map((l) => l.value);
        const vb = b.lines.map((l) => l.value);
        if (Boolean(a.crash) !== Boolean(b.crash)) problems.push(`${sample}: crash changed`);
        else if (names.some((n) => sample.startsWith(`${n}=`))) {
          if (vb.some(hasHttpOnly)) problems.push(`${sample} still HttpOnly: ${vb.join(' | ')}`);
          if (JSON.stringify(va.map((v) => canonicalCookie(v, ['httponly']))) !== JSON.stringify(vb.map((v) => canonicalCookie(v, ['httponly'])))) problems.push(`${sample}: ${va} → ${vb}`);
        } else if (JSON.stringify(va) !== JSON.stringify(vb)) problems.push(`${sample}: ${va} → ${vb}`);
      }
    }
  });
  return problems;
}

function vhost(line: string, eol = '\n'): string {
  return ['<VirtualHost *:443>', '    ProxyPass / http://localhost:8080/', '    ScriptAlias /cgi-bin/ /usr/lib/cgi-bin/', line, '</VirtualHost>', ''].join(eol);
}

function expectFix(line: string, expected: string, names: readonly string[] = NAMES) {
  const r = fix(vhost(line), names);
  expect(r.refusal).toBeUndefined();
  expect(r.fixedText).toBe(vhost(expected));
  expect(proves(r.model, r.after!, names)).toEqual([]);
}

describe('excluding XSRF cookies from Header edit', () => {
  it('inserts the lookahead after ^ in an unquoted pattern (the Atlassian KB line)', () => {
    expectFix('    Header edit Set-Cookie ^(.*)$ $1;HttpOnly', '    Header edit Set-Cookie ^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$ $1;HttpOnly');
  });

  it('keeps double and single quotes, the condition word and the env clause', () => {
    expectFix('    Header always edit Set-Cookie "^(.*)$" "$1; HttpOnly" env=!NOPE', '    Header always edit Set-Cookie "^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$" "$1; HttpOnly" env=!NOPE');
    expectFix("    Header edit Set-Cookie '^(.*)$' '$1; HttpOnly'", "    Header edit Set-Cookie '^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$' '$1; HttpOnly'");
  });

  it('puts the lookahead after leading inline flags', () => {
    expectFix('    Header edit Set-Cookie "(?i)^(.*)$" "$1; HttpOnly"', '    Header edit Set-Cookie "(?i)^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$" "$1; HttpOnly"');
  });

  it('keeps an existing partial exclusion (Atlassian ^((?!atl).*)$)', () => {
    const names = ['XSRF-TOKEN', 'csrftoken'];
    expectFix('    Header edit Set-Cookie ^((?!atl).*)$ $1;HttpOnly', '    Header edit Set-Cookie ^(?!(?:XSRF-TOKEN|csrftoken)=)((?!atl).*)$ $1;HttpOnly', names);
  });

  it('anchors an unanchored pattern whose match always starts at 0', () => {
    expectFix('    Header edit Set-Cookie (.*) "$1; HttpOnly"', '    Header edit Set-Cookie ^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*) "$1; HttpOnly"');
  });

  it('captures the prefix of other unanchored patterns and renumbers the replacement', () => {
    expectFix('    Header edit Set-Cookie "$" "; HttpOnly"', '    Header edit Set-Cookie "^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)([\\s\\S]*?)$" "$1; HttpOnly"');
    expectFix('    Header edit Set-Cookie "(; *[Pp]ath=[^;]*)" "$1; HttpOnly"', '    Header edit Set-Cookie "^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)([\\s\\S]*?)(; *[Pp]ath=[^;]*)" "$1$2; HttpOnly"');
    expectFix('    Header edit Set-Cookie "; *[Pp]ath=[^;]*" "$0; HttpOnly"', '    Header edit Set-Cookie "^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)([\\s\\S]*?)(; *[Pp]ath=[^;]*)" "$1$2; HttpOnly"');
  });

  it('adds a companion directive when the replacement adds other attributes too', () => {
    expectFix(
      '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly; Secure"',
      '    Header edit Set-Cookie ^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$ "$1; HttpOnly; Secure"\n    Header edit Set-Cookie ^(?=(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$ "$1; Secure"',
    );
    expectFix(
      '    Header always edit Set-Cookie "^(.*)$" "$1;HttpOnly;Secure;SameSite=Strict" env=!NOPE',
      '    Header always edit Set-Cookie "^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$" "$1;HttpOnly;Secure;SameSite=Strict" env=!NOPE\n    Header always edit Set-Cookie "^(?=(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$" "$1;Secure;SameSite=Strict" env=!NOPE',
    );
  });

  it('writes the companion with the file\'s line endings', () => {
    const text = vhost('    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly; Secure"', '\r\n');
    const r = fix(text);
    expect(r.fixedText).toBe(vhost('    Header edit Set-Cookie ^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$ "$1; HttpOnly; Secure"\r\n    Header edit Set-Cookie ^(?=(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$ "$1; Secure"', '\r\n'));
    expect(proves(r.model, r.after!)).toEqual([]);
  });

  it('re-escapes for the quoting of the word', () => {
    const names = ['a"b', 'c\\d'];
    const r = fix(vhost('    Header edit Set-Cookie "^(.*)$" "$1; HttpOnly"'), names);
    // value c\\d (an escaped backslash for PCRE): the first backslash must be doubled, the second need not
    expect(r.fixedText).toContain('"^(?!(?:a\\"b|c\\\\\\d)=)(.*)$"');
    expect(proves(r.model, r.after!, names)).toEqual([]);
  });

  it('refuses a regex that comes from ${VAR}, with a suggestion', () => {
    const r = fix(`Define RE "^(.*)$"\n${vhost('    Header edit Set-Cookie ${RE} "$1; HttpOnly"')}`);
    expect(r.refusal?.reason).toMatch(/substitution/);
    expect(r.refusal?.suggestion).toContain('(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)');
  });

  it('refuses patterns with numbered back-references and group numbers beyond $9', () => {
    expect(fix(vhost('    Header edit Set-Cookie "(a)\\1" "$1; HttpOnly"')).refusal?.reason).toMatch(/back-references/);
    expect(fix(vhost('    Header edit Set-Cookie "(a)(b)(c)(d)(e)(f)(g)(h)(i)" "$9; HttpOnly"')).refusal?.reason).toMatch(/\$9/);
  });
});
