/**
 * Metamorphic soundness (STYLE.md habit 11): a file's report never depends on which other files
 * are in the run, nor on the number of threads. Every fixture — and every `.fixed` output, a
 * second population of near-identical configurations — is linted alone, then together with all
 * the others of the same run options, single-threaded and, through the built CLI, with worker
 * threads; the messages (rule, span, text, fix) must be identical. The simulation memo is shared
 * by the whole run, so an incomplete memo key shows up here as a verdict borrowed from a
 * neighbour (the IIS rules that shared a name once did exactly that).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryIO } from '../harness/memory-io.js';
import { run, type RunOptions } from '../../src/run/run.js';
import type { LintResult } from '../../src/engine/result.js';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { fixtureOptions, listFixtures } from '../harness/fixtures.js';
import { REAL_CASES as APACHE_CASES } from '../apache/real-server-cases.js';
import { REAL_CASES as HAPROXY_CASES } from '../haproxy/real-cases.js';
import { REAL_CASES as NGINX_CASES } from '../nginx/real-cases.js';
import { bin } from '../helpers/cli.js';

interface Member {
  readonly path: string;
  readonly dialect: Dialect;
}

/** Fixtures and their fixed outputs, grouped by the run options their comments ask for. */
function groups(): Map<string, { options: Partial<RunOptions>; members: Member[] }> {
  const out = new Map<string, { options: Partial<RunOptions>; members: Member[] }>();
  for (const f of listFixtures()) {
    for (const path of [f.path, ...(f.fixedPath ? [f.fixedPath] : [])]) {
      const o = fixtureOptions(readFileSync(path, 'latin1'));
      const dialect = (o.type as Dialect | undefined) ?? f.dialect;
      const options: Partial<RunOptions> = {
        ...(o.nginxVersion ? { nginxVersion: o.nginxVersion } : {}),
        ...(o.context ? { context: o.context as RunOptions['context'] } : {}),
        ...(o.serverRoot ? { serverRoot: o.serverRoot } : {}),
        ...(o.xsrfCookie ? { xsrfCookies: o.xsrfCookie.split(',') } : {}),
      };
      const key = JSON.stringify(options);
      let g = out.get(key);
      if (!g) out.set(key, (g = { options, members: [] }));
      g.members.push({ path, dialect });
    }
  }
  return out;
}

/** What a user sees of a file's report, independent of how the run was split. */
function digest(r: LintResult): string[] {
  return r.messages.map((m) => JSON.stringify([m.ruleId, m.severity, m.span.start, m.span.end, m.message, m.fix?.edits ?? null])).sort();
}

async function lint(members: readonly Member[], options: Partial<RunOptions>): Promise<Map<string, string[]>> {
  const dialects = new Map(members.map((m) => [m.path, m.dialect]));
  const outcome = await run({ cwd: process.cwd(), paths: members.map((m) => m.path), dialectOf: (p) => dialects.get(p), ...options });
  return new Map(outcome.results.filter((r) => dialects.has(r.filePath)).map((r) => [r.filePath, digest(r)]));
}

const all = groups();

describe('a file’s report does not depend on the other files in the run', () => {
  for (const [key, { options, members }] of all) {
    it(`alone and together give the same messages (${members.length} files, options ${key})`, async () => {
      const together = await lint(members, { ...options, fixDryRun: true });
      expect(together.size).toBe(members.length);
      for (const m of members) {
        const alone = await lint([m], { ...options, fixDryRun: true });
        expect(together.get(m.path), m.path).toEqual(alone.get(m.path));
      }
    });
  }

  it('every real-server case gives the same messages alone and together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpc-meta-cases-'));
    try {
      const fill = (t: string) => t.replaceAll('@HTTP@', 'http://127.0.0.1:8080').replaceAll('@FCGI@', 'fcgi://127.0.0.1:9000').replaceAll('@CGIDIR@', '/usr/lib/cgi-bin');
      const members: Member[] = [
        ...APACHE_CASES.map((c, i) => {
          const path = join(dir, `apache-${i}.conf`);
          const mounts = c.mounts === false ? '' : '    ProxyPass /h/ http://127.0.0.1:8080/\n    ProxyPass /f/ fcgi://127.0.0.1:9000/\n    ScriptAlias /cgi/ /usr/lib/cgi-bin/\n';
          writeFileSync(path, `<VirtualHost *:80>\n    ServerName ${c.name}.test\n${mounts}${fill(c.body)}\n</VirtualHost>\n`);
          return { path, dialect: 'apache' as const };
        }),
        ...NGINX_CASES.map((c, i) => {
          const path = join(dir, `nginx-${i}.conf`);
          const body = c.context === 'location' ? `server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8080;\n${c.text}\n    }\n}\n` : c.context === 'server' ? `server {\n    listen 80;\n${c.text}\n}\n` : c.text;
          writeFileSync(path, c.context === 'http' ? body : `http {\n${body}\n}\n`);
          return { path, dialect: 'nginx' as const };
        }),
        ...HAPROXY_CASES.map((c, i) => {
          const path = join(dir, `haproxy-${i}.cfg`);
          writeFileSync(path, c.text);
          return { path, dialect: 'haproxy' as const };
        }),
      ];
      const together = await lint(members, { fixDryRun: true });
      expect(together.size).toBe(members.length);
      for (const m of members) expect(together.get(m.path), m.path).toEqual((await lint([m], { fixDryRun: true })).get(m.path));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('worker threads give the same messages as one thread', () => {
    const { members } = all.get('{}')!;
    // At least two workers' worth of files (64 each), or the run stays on one thread.
    expect(members.length).toBeGreaterThanOrEqual(128);
    const dir = mkdtempSync(join(tmpdir(), 'lpc-meta-'));
    try {
      const config = join(dir, 'lint-proxy-config.config.json');
      const byDialect = new Map<Dialect, string[]>();
      for (const m of members) byDialect.set(m.dialect, [...(byDialect.get(m.dialect) ?? []), m.path]);
      writeFileSync(config, JSON.stringify({ overrides: [...byDialect].map(([type, files]) => ({ files, type })) }));
      const once = (workers: string) => {
        const r = bin(['-c', config, '-f', 'json', ...members.map((m) => m.path)], { cwd: dir, env: { ...process.env, LPC_WORKERS: workers } });
        expect(r.stderr).not.toMatch(/internal error/i);
        const results = JSON.parse(r.stdout) as { filePath: string; messages: unknown[] }[];
        return new Map(results.map((x) => [x.filePath, JSON.stringify(x.messages)]));
      };
      const one = once('1');
      const two = once('2');
      expect(one.size).toBeGreaterThanOrEqual(members.length);
      expect(two).toEqual(one);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Pairs of files that differ in one semantic field: each file's messages are the same whether
 * it is linted alone or next to its twin (a field missing from a memo key would lend one file's
 * verdict to the other).
 */
describe('twins that differ in one semantic field do not share verdicts', () => {
  const apache = {
    action: ['edit', 'edit*', 'always edit'],
    pattern: ['^(.*)$', '^((?!XSRF-TOKEN=).*)$', '^(JSESSIONID=.*)$', '(.*)'],
    replacement: ['"$1; HttpOnly"', '"$1; Secure"', '$1;HttpOnly;Secure'],
    condition: ['', ' env=!nohttponly', ' "expr=%{REQUEST_URI} =~ m#^/app#"'],
  };
  const iis = {
    pattern: ['.*', '^(?!(?:XSRF-TOKEN|csrftoken)=).*', '^JSESSIONID=.*'],
    ignoreCase: ['', ' ignoreCase="false"'],
    negate: ['', ' negate="true"'],
    value: ['{R:0}; HttpOnly', '{R:0}; Secure'],
  };
  type Pick<T> = { [K in keyof T]: number };
  const apacheText = (p: Pick<typeof apache>) =>
    `<VirtualHost *:80>\n    ServerName t.example.com\n    ProxyPass / http://127.0.0.1:8080/\n    Header ${apache.action[p.action]} Set-Cookie ${apache.pattern[p.pattern]} ${apache.replacement[p.replacement]}${apache.condition[p.condition]}\n</VirtualHost>\n`;
  const iisText = (p: Pick<typeof iis>) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <system.webServer>\n    <rewrite>\n      <outboundRules>\n        <rule name="Add HttpOnly">\n` +
    `          <match serverVariable="RESPONSE_Set_Cookie" pattern="${iis.pattern[p.pattern]}"${iis.ignoreCase[p.ignoreCase]}${iis.negate[p.negate]} />\n` +
    `          <action type="Rewrite" value="${iis.value[p.value]}" />\n        </rule>\n      </outboundRules>\n    </rewrite>\n  </system.webServer>\n</configuration>\n`;

  function twinArb<T extends Record<string, readonly string[]>>(fields: T): fc.Arbitrary<[Pick<T>, Pick<T>]> {
    const keys = Object.keys(fields);
    const pick = fc.tuple(...keys.map((k) => fc.nat({ max: fields[k]!.length - 1 })));
    return fc.tuple(pick, fc.nat({ max: keys.length - 1 }), fc.nat()).map(([values, which, n]) => {
      const a: Record<string, number> = Object.fromEntries(keys.map((k, i) => [k, values[i]!]));
      const key = keys[which]!;
      const size = fields[key]!.length;
      const b = { ...a, [key]: (a[key]! + 1 + (n % (size - 1))) % size };
      return [a as Pick<T>, b as Pick<T>];
    });
  }

  async function check(dialect: Dialect, ext: string, a: string, b: string) {
    const files = { [`/t/a.${ext}`]: a, [`/t/b.${ext}`]: b };
    const io = memoryIO(files, { cwd: '/t' });
    const lintPaths = async (paths: string[]) => {
      const outcome = await run({ cwd: '/t', paths, io, dialectOf: () => dialect, fixDryRun: true });
      return new Map(outcome.results.map((r) => [r.filePath, digest(r)]));
    };
    const both = await lintPaths(Object.keys(files));
    for (const p of Object.keys(files)) expect(both.get(p), `${p}\n${files[p]}`).toEqual((await lintPaths([p])).get(p));
  }

  it('Apache Header directives', async () => {
    await fc.assert(fc.asyncProperty(twinArb(apache), async ([a, b]) => check('apache', 'conf', apacheText(a), apacheText(b))), { numRuns: 40, seed: 20261204 });
  });

  it('IIS outbound rules with the same name', async () => {
    await fc.assert(fc.asyncProperty(twinArb(iis), async ([a, b]) => check('iis', 'config', iisText(a), iisText(b))), { numRuns: 40, seed: 20261204 });
  });
});
