/**
 * Hostile input named web.config: entity bombs, external entities, truncation, binary data, deep
 * nesting, huge values. Every case must end quickly with one positioned fatal message, never a
 * hang, an exception, a read of another file or another file's contents in a message.
 */
import type { ConfigIO } from '../../src/source.js';
import { describe, expect, it } from 'vitest';
import { iisDialect } from '../../src/dialects/iis/index.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { memoryIO, OPTIONS } from './helpers.js';
import { timeLimit } from '../helpers/time.js';

const PATH = '/srv/site/web.config';

function lintHostile(content: string | Uint8Array): { model: HeaderRewriteModel; reads: string[]; ms: number } {
  const inner = memoryIO({ [PATH]: content, '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n' });
  const reads: string[] = [];
  const io: ConfigIO = { ...inner, read: (p) => {
        reads.push(p);
        return inner.read(p);
      } };
  const t0 = performance.now();
  const model = iisDialect.buildModel(PATH, io, OPTIONS);
  return { model, reads, ms: performance.now() - t0 };
}

function expectOneFatal(model: HeaderRewriteModel, message: RegExp): void {
  const fatals = model.problems.filter((p) => p.kind === 'syntax');
  expect(fatals).toHaveLength(1);
  expect(fatals[0]!.message).toMatch(message);
  expect(fatals[0]!.message).not.toMatch(/root:x:0/);
  expect(fatals[0]!.span.file).toBe(PATH);
  expect(model.endpoints).toEqual([]);
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 ${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n ')}
]>
<configuration><a v="&lol9;"/></configuration>`;

describe('hostile web.config files', () => {
  it('an entity bomb stops at the DOCTYPE, expanding nothing', () => {
    const { model, ms } = lintHostile(BILLION_LAUGHS);
    expectOneFatal(model, /DOCTYPE is not allowed/);
    expect(model.problems[0]!.span.start).toBe(BILLION_LAUGHS.indexOf('<!DOCTYPE'));
    expect(ms).toBeLessThan(timeLimit(1000));
  });

  it('an external entity is never resolved: only the linted file is read', () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<configuration><a v="&xxe;"/></configuration>`;
    const { model, reads } = lintHostile(xxe);
    expectOneFatal(model, /never expands their entities nor opens the files they name/);
    expect(reads.filter((p) => p === '/etc/passwd')).toEqual([]);
  });

  it('an undeclared entity reference without a DOCTYPE is refused, not looked up', () => {
    const { model, reads } = lintHostile('<configuration><a v="&xxe;"/></configuration>');
    expectOneFatal(model, /Entity &xxe; is not defined/);
    expect(reads).not.toContain('/etc/passwd');
  });

  it('a truncated file names the element left open', () => {
    const { model } = lintHostile('<?xml version="1.0"?>\n<configuration>\n  <system.webServer>\n    <rewrite>\n      <outboundRules>\n        <rule name="Add HttpOnly">\n          <match serverVariable="RESPONSE_Set_Cookie" pat');
    expectOneFatal(model, /The file ends inside the start tag <match>/);
  });

  it('binary data is refused at the first character XML does not allow', () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 73 + 11) % 256 || 1;
    const { model, ms } = lintHostile(bytes);
    expectOneFatal(model, /not valid UTF-8|not allowed in XML/);
    expect(ms).toBeLessThan(timeLimit(1000));
  });

  it('100 000 nested elements stop at the depth limit, quickly and without recursion', () => {
    const text = `<configuration>${'<x>'.repeat(100_000)}${'</x>'.repeat(100_000)}</configuration>`;
    const { model, ms } = lintHostile(text);
    expectOneFatal(model, /nested more than 256 deep/);
    expect(model.problems[0]!.span.start).toBe('<configuration>'.length + 255 * 3);
    expect(ms).toBeLessThan(timeLimit(1000));
  });

  it('100 000 unclosed elements stop at the depth limit too', () => {
    const { model, ms } = lintHostile(`<configuration>${'<x>'.repeat(100_000)}`);
    expectOneFatal(model, /nested more than 256 deep/);
    expect(ms).toBeLessThan(timeLimit(1000));
  });

  it('a 5 MB attribute value and 100 000 sibling rules are read in linear time', () => {
    const huge = `<configuration><a v="${'x'.repeat(5_000_000)}"/></configuration>`;
    expect(lintHostile(huge).ms).toBeLessThan(timeLimit(2000));
    const rules = Array.from({ length: 100_000 }, (_, i) => `<rule name="r${i}"><match serverVariable="RESPONSE_Server" pattern="x" /></rule>`).join('');
    const many = `<configuration><system.webServer><rewrite><outboundRules>${rules}</outboundRules></rewrite></system.webServer></configuration>`;
    const { model, ms } = lintHostile(many);
    expect(model.problems).toEqual([]);
    expect(ms).toBeLessThan(timeLimit(5000));
  });

  it('20 000 locations, distinct or with the same path, cost linear time', () => {
    const rule = '<system.webServer><rewrite><outboundRules><rule name="r"><match serverVariable="RESPONSE_Set_Cookie" pattern="^a=" /><action type="None" /></rule></outboundRules></rewrite></system.webServer>';
    const distinct = `<configuration>${Array.from({ length: 20_000 }, (_, i) => `<location path="site/app${i}">${rule}</location>`).join('')}</configuration>`;
    const same = `<configuration>${Array.from({ length: 20_000 }, () => `<location path="site/app"><system.web/></location>`).join('')}</configuration>`;
    const a = lintHostile(distinct);
    expect(a.model.endpoints).toHaveLength(20_001);
    expect(a.ms).toBeLessThan(timeLimit(5000));
    const b = lintHostile(same);
    expect(b.model.endpoints).toHaveLength(2);
    expect(b.ms).toBeLessThan(timeLimit(2000));
  });

  it('a file that is not an IIS configuration says so at its root element', () => {
    const { model } = lintHostile('<html><body>not a config</body></html>');
    expectOneFatal(model, /root element is <html>, not <configuration>/);
  });

  it('a comment never closed, a CDATA section never closed', () => {
    expectOneFatal(lintHostile(`<configuration><!-- ${'a'.repeat(100_000)}`).model, /comment is never closed/);
    expectOneFatal(lintHostile(`<configuration><![CDATA[ ${'a'.repeat(100_000)}`).model, /CDATA section is never closed/);
  });
});

/**
 * configSource is followed (config-source.ts), but only to a file in the configuration's own
 * directory or below: values that leave it are refused as text, before any file is touched.
 */
describe('hostile configSource values', () => {
  function withConfigSource(value: string, extra: Record<string, string> = {}, links?: Record<string, string>) {
    const text = `<configuration><system.webServer><rewrite><outboundRules configSource="${value}" /></rewrite></system.webServer></configuration>`;
    const inner = memoryIO({ [PATH]: text, '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n', ...extra }, links ? { links } : {});
    const touched: string[] = [];
    const io: ConfigIO = {
      ...inner,
      read: (p) => {
        touched.push(`read ${p}`);
        return inner.read(p);
      },
      stat: (p) => {
        touched.push(`stat ${p}`);
        return inner.stat(p);
      },
      readDir: (p) => {
        touched.push(`readDir ${p}`);
        return inner.readDir(p);
      },
    };
    const t0 = performance.now();
    const model = iisDialect.buildModel(PATH, io, OPTIONS);
    return { model, touched, ms: performance.now() - t0 };
  }

  for (const value of ['../../etc/passwd', '..\\..\\etc\\passwd', '/etc/passwd', 'C:\\Windows\\win.ini', '\\\\attacker\\share\\x.config', 'sub\\..\\..\\..\\etc\\passwd']) {
    it(`${value} is refused without touching the file`, () => {
      const { model, touched, ms } = withConfigSource(value);
      expect(model.problems).toEqual([expect.objectContaining({ kind: 'refused', span: expect.objectContaining({ file: PATH }) })]);
      expect(model.problems[0]!.message).toMatch(/relative physical path|same directory or in a subdirectory/);
      expect(model.problems[0]!.message).not.toMatch(/root:x:0/);
      expect(touched.filter((t) => /passwd|win\.ini|attacker/.test(t))).toEqual([]);
      expect([...model.files.keys()]).toEqual([PATH]);
      expect(ms).toBeLessThan(timeLimit(1000));
    });
  }

  it('a symbolic link out of the directory is not followed', () => {
    const { model, touched } = withConfigSource('evil.config', { '/srv/site/evil.config': 'root:x:0:0:root:/root:/bin/bash\n' }, { '/srv/site/evil.config': '/etc/passwd' });
    expect(model.problems.map((p) => [p.kind, p.message])).toEqual([['include-unresolved', expect.stringMatching(/leads outside the directory of web\.config/)]]);
    expect(touched.filter((t) => t.startsWith('read ') && t !== `read ${PATH}`)).toEqual([]);
  });

  it('a cycle of configSource files (a → b → a, and the file itself) ends at once', () => {
    const text = '<configuration><system.webServer><rewrite><outboundRules configSource="a.config" /><rules configSource="web.config" /></rewrite></system.webServer></configuration>';
    const inner = memoryIO({ [PATH]: text, '/srv/site/a.config': '<outboundRules configSource="b.config" />', '/srv/site/b.config': '<outboundRules configSource="a.config" />' });
    const reads: string[] = [];
    const io: ConfigIO = { ...inner, read: (p) => {
        reads.push(p);
        return inner.read(p);
      } };
    const t0 = performance.now();
    const model = iisDialect.buildModel(PATH, io, OPTIONS);
    expect(performance.now() - t0).toBeLessThan(timeLimit(1000));
    expect(reads.filter((p) => p !== PATH)).toEqual(['/srv/site/a.config']);
    expect(model.problems.map((p) => [p.kind, p.span.file])).toEqual([
      ['refused', '/srv/site/a.config'],
      ['refused', PATH],
    ]);
  });

  it('20 000 locations naming one configSource file read and parse it once, in linear time', () => {
    const loc = (i: number) => `<location path="app${i}"><system.webServer><rewrite><outboundRules configSource="rules.config" /></rewrite></system.webServer></location>`;
    const text = `<configuration>${Array.from({ length: 20_000 }, (_, i) => loc(i)).join('')}</configuration>`;
    const rules = '<outboundRules><rule name="r"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; Secure" /></rule></outboundRules>';
    const inner = memoryIO({ [PATH]: text, '/srv/site/rules.config': rules });
    const reads: string[] = [];
    const io: ConfigIO = { ...inner, read: (p) => {
        reads.push(p);
        return inner.read(p);
      } };
    const t0 = performance.now();
    const model = iisDialect.buildModel(PATH, io, OPTIONS);
    expect(performance.now() - t0).toBeLessThan(timeLimit(5000));
    expect(reads.filter((p) => p.endsWith('rules.config'))).toHaveLength(1);
    expect(model.problems).toEqual([]);
    expect(model.ops).toHaveLength(1);
    expect(model.endpoints).toHaveLength(20_001);
  });
});
