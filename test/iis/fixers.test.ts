/**
 * IIS fixes: the edits are applied with applyEdits, the model is rebuilt over the edited text with
 * iisDialect.buildModel (through withOverrides) and simulated again. The fixed XML must parse,
 * keep its encoding, BOM and line endings, and a second fix must change nothing.
 */
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../src/cookies/catalog.js';
import { isFixRefusal } from '../../src/dialects/dialect.js';
import { iisDialect } from '../../src/dialects/iis/index.js';
import { parseXml } from '../../src/dialects/iis/xml.js';
import { fixProject } from '../../src/engine/fix.js';
import { encode, sourceFromBytes } from '../../src/source.js';
import { lint, lintText, memoryIO, one, OPTIONS, rebuild, run, settings, webConfig } from './helpers.js';

const XSRF = createCatalog().xsrf.map((c) => c.name);

/** Lints, applies the one xsrf-cookie-httponly fix, rebuilds, and checks the result end to end. */
function fixOnce(text: string, path = '/site/web.config') {
  const { messages, model, io } = lintText(text, path);
  const finding = messages.find((m) => m.ruleId === 'xsrf-cookie-httponly');
  expect(finding, 'a finding').toBeDefined();
  expect(finding!.fix, `a fix (${finding!.message})`).toBeDefined();
  const after = rebuild(model, io, finding!.fix!.edits);
  expect(parseXml(after.model.files.get(path)!).root, 'the fixed file is well formed').not.toBeNull();
  expect(after.model.problems).toEqual([]);
  // Fixing again changes nothing: no finding is left.
  expect(lint(after.model.root, after.io).filter((m) => m.ruleId === 'xsrf-cookie-httponly')).toEqual([]);
  return { fixed: after.text, model: after.model, before: model, description: finding!.fix!.description };
}

const CLASSIC = webConfig(`        <rule name="Add HttpOnly">
          <match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />
          <conditions>
            <add input="{R:0}" pattern="; HttpOnly" negate="true" />
          </conditions>
          <action type="Rewrite" value="{R:0}; HttpOnly" />
        </rule>`);

const EXCLUSION = '<add input="{R:0}" pattern="^(?:atl\\.xsrf\\.token|atl\\.xsrf\\.token\\.slash|atlassian\\.xsrf\\.token|XSRF-TOKEN|csrftoken|sc|NX-ANTI-CSRF-TOKEN)=" negate="true" />';

describe('MatchAll: an exclusion condition', () => {
  it('is appended after the last condition, indented like it', () => {
    const { fixed, model } = fixOnce(CLASSIC);
    expect(fixed).toBe(CLASSIC.replace('negate="true" />\n', `negate="true" />\n            ${EXCLUSION}\n`));
    for (const name of XSRF) expect(one(model, `${name}=1; Path=/`)).toBe(`${name}=1; Path=/`);
    expect(one(model, 'JSESSIONID=1; Path=/')).toBe('JSESSIONID=1; Path=/; HttpOnly');
  });

  it('creates <conditions> after <match> when the rule has none', () => {
    const text = webConfig(`        <rule name="r">
          <match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />
          <action type="Rewrite" value="{R:0}; HttpOnly" />
        </rule>`);
    const { fixed } = fixOnce(text);
    expect(fixed).toContain(`pattern=".*" />\n          <conditions>\n            ${EXCLUSION}\n          </conditions>\n          <action`);
  });

  it('expands a self-closing or empty <conditions>', () => {
    const selfClosing = CLASSIC.replace(/<conditions>[\s\S]*?<\/conditions>/, '<conditions logicalGrouping="MatchAll" />');
    expect(fixOnce(selfClosing).fixed).toContain(`<conditions logicalGrouping="MatchAll">\n            ${EXCLUSION}\n          </conditions>`);
    const empty = CLASSIC.replace(/<conditions>[\s\S]*?<\/conditions>/, '<conditions>\n          </conditions>');
    expect(fixOnce(empty).fixed).toContain(`<conditions>\n            ${EXCLUSION}\n          </conditions>`);
  });

  it('goes first when the rule uses {C:n}, so "the last matched condition" stays the same', () => {
    const text = webConfig(`        <rule name="r">
          <match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />
          <conditions>
            <add input="{R:0}" pattern="^([^=]+)=(.*)$" />
          </conditions>
          <action type="Rewrite" value="{C:1}={C:2}; HttpOnly" />
        </rule>`);
    const { fixed, model } = fixOnce(text);
    expect(fixed).toContain(`<conditions>\n            ${EXCLUSION}\n            <add input="{R:0}" pattern="^([^=]+)=(.*)$" />`);
    expect(one(model, 'a=1; Path=/')).toBe('a=1; Path=/; HttpOnly');
  });

  it('stays on one line in a one-line rule', () => {
    const text = webConfig('<rule name="r"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; HttpOnly" /></rule>');
    expect(fixOnce(text).fixed).toContain(`pattern=".*" /><conditions>${EXCLUSION}</conditions><action`);
  });
});

describe('MatchAny: a negative lookahead in the pattern', () => {
  const matchAny = (pattern: string, value = '{R:1}; HttpOnly') =>
    webConfig(`        <rule name="r">
          <match serverVariable="RESPONSE_Set_Cookie" pattern="${pattern}" />
          <conditions logicalGrouping="MatchAny">
            <add input="{R:1}" pattern="." />
            <add input="{HTTPS}" pattern="on" />
          </conditions>
          <action type="Rewrite" value="${value}" />
        </rule>`);
  const LOOKAHEAD = '(?!(?:atl\\.xsrf\\.token|atl\\.xsrf\\.token\\.slash|atlassian\\.xsrf\\.token|XSRF-TOKEN|csrftoken|sc|NX-ANTI-CSRF-TOKEN)=)';

  it('wraps an unanchored pattern so {R:1} keeps its number', () => {
    const { fixed, model } = fixOnce(matchAny('(.*)'));
    expect(fixed).toContain(`pattern="^${LOOKAHEAD}(?:(.*))"`);
    expect(one(model, 'JSESSIONID=1')).toBe('JSESSIONID=1; HttpOnly');
  });

  it('goes right after a leading ^', () => {
    expect(fixOnce(matchAny('^(.+)$')).fixed).toContain(`pattern="^${LOOKAHEAD}(.+)$"`);
  });

  it('wraps a pattern whose ^ does not anchor every alternative', () => {
    expect(fixOnce(matchAny('^(a.*)|(.*)', '{R:0}; HttpOnly')).fixed).toContain(`pattern="^${LOOKAHEAD}(?:^(a.*)|(.*))"`);
  });

  it('inserts into the raw attribute, keeping the escapes already there', () => {
    const { fixed } = fixOnce(matchAny('^([^&lt;]*)$'));
    expect(fixed).toContain(`pattern="^${LOOKAHEAD}([^&lt;]*)$"`);
  });
});

describe('other flags are kept for the CSRF cookies by a companion rule', () => {
  const text = webConfig(`        <rule name="Harden">
          <match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />
          <!-- a comment about the original rule -->
          <action type="Rewrite" value="{R:0}; HttpOnly; Secure" />
        </rule>
        <rule name="Harden (CSRF cookies)"><match serverVariable="RESPONSE_Server" pattern="x" /><action type="None" /></rule>`);

  it('adds Secure without HttpOnly to the excluded cookies, under a new unique name, without comments', () => {
    const { fixed, model } = fixOnce(text);
    expect(fixed).toContain('<rule name="Harden (CSRF cookies 2)">');
    expect(fixed.match(/a comment about the original rule/g)).toHaveLength(1);
    expect(one(model, 'XSRF-TOKEN=1')).toBe('XSRF-TOKEN=1; Secure');
    expect(one(model, 'JSESSIONID=1')).toBe('JSESSIONID=1; HttpOnly; Secure');
  });
});

describe('refusals', () => {
  it('a negated <match> has no {R:0} to test', () => {
    const { messages } = lintText(webConfig('<rule name="r"><match serverVariable="RESPONSE_Set_Cookie" pattern="^JSESSIONID=" negate="true" /><action type="Rewrite" value="{RESPONSE_Set_Cookie}; HttpOnly" /></rule>'));
    expect(messages[0]!.fix).toBeUndefined();
    expect(messages[0]!.message).toContain('No automatic fix');
    expect(String(messages[0]!.data?.noFix)).toMatch(/rule "r" matches with negate="true".*Keep CSRF cookies readable/);
  });

  it('ExactMatch cannot anchor a cookie name', () => {
    const { messages } = lintText(webConfig('<rule name="r" patternSyntax="ExactMatch"><match serverVariable="RESPONSE_Set_Cookie" pattern="=" /><action type="Rewrite" value="{RESPONSE_Set_Cookie}; HttpOnly" /></rule>'));
    expect(messages[0]!.fix).toBeUndefined();
    expect(String(messages[0]!.data?.noFix)).toMatch(/ExactMatch/);
  });
});

describe('escaping', () => {
  it('XML-escapes cookie names in the inserted pattern, which then decodes to the right regex', () => {
    const names = ['a&b"c<d>'];
    const io = memoryIO({ '/site/web.config': CLASSIC });
    const { model, fixers } = iisDialect.build('/site/web.config', io, OPTIONS);
    const built = fixers.excludeCookies({ op: model.ops[0]!, cause: model.ops[0]!.focus!, names, options: OPTIONS });
    if (isFixRefusal(built)) throw new Error(built.reason);
    const edit = built[0]!.edits[0]!;
    expect(edit.text).toContain('pattern="^(?:a&amp;b&quot;c&lt;d&gt;)="');
    const after = rebuild(model, io, built[0]!.edits);
    expect(one(after.model, 'a&b"c<d>=1')).toBe('a&b"c<d>=1');
    expect(one(after.model, 'a=1')).toBe('a=1; HttpOnly');
  });
});

describe('encodings, BOM and line endings survive the fix loop', () => {
  const variants = [
    { encoding: 'utf16le', bom: true, eol: '\r\n' },
    { encoding: 'utf16be', bom: true, eol: '\n' },
    { encoding: 'utf8', bom: true, eol: '\r\n' },
    { encoding: 'utf8', bom: false, eol: '\r' },
  ] as const;
  for (const v of variants) {
    it(`${v.encoding}${v.bom ? ' with BOM' : ''}, ${JSON.stringify(v.eol)}`, () => {
      const text = CLASSIC.replace('utf-8', v.encoding === 'utf8' ? 'utf-8' : 'utf-16').replace(/\n/g, v.eol);
      const path = '/site/web.config';
      const io = memoryIO({ [path]: encode(text, v.encoding, v.bom) });
      const registry = () => iisDialect;
      const outcome = fixProject([{ path, dialect: 'iis' }], io, registry, settings());
      const fixed = outcome.fixed.get(path)!;
      expect(fixed).toBeDefined();
      expect([fixed.encoding, fixed.bom]).toEqual([v.encoding, v.bom]);
      const expected = text.replace(`negate="true" />${v.eol}`, `negate="true" />${v.eol}            ${EXCLUSION}${v.eol}`);
      expect(fixed.text).toBe(expected);
      const reread = sourceFromBytes(path, encode(fixed.text, fixed.encoding, fixed.bom));
      expect(reread.text).toBe(expected);
      expect(outcome.lint.results[0]!.messages).toEqual([]);
      // A second run changes nothing.
      const again = fixProject([{ path, dialect: 'iis' }], memoryIO({ [path]: encode(fixed.text, fixed.encoding, fixed.bom) }), registry, settings());
      expect(again.fixed.size).toBe(0);
    });
  }
});

describe('findings', () => {
  it('point at the action value and name the cookies and the condition', () => {
    const text = webConfig(`<rule name="r" preCondition="html"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; HttpOnly" /></rule>
<preConditions><preCondition name="html"><add input="{RESPONSE_CONTENT_TYPE}" pattern="html" /></preCondition></preConditions>`);
    const { messages, model } = lintText(text);
    expect(messages).toHaveLength(1);
    expect(model.files.get('/site/web.config')!.text.slice(messages[0]!.span.start, messages[0]!.span.end)).toBe('{R:0}; HttpOnly');
    expect(messages[0]!.message).toMatch(/^<rule name="r"> adds HttpOnly to all 7 known CSRF cookies .* for requests where preCondition="html" holds: scripts cannot read/);
  });

  it('only for cookies that really end up HttpOnly, in every endpoint simulated', () => {
    const text = `<configuration><location path="a">${'<system.webServer><rewrite><outboundRules><rule name="r"><match serverVariable="RESPONSE_Set_Cookie" pattern="^XSRF-TOKEN=.*" /><action type="Rewrite" value="{R:0}; HttpOnly" /></rule></outboundRules></rewrite></system.webServer>'}</location></configuration>`;
    const { messages, model } = lintText(text);
    expect(messages.map((m) => m.message.match(/adds HttpOnly to (.*?) \(/)?.[1])).toEqual(['XSRF-TOKEN']);
    expect(run(model, ['XSRF-TOKEN=1'], { endpoint: 'web.config' })).toEqual(['XSRF-TOKEN=1']);
  });
});

describe('the fix loop over a project', () => {
  const registry = () => iisDialect;
  const rule = (name: string) => `<rule name="${name}"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; HttpOnly" /></rule>`;
  const outbound = (inner: string) => `<system.webServer><rewrite><outboundRules>${inner}</outboundRules></rewrite></system.webServer>`;

  it('fixes several rules of one file together', () => {
    const path = '/host/applicationHost.config';
    const text = `<configuration>\n  <location path="a">${outbound(rule('A'))}</location>\n  <location path="b">${outbound(rule('B'))}</location>\n</configuration>\n`;
    const outcome = fixProject([{ path, dialect: 'iis' }], memoryIO({ [path]: text }), registry, settings());
    const fixed = outcome.fixed.get(path)!.text;
    expect(fixed.match(/negate="true"/g)).toHaveLength(2);
    expect(outcome.lint.results.flatMap((r) => r.messages)).toEqual([]);
  });

  // [2.0] Rules Inheritance: a parent's rule runs for the child's requests; the fix belongs in
  // the parent, where the rule is.
  it('fixes an inherited rule in the parent web.config', () => {
    const parent = '/www/web.config';
    const child = '/www/app/web.config';
    const io = memoryIO({ [parent]: `<configuration>${outbound(rule('Parent'))}</configuration>`, [child]: `<configuration>${outbound('')}</configuration>` });
    const outcome = fixProject([{ path: child, dialect: 'iis' }], io, registry, settings());
    expect([...outcome.fixed.keys()]).toEqual([parent]);
    expect(outcome.fixed.get(parent)!.text).toContain('<conditions><add input="{R:0}"');
  });
});
