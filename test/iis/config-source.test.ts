/**
 * configSource: a section kept in another file is followed like an include.
 *   [IIS]  MicrosoftDocs/iis-docs getting-started-with-configuration-in-iis-7-and-above.md
 *          "Configuration include files": relative physical paths in sub-directories only.
 *   [.NET] dotnet/runtime System.Configuration BaseConfigurationRecord (ScanSectionsRecursive,
 *          LoadConfigSource, ValidateUniqueConfigSource), InternalConfigHost
 *          StaticGetStreamNameForConfigSource; wording from its Strings.resx.
 */
import { describe, expect, it } from 'vitest';
import { checkConfigSourcePath } from '../../src/dialects/iis/config-source.js';
import { iisDialect } from '../../src/dialects/iis/index.js';
import { parseXml } from '../../src/dialects/iis/xml.js';
import { fixProject } from '../../src/engine/fix.js';
import { lintProject } from '../../src/engine/project.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { encode } from '../../src/source.js';
import { lint, memoryIO, one, OPTIONS, settings, spanText } from './helpers.js';

const ROOT = '/site/web.config';
const registry = () => iisDialect;

const rewrite = (inner: string) => `<configuration>\n  <system.webServer>\n    <rewrite>\n${inner}\n    </rewrite>\n  </system.webServer>\n</configuration>\n`;
const CLASSIC_RULE = `  <rule name="Add HttpOnly">
    <match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />
    <conditions>
      <add input="{R:0}" pattern="; HttpOnly" negate="true" />
    </conditions>
    <action type="Rewrite" value="{R:0}; HttpOnly" />
  </rule>`;
const OUTBOUND_FILE = `<?xml version="1.0" encoding="utf-8"?>\n<outboundRules>\n${CLASSIC_RULE}\n</outboundRules>\n`;

function build(files: Record<string, string | Uint8Array>, root = ROOT, links?: Record<string, string>): HeaderRewriteModel {
  return iisDialect.buildModel(root, memoryIO(files, links ? { links } : {}), OPTIONS);
}

/** [kind, file, text at the span] of every problem. */
function problems(m: HeaderRewriteModel): [string, string, string][] {
  return m.problems.map((p) => [p.kind, p.span.file, spanText(m, p.span)]);
}

describe('configSource values (checked as text, before any file is touched)', () => {
  it('accepts names in the directory or below, with \\ or /, resolving . and inner ..', () => {
    expect(checkConfigSourcePath('rewrite.config')).toEqual({ ok: true, segments: ['rewrite.config'] });
    expect(checkConfigSourcePath('config\\rewrite\\outbound.config')).toEqual({ ok: true, segments: ['config', 'rewrite', 'outbound.config'] });
    expect(checkConfigSourcePath('.\\config/x\\..\\outbound.config')).toEqual({ ok: true, segments: ['config', 'outbound.config'] });
  });

  // NormalizeConfigSource: "The configSource attribute must be a relative physical path."
  it('refuses empty, padded and rooted values', () => {
    for (const [value, why] of [
      ['', /is empty/],
      [' rewrite.config', /white space/],
      ['/etc/passwd', /absolute path/],
      ['\\Windows\\win.ini', /absolute path/],
      ['C:\\Windows\\win.ini', /names drive C:/],
      ['c:rewrite.config', /names drive c:/],
      ['\\\\server\\share\\rewrite.config', /UNC/],
      ['//server/share/rewrite.config', /UNC/],
    ] as const) {
      const r = checkConfigSourcePath(value);
      expect(r.ok, value).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/^The configSource attribute must be a relative physical path: /);
      if (!r.ok) expect(r.message).toMatch(why);
    }
  });

  // StaticGetStreamNameForConfigSource: the result must be in or under the file's directory.
  it('refuses values that leave the directory', () => {
    for (const value of ['..\\web.config', '../../etc/passwd', 'a\\..\\..\\x.config', '.', 'a\\..']) {
      const r = checkConfigSourcePath(value);
      expect(r.ok, value).toBe(false);
      if (!r.ok) expect(r.message).toContain('It must refer to a file in the same directory or in a subdirectory as the configuration file.');
    }
  });

  it('refuses characters Windows does not allow in a file name', () => {
    for (const value of ['a:b.config', 'rewrite.config:stream', 'a|b', 'x?.config', 'a\u0001b']) {
      expect(checkConfigSourcePath(value).ok, JSON.stringify(value)).toBe(false);
    }
  });
});

describe('following configSource', () => {
  const files = {
    [ROOT]: rewrite('      <outboundRules configSource="rewrite\\outbound.config" />'),
    '/site/rewrite/outbound.config': OUTBOUND_FILE,
  };
  const m = build(files);

  it('reads the section from the named file: its rules run, and point into that file', () => {
    expect(m.problems).toEqual([]);
    expect(one(m, 'JSESSIONID=1; Path=/')).toBe('JSESSIONID=1; Path=/; HttpOnly');
    expect(m.ops).toHaveLength(1);
    expect(m.ops[0]!.span.file).toBe('/site/rewrite/outbound.config');
    expect(spanText(m, m.ops[0]!.span)).toMatch(/^<rule name="Add HttpOnly">[\s\S]*<\/rule>$/);
  });

  it('lists the file in the model, and lints it in context (covers), not as a root', () => {
    expect([...m.files.keys()]).toEqual([ROOT, '/site/rewrite/outbound.config']);
    expect(m.covers).toEqual([ROOT, '/site/rewrite/outbound.config']);
  });

  it('reads rules, globalRules, rewriteMaps and system.web sections too', () => {
    const model = build({
      [ROOT]: `<configuration><system.webServer><rewrite><rules configSource="rules.config" /><globalRules configSource="global.config" /><rewriteMaps configSource="maps.config" /></rewrite><staticContent configSource="static.config" /></system.webServer><system.web><httpCookies configSource="cookies.config" /></system.web></configuration>`,
      '/site/rules.config': '<rules><rule name="api"><match url="(.*)" /><action type="Rewrite" url="http://127.0.0.1:5000/{R:1}" /></rule></rules>',
      '/site/global.config': '<globalRules />',
      '/site/maps.config': '<rewriteMaps><rewriteMap name="m"><add key="a" value="b" /></rewriteMap></rewriteMaps>',
      '/site/static.config': '<staticContent />',
      '/site/cookies.config': '<httpCookies httpOnlyCookies="true" />',
    });
    expect(model.problems).toEqual([]);
    expect(model.endpoints[0]!.backends.map((b) => b.target)).toEqual(['http://127.0.0.1:5000/{R:1}']);
    expect(model.endpoints[0]!.possibleBackends).toEqual(['http']);
    expect(model.facts).toEqual([expect.objectContaining({ kind: 'aspnet-httpcookies', httpOnlyCookies: true, attributeSpan: expect.objectContaining({ file: '/site/cookies.config' }) })]);
    expect(model.covers).toHaveLength(6);
  });

  it('finds the file whatever the case of its name (Windows file names)', () => {
    const model = build({ [ROOT]: rewrite('<outboundRules configSource="Rewrite\\Outbound.CONFIG" />'), '/site/rewrite/outbound.config': OUTBOUND_FILE });
    expect(model.problems).toEqual([]);
    expect(model.ops[0]!.span.file).toBe('/site/rewrite/outbound.config');
  });

  it('decodes the file with the same rules (UTF-16 with a byte order mark)', () => {
    const text = OUTBOUND_FILE.replace('utf-8', 'utf-16').replace(/\n/g, '\r\n');
    const model = build({ [ROOT]: rewrite('<outboundRules configSource="outbound.config" />'), '/site/outbound.config': encode(text, 'utf16le', true) });
    expect(model.problems).toEqual([]);
    expect(model.files.get('/site/outbound.config')!.encoding).toBe('utf16le');
    expect(one(model, 'a=1')).toBe('a=1; HttpOnly');
  });

  it('several locations may use the same file for the same section: it is read once', () => {
    const loc = (path: string) => `<location path="${path}"><system.webServer><rewrite><outboundRules configSource="outbound.config" /></rewrite></system.webServer></location>`;
    const model = build({ [ROOT]: `<configuration>${loc('a')}${loc('b')}</configuration>`, '/site/outbound.config': OUTBOUND_FILE });
    expect(model.problems).toEqual([]);
    expect(model.ops).toHaveLength(1);
    expect(model.endpoints.map((e) => e.pipeline.length)).toEqual([0, 1, 1]);
  });

  it('applies a parent web.config\'s configSource rules first, without reporting the parent\'s problems', () => {
    const model = build({
      '/site/web.config': rewrite('<outboundRules configSource="parent.config" />'),
      '/site/parent.config': '<outboundRules><rule name="P"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; P" /></rule><rule name="bad" enabled="maybe" /></outboundRules>',
      '/site/app/web.config': rewrite('<outboundRules configSource="child.config" />'),
      '/site/app/child.config': '<outboundRules><rule name="C"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; C" /></rule></outboundRules>',
    }, '/site/app/web.config');
    expect(model.problems).toEqual([]);
    expect(one(model, 'a=1')).toBe('a=1; P; C');
    expect(model.covers).toEqual(['/site/app/web.config', '/site/app/child.config']);
    expect(model.files.has('/site/parent.config')).toBe(true);
  });
});

describe('what IIS refuses (HTTP 500.19): directive-invalid, nothing outside the directory is read', () => {
  it('a missing or unreadable file stays an unresolved include', () => {
    const m = build({ [ROOT]: rewrite('<outboundRules configSource="outbound.config" /><rules configSource="dir" />'), '/site/dir/x': 'x' });
    expect(problems(m)).toEqual([
      ['include-unresolved', ROOT, 'outbound.config'],
      ['include-unresolved', ROOT, 'dir'],
    ]);
    expect(m.problems[0]!.message).toMatch(/^Unable to open configSource file 'outbound\.config' \(no such file or directory\): IIS refuses the file \(HTTP 500\.19\), and the rules <outboundRules> should hold are not checked$/);
    expect(m.problems[1]!.message).toMatch(/is a directory/);
  });

  // ScanSectionsRecursive: "A section using 'configSource' may contain no other attributes or elements."
  it('the element with configSource has no other attribute and no content but comments', () => {
    const m = build({
      [ROOT]: rewrite('<outboundRules rewriteBeforeCache="true" configSource="outbound.config"><!-- kept elsewhere --></outboundRules><rules configSource="rules.config"><rule name="x" /></rules><globalRules configSource="global.config">text</globalRules>'),
      '/site/outbound.config': OUTBOUND_FILE,
      '/site/rules.config': '<rules />',
      '/site/global.config': '<globalRules />',
    });
    expect(problems(m)).toEqual([
      ['refused', ROOT, 'rewriteBeforeCache'],
      ['refused', ROOT, '<rule name="x" />'],
      ['refused', ROOT, '<globalRules configSource="global.config">'],
    ]);
    for (const p of m.problems) expect(p.message).toMatch(/^A section using 'configSource' may contain no other attributes or elements/);
    // The file is still what IIS reads for the section: its rules are checked.
    expect(m.ops).toHaveLength(1);
  });

  // LoadConfigSource: "The format of a configSource file must be an element containing the name of the section."
  it('the file\'s root element is the section itself, reported in that file', () => {
    const m = build({ [ROOT]: rewrite('<outboundRules configSource="outbound.config" />'), '/site/outbound.config': `<configuration><system.webServer><rewrite><outboundRules>${CLASSIC_RULE}</outboundRules></rewrite></system.webServer></configuration>` });
    expect(problems(m)).toEqual([['refused', '/site/outbound.config', 'configuration']]);
    expect(m.problems[0]!.message).toMatch(/^The format of a configSource file must be an element containing the name of the section: <outboundRules configSource="outbound\.config"> in web\.config needs <outboundRules> here, not <configuration>/);
    expect(m.ops).toEqual([]);
  });

  it('a file that is not well-formed XML is a fatal error positioned in that file', () => {
    const m = build({ [ROOT]: rewrite('<outboundRules configSource="outbound.config" />'), '/site/outbound.config': '<outboundRules><rule name="a">' });
    expect(m.problems).toEqual([expect.objectContaining({ kind: 'syntax', span: expect.objectContaining({ file: '/site/outbound.config' }), message: expect.stringMatching(/is never closed/) })]);
  });

  // ValidateUniqueConfigSource: Config_source_cannot_be_shared, Config_source_parent_conflict.
  it('one file per section, never the configuration file itself, never a parent\'s', () => {
    const m = build({ [ROOT]: rewrite('<outboundRules configSource="web.config" /><rules configSource="shared.config" /><globalRules configSource="SHARED.config" />'), '/site/shared.config': '<rules />' });
    expect(problems(m)).toEqual([
      ['refused', ROOT, 'web.config'],
      ['refused', ROOT, 'SHARED.config'],
    ]);
    expect(m.problems[0]!.message).toMatch(/^The configSource file 'web\.config' can only be used by one type of section, and may not be the same as the configuration file\./);
    expect(m.problems[1]!.message).toMatch(/system\.webServer\/rewrite\/rules already uses it/);

    const child = build({
      '/site/web.config': rewrite('<outboundRules configSource="app\\rules.config" />'),
      '/site/app/web.config': rewrite('<outboundRules configSource="rules.config" />'),
      '/site/app/rules.config': OUTBOUND_FILE,
    }, '/site/app/web.config');
    // The parent's rule and the child's are then the same entry twice, which IIS refuses too.
    expect(child.problems.map((p) => [spanText(child, p.span), p.message])).toEqual([
      ['rules.config', expect.stringMatching(/^The configSource file 'rules\.config' is also used in a parent, this is not allowed/)],
      ['<rule name="Add HttpOnly">', expect.stringMatching(/Cannot add duplicate collection entry/)],
    ]);
  });

  it('a configSource file does not name another one (no chain, no cycle)', () => {
    const m = build({
      [ROOT]: rewrite('<outboundRules configSource="a.config" />'),
      '/site/a.config': '<outboundRules configSource="b.config" />',
      '/site/b.config': '<outboundRules configSource="a.config" />',
    });
    expect(problems(m)).toEqual([['refused', '/site/a.config', 'b.config']]);
    expect([...m.files.keys()]).toEqual([ROOT, '/site/a.config']);
  });

  it('configSource on a section group', () => {
    const m = build({ [ROOT]: '<configuration><system.webServer configSource="ws.config"><rewrite configSource="rewrite.config" /></system.webServer></configuration>' });
    expect(problems(m)).toEqual([
      ['refused', ROOT, 'configSource'],
      ['refused', ROOT, 'configSource'],
    ]);
    expect(m.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^<system\.webServer> is a section group/), expect.stringMatching(/^<rewrite> is a section group/)]);
    expect([...m.files.keys()]).toEqual([ROOT]);
  });

  it('top-level .NET sections (appSettings, connectionStrings) are not opened', () => {
    const m = build({ [ROOT]: '<configuration><connectionStrings configSource="secrets.config" /></configuration>', '/site/secrets.config': '<connectionStrings />' });
    expect(m.problems).toEqual([]);
    expect([...m.files.keys()]).toEqual([ROOT]);
  });
});

describe('linting and fixing inside the configSource file', () => {
  const files = {
    [ROOT]: rewrite('      <outboundRules configSource="rewrite\\outbound.config" />'),
    '/site/rewrite/outbound.config': OUTBOUND_FILE,
  };

  it('reports the finding in the included file, at its own path', () => {
    const io = memoryIO(files);
    const m = iisDialect.buildModel(ROOT, io, OPTIONS);
    const findings = lint(m.root, io).filter((f) => f.ruleId === 'xsrf-cookie-httponly');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.span.file).toBe('/site/rewrite/outbound.config');
    expect(spanText(m, findings[0]!.span)).toBe('{R:0}; HttpOnly');
    expect(findings[0]!.fix!.edits.every((e) => e.file === '/site/rewrite/outbound.config')).toBe(true);
  });

  it('lints the included file once, in context, even when it is given as a target too', () => {
    const io = memoryIO(files);
    const targets = [{ path: '/site/rewrite/outbound.config', dialect: 'iis' as const }, { path: ROOT, dialect: 'iis' as const }];
    const { results, models } = lintProject(targets, io, registry, settings(false));
    expect(models.map((x) => x.root)).toEqual([ROOT]);
    const included = results.find((r) => r.path === '/site/rewrite/outbound.config')!;
    expect(included.messages.map((x) => [x.ruleId, x.fatal ?? false])).toEqual([['xsrf-cookie-httponly', false]]);
    expect(results.find((r) => r.path === ROOT)!.messages).toEqual([]);
  });

  it('an inline directive in the included file suppresses the finding there', () => {
    const text = OUTBOUND_FILE.replace('    <action', '    <!-- lint-proxy-config-disable-next-line xsrf-cookie-httponly - the app sets no CSRF cookie -->\n    <action');
    const io = memoryIO({ ...files, '/site/rewrite/outbound.config': text });
    const { results } = lintProject([{ path: ROOT, dialect: 'iis' }], io, registry, settings(false));
    expect(results.flatMap((r) => r.messages)).toEqual([]);
    expect(results.flatMap((r) => r.suppressed ?? []).map((x) => x.ruleId)).toEqual(['xsrf-cookie-httponly']);
  });

  it('fixProject edits the rule where it is; the fixed file re-parses and a second fix changes nothing', () => {
    const io = memoryIO(files);
    const outcome = fixProject([{ path: ROOT, dialect: 'iis' }], io, registry, settings());
    expect([...outcome.fixed.keys()]).toEqual(['/site/rewrite/outbound.config']);
    const fixed = outcome.fixed.get('/site/rewrite/outbound.config')!;
    expect(fixed.text).toBe(OUTBOUND_FILE.replace('negate="true" />\n', `negate="true" />\n      <add input="{R:0}" pattern="^(?:atl\\.xsrf\\.token|atl\\.xsrf\\.token\\.slash|atlassian\\.xsrf\\.token|XSRF-TOKEN|csrftoken|sc|NX-ANTI-CSRF-TOKEN)=" negate="true" />\n`));
    expect(parseXml(fixed).root?.name).toBe('outboundRules');
    expect(outcome.lint.results.flatMap((r) => r.messages)).toEqual([]);

    const after = memoryIO({ ...files, '/site/rewrite/outbound.config': fixed.text });
    const model = iisDialect.buildModel(ROOT, after, OPTIONS);
    expect(model.problems).toEqual([]);
    expect(one(model, 'XSRF-TOKEN=1; Path=/')).toBe('XSRF-TOKEN=1; Path=/');
    expect(one(model, 'JSESSIONID=1; Path=/')).toBe('JSESSIONID=1; Path=/; HttpOnly');
    expect(fixProject([{ path: ROOT, dialect: 'iis' }], after, registry, settings()).fixed.size).toBe(0);
  });

  it('keeps the included file\'s encoding, byte order mark and line endings', () => {
    const text = OUTBOUND_FILE.replace('utf-8', 'utf-16').replace(/\n/g, '\r\n');
    const io = memoryIO({ ...files, '/site/rewrite/outbound.config': encode(text, 'utf16be', true) });
    const fixed = fixProject([{ path: ROOT, dialect: 'iis' }], io, registry, settings()).fixed.get('/site/rewrite/outbound.config')!;
    expect([fixed.encoding, fixed.bom]).toEqual(['utf16be', true]);
    expect(fixed.text.split('\r\n').length).toBe(fixed.text.split('\n').length);
    expect(fixed.text).toContain('negate="true" />\r\n      <add input="{R:0}" pattern="^(?:');
  });
});
