/**
 * Generators for hostile shapes (issue 18): expansion chains, chains of conditional sections,
 * many location sections, special files where configuration is expected, and files swapped while `--fix` runs (through the test
 * hooks between reading and writing). Each property checks a bound or a write policy, not only
 * "no crash".
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locationMatches, matchingLocations } from '../../src/dialects/apache/matching.js';
import type { Block, ServerScope } from '../../src/dialects/apache/scopes.js';
import { parseApache } from '../../src/dialects/apache/parser.js';
import { MAX_EXPANDED_LINE } from '../../src/dialects/apache/parser.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { run } from '../../src/run/run.js';
import { endpoint, modelOf } from '../apache/helpers.js';
import { createSourceFile, type ConfigIO } from '../../src/source.js';
import { fuzzParams, fuzzTimeout } from './config.js';

describe('expansion chains', () => {
  const io = (text: string): ConfigIO => {
    const file = createSourceFile('/etc/apache2/site.conf', text);
    return { cwd: '/', read: (p) => (p === file.path ? file : { error: 'no such file or directory' }), stat: (p) => (p === file.path ? 'file' : 'missing'), readDir: () => [], realpath: (p) => p };
  };

  it('Define chains that grow past the bound are refused with a message; smaller ones expand exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom('"', "'", ''), (n, fan, quote) => {
        let text = 'Define A0 x\n';
        for (let i = 1; i <= n; i++) text += `Define A${i} ${quote}${`\${A${i - 1}}`.repeat(fan)}${quote}\n`;
        text += `ServerAdmin \${A${n}}\n`;
        const started = performance.now();
        const tree = parseApache('/etc/apache2/site.conf', io(text), {});
        expect(performance.now() - started).toBeLessThan(5000);
        const size = fan ** n;
        const refused = tree.problems.some((p) => p.message.includes('substitution refused'));
        expect(refused, `${fan}^${n} characters`).toBe(size + 2 > MAX_EXPANDED_LINE);
      }),
      fuzzParams(30),
    );
  });
});

describe('chains of conditional sections', () => {
  // A condition is decided ("true", "false") or reads a request header; headers are independent,
  // so every combination of their values is a request the server can get.
  const condition = fc.constantFrom('true', 'false', "%{HTTP:X-A} == 'on'", "%{HTTP:X-B} == 'on'", "%{HTTP:X-C} == 'on'");
  const chain = fc.record({ conditions: fc.array(condition, { minLength: 1, maxLength: 4 }), otherwise: fc.boolean() });
  const SAMPLE = 'XSRF-TOKEN=t; Path=/';

  /** What httpd does for one request: the first section of each chain whose condition holds appends its tag. */
  function expected(chains: readonly { conditions: readonly string[]; otherwise: boolean }[], headers: ReadonlyMap<string, boolean>): string {
    let value = SAMPLE;
    chains.forEach((c, i) => {
      const taken = c.conditions.findIndex((x) => (x === 'true' ? true : x === 'false' ? false : headers.get(x)!));
      const tag = taken >= 0 ? `T${i}-${taken}` : c.otherwise ? `T${i}-else` : undefined;
      if (tag) value += `; ${tag}`;
    });
    return value;
  }

  it('the simulation gives exactly the outcomes of every combination of request headers, without enumerating paths', () => {
    fc.assert(
      fc.property(fc.array(chain, { minLength: 1, maxLength: 8 }), (chains) => {
        let text = '<VirtualHost *:80>\n    ProxyPass /h/ http://app/\n';
        chains.forEach((c, i) => {
          c.conditions.forEach((x, j) => {
            text += `    <${j === 0 ? 'If' : 'ElseIf'} "${x}">\n        Header edit Set-Cookie ^(.*)$ "$1; T${i}-${j}"\n    </${j === 0 ? 'If' : 'ElseIf'}>\n`;
          });
          if (c.otherwise) text += `    <Else>\n        Header edit Set-Cookie ^(.*)$ "$1; T${i}-else"\n    </Else>\n`;
        });
        const e = endpoint(modelOf(`${text}</VirtualHost>\n`), 'ProxyPass /h/');
        const started = performance.now();
        const result = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, [SAMPLE]);
        expect(performance.now() - started).toBeLessThan(2000);
        const headers = ["%{HTTP:X-A} == 'on'", "%{HTTP:X-B} == 'on'", "%{HTTP:X-C} == 'on'"];
        const want = new Set<string>();
        for (let bits = 0; bits < 8; bits++) want.add(expected(chains, new Map(headers.map((h, k) => [h, ((bits >> k) & 1) === 1]))));
        const got = new Set(branchesOf(result).map((b) => b.lines[0]!.value));
        // The same test in two sections is two facts to the simulation (a chain's literal is
        // which of its sections runs), so it may explore combinations no request makes: more
        // outcomes, and past the branch limit a simulation that says it stopped. Otherwise,
        // exactly the requests' outcomes (three headers: at most eight, under the limit).
        const tests = chains.flatMap((c) => c.conditions).filter((x) => headers.includes(x));
        if (new Set(tests).size === tests.length) {
          expect(result.bounded).toBeUndefined();
          expect(got).toEqual(want);
        } else if (!result.bounded) {
          // Every request's outcome is explored: a cookie broken on any request is seen.
          for (const w of want) expect(got, w).toContain(w);
        }
      }),
      fuzzParams(40),
    );
  }, fuzzTimeout(40));
});

describe('many location sections', () => {
  const server = { label: 'main server' } as ServerScope;
  const root: Block = { kind: 'server', section: null, arg: '', regex: false, parent: null, server, label: '', directives: [], children: [], order: 0 };
  const patterns = fc.oneof(
    fc.tuple(fc.constantFrom('^', ''), fc.stringMatching(/^\/[a-c/]{0,6}/), fc.constantFrom('', '(a|b)+', 'x*', '.', '\\.', 'b?', '|/c', '[ab]', '$')).map(([a, b, c]) => ({ arg: a + b + c, regex: true })),
    fc.stringMatching(/^\/[a-c/*?]{0,6}/).map((arg) => ({ arg, regex: false })),
  );

  it('the prefix index finds exactly the sections a test of every section finds, in reading order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ p: patterns, caseless: fc.boolean(), forced: fc.boolean() }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.stringMatching(/^\/[a-cA-C/.x]{0,8}/), { minLength: 1, maxLength: 10 }),
        (specs, uris) => {
          const blocks: Block[] = specs.map((s, i) => ({ kind: 'location', section: null, arg: s.p.arg, regex: s.p.regex, parent: root, server, label: s.p.arg, directives: [], children: [], order: i + 1 }));
          const flagsAt = (order: number) => ({ caseless: specs[order - 1]?.caseless ?? false, dotAll: false, dollarEndOnly: false });
          const forced = new Set(blocks.filter((_, i) => specs[i]!.forced));
          for (const uri of uris) {
            const naive = blocks.filter((b) => forced.has(b) || locationMatches(b, uri, flagsAt));
            expect(matchingLocations([blocks], uri, flagsAt, forced).map((b) => b.arg), uri).toEqual(naive.map((b) => b.arg));
          }
        },
      ),
      fuzzParams(200),
    );
  });
});

const BLANKET = '<VirtualHost *:80>\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';

describe('special files where configuration is expected', () => {
  it('links to devices, FIFOs, directories and dangling links give a message each, never a hang', async () => {
    const kinds = ['dev-zero', 'fifo', 'dir', 'dangling', 'regular'] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 6 }), async (list) => {
        const dir = mkdtempSync(join(tmpdir(), 'lpc-fuzz-special-'));
        try {
          const names: string[] = [];
          list.forEach((kind, i) => {
            const path = join(dir, `f${i}.conf`);
            names.push(path);
            if (kind === 'dev-zero') symlinkSync('/dev/zero', path);
            else if (kind === 'fifo') execFileSync('mkfifo', [path]);
            else if (kind === 'dir') mkdirSync(path);
            else if (kind === 'dangling') symlinkSync(join(dir, 'missing'), path);
            else writeFileSync(path, BLANKET);
          });
          writeFileSync(join(dir, 'main.conf'), `${names.map((n) => `IncludeOptional ${n}`).join('\n')}\n`);
          const started = performance.now();
          const outcome = await run({ cwd: dir, paths: [...names, join(dir, 'main.conf')] });
          expect(performance.now() - started).toBeLessThan(10_000);
          for (const [i, kind] of list.entries()) {
            const r = outcome.results.find((x) => x.filePath === names[i]);
            if (kind === 'regular') expect(r?.errorCount).toBe(1);
            else if (kind !== 'dir') expect(r?.messages.length, kind).toBeGreaterThan(0);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      fuzzParams(15),
    );
  }, fuzzTimeout(15));
});

describe('files swapped while --fix runs', () => {
  const changes = ['none', 'retarget-link', 'append', 'replace-inode', 'chmod-0444'] as const;

  it('a file that changed between reading and writing is never written; the others are fixed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ change: fc.constantFrom(...changes), late: fc.boolean() }), { minLength: 1, maxLength: 5 }),
        async (specs) => {
          const dir = mkdtempSync(join(tmpdir(), 'lpc-fuzz-swap-'));
          try {
            const victim = join(dir, 'victim.txt');
            writeFileSync(victim, 'do not touch\n');
            mkdirSync(join(dir, 'tree'));
            const paths = specs.map((s, i) => {
              const real = join(dir, 'tree', `real${i}.conf`);
              writeFileSync(real, BLANKET);
              if (s.change !== 'retarget-link') return real;
              const link = join(dir, 'tree', `link${i}.conf`);
              symlinkSync(real, link);
              return link;
            });
            const apply = (path: string) => {
              const i = paths.indexOf(path);
              const change = specs[i]?.change;
              if (change === 'retarget-link') {
                unlinkSync(path);
                symlinkSync(victim, path);
              } else if (change === 'append') appendFileSync(path, '# another writer\n');
              else if (change === 'replace-inode') {
                unlinkSync(path);
                writeFileSync(path, BLANKET);
              } else if (change === 'chmod-0444') execFileSync('chmod', ['0444', path]);
            };
            const outcome = await run({
              cwd: dir,
              paths: ['tree', 'victim.txt'],
              fix: true,
              beforeWrite: (p) => {
                if (!specs[paths.indexOf(p)]?.late) apply(p);
              },
              beforeRename: (p) => {
                if (specs[paths.indexOf(p)]?.late) apply(p);
              },
            });
            expect(readFileSync(victim, 'utf8')).toBe('do not touch\n');
            for (const [i, s] of specs.entries()) {
              const wrote = outcome.written.includes(paths[i]!);
              expect(wrote, `${s.change} ${s.late ? 'late' : 'early'}`).toBe(s.change === 'none');
              if (s.change === 'none') expect(readFileSync(paths[i]!, 'utf8')).not.toBe(BLANKET);
            }
            expect(readdirSync(join(dir, 'tree')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      fuzzParams(25),
    );
  }, fuzzTimeout(25));
});
