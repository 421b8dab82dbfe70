/**
 * The fix loop (src/engine/fix.ts) with rules written for the test, so that each of its exits is
 * reached on purpose: a cycle stops the loop, a fix undone by a later pass leaves the file
 * unchanged, the loop stops after MAX_FIX_PASSES, overlapping fixes wait for the next pass, a fix
 * spanning two files is not applied, and a fix that would make the file parse worse is never
 * written (the proof refuses it before the loop's own restore could be needed).
 */
import { withOverrides, type ConfigIO, type TextEdit } from '../../src/source.js';
import type { DialectModule } from '../../src/dialects/dialect.js';
import type { Problem } from '../../src/model/header-rewrite.js';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../src/cookies/catalog.js';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { nginxDialect } from '../../src/dialects/nginx/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { fixProject, MAX_FIX_PASSES } from '../../src/engine/fix.js';
import { lintProject } from '../../src/engine/project.js';
import { RULES } from '../../rules/index.js';
import type { LintSettings } from '../../src/engine/lint.js';
import { defineRule, type Rule, type RuleContext } from '../../src/engine/rule.js';
import { memoryIO } from '../harness/memory-io.js';
import { simulate } from '../../src/model/simulate.js';

const PATH = '/etc/apache2/site.conf';
const OTHER = '/etc/apache2/other.conf';

const VHOST = ['<VirtualHost *:80>', '    ProxyPass / http://127.0.0.1:8080/', '    Header set X-Frame-Options DENY', '    # A', '</VirtualHost>', ''].join('\n');

/**
 * A rule reporting, for the root file's text, the fixes `propose` returns (one finding each).
 * Findings sit at the start of the file (the n-th at offset n), away from what the fixes write, so
 * that the proof's "the finding is gone" holds for a rule that keeps asking for changes.
 */
function testRule(id: string, propose: (text: string, path: string) => TextEdit[][], exempt: (i: number) => string[] = () => [], onCandidates: () => void = () => {}): Rule {
  return defineRule({
    meta: { id, severity: 'error', fixable: true, dialects: ['apache'], description: 'test rule.' },
    check(ctx: RuleContext) {
      const file = ctx.model.files.get(ctx.model.root);
      if (!file) return;
      for (const [i, edits] of propose(file.text, file.path).entries()) {
        const candidates = () => {
          onCandidates();
          return [{ edits, description: id }];
        };
        ctx.report({ span: { file: file.path, start: i, end: i + 1 }, message: `${id} wants a change.`, fix: { exempt: exempt(i), candidates } });
      }
    },
  });
}

function settings(rules: Rule[]): LintSettings {
  return { rules, catalog: createCatalog(), options: { nginxVersion: DEFAULT_NGINX_VERSION }, wantFixes: true };
}

function fix(files: Record<string, string>, rules: Rule[], target = PATH, io: ConfigIO = memoryIO(files), dialect: DialectModule = apacheDialect) {
  return fixProject([{ path: target, dialect: 'apache' }], io, () => dialect, settings(rules));
}

/**
 * Apache as parsed, plus one syntax error when the text holds both `# B` and `# C`: two fixes
 * that each parse as well as before and break the file only together (a directive allowed once,
 * a pair that conflicts). Fixes with different exemptions are proven separately, so only the
 * fix loop's own check can catch such a pair.
 */
const jointlyBreaking: DialectModule = {
  ...apacheDialect,
  build(rootPath, io, options) {
    const built = apacheDialect.build(rootPath, io, options);
    const root = built.model.files.get(rootPath);
    if (!root?.text.includes('# B') || !root.text.includes('# C')) return built;
    const problem: Problem = { kind: 'syntax', message: '# B and # C conflict.', span: { file: rootPath, start: 0, end: 1 } };
    return { ...built, model: { ...built.model, problems: [...built.model.problems, problem] } };
  },
};

const insert = (path: string, at: number, text: string): TextEdit => ({ file: path, start: at, end: at, text });
const replace = (path: string, text: string, from: string, to: string): TextEdit => {
  const at = text.indexOf(from);
  return { file: path, start: at, end: at + from.length, text: to };
};

describe('the fix loop', () => {
  it('applies a fix, re-lints, and stops when nothing is left to fix', () => {
    const rule = testRule('to-b', (text, path) => (text.includes('# A') ? [[replace(path, text, '# A', '# B')]] : []));
    const out = fix({ [PATH]: VHOST }, [rule]);
    expect(out.fixed.get(PATH)?.text).toBe(VHOST.replace('# A', '# B'));
    expect(out.passes).toBe(1);
    expect(out.reverted).toEqual([]);
    expect(out.lint.results.flatMap((r) => r.messages)).toEqual([]);
  });

  it('never writes a fix that makes the file parse worse: the proof refuses it, the finding says why', () => {
    // Opening a section that is never closed: httpd refuses the file.
    const rule = testRule('breaker', (text, path) => (text.includes('# A') ? [[replace(path, text, '# A', '<Location /x>')]] : []));
    const out = fix({ [PATH]: VHOST }, [rule]);
    expect(out.fixed.size).toBe(0);
    expect(out.reverted).toEqual([]);
    const messages = out.lint.results.flatMap((r) => r.messages);
    expect(messages.map((m) => [m.ruleId, m.fatal ?? false])).toEqual([['breaker', false]]);
  });

  it('keeps a fix in a file that was already broken when the fix breaks nothing more', () => {
    const broken = `${VHOST}<Location /open>\n`;
    const rule = testRule('to-b', (text, path) => (text.includes('# A') ? [[replace(path, text, '# A', '# B')]] : []));
    const out = fix({ [PATH]: broken }, [rule]);
    expect(out.reverted).toEqual([]);
    expect(out.fixed.get(PATH)?.text).toBe(broken.replace('# A', '# B'));
    expect(out.lint.results.flatMap((r) => r.messages).filter((m) => m.fatal)).toHaveLength(1);
  });

  it('stops on a cycle, and a file a later pass changed back counts as unchanged', () => {
    const rule = testRule('toggle', (text, path) => [[text.includes('# A') ? replace(path, text, '# A', '# B') : replace(path, text, '# B', '# A')]]);
    const out = fix({ [PATH]: VHOST }, [rule]);
    // Pass 1: A → B; pass 2: B → A (the original text again); pass 3 would give B, already seen.
    expect(out.passes).toBe(2);
    expect(out.fixed.size).toBe(0);
    expect(out.reverted).toEqual([]);
  });

  it(`stops after ${MAX_FIX_PASSES} passes when every pass has something to fix`, () => {
    const rule = testRule('grow', (text, path) => [[insert(path, text.length, '#\n')]]);
    const out = fix({ [PATH]: VHOST }, [rule]);
    expect(out.passes).toBe(MAX_FIX_PASSES);
    expect(out.fixed.get(PATH)?.text).toBe(VHOST + '#\n'.repeat(MAX_FIX_PASSES));
    // The finding is still there after the last pass.
    expect(out.lint.results.flatMap((r) => r.messages).map((m) => m.ruleId)).toEqual(['grow']);
  });

  it('applies overlapping fixes one per pass, in source order', () => {
    const rule = testRule('two', (text, path) => {
      const out: TextEdit[][] = [];
      if (text.includes('# A')) out.push([replace(path, text, '# A', '# B')]);
      if (text.includes('# A')) out.push([replace(path, text, '# A', '# C')]);
      if (text.includes('X-Frame-Options')) out.push([replace(path, text, 'X-Frame-Options', 'X-Content-Type-Options')]);
      return out;
    });
    const out = fix({ [PATH]: VHOST }, [rule]);
    // "# B" comes first and wins; "# C" overlaps it and is dropped; the rename does not overlap.
    expect(out.fixed.get(PATH)?.text).toBe(VHOST.replace('# A', '# B').replace('X-Frame-Options', 'X-Content-Type-Options'));
  });

  it('does not apply a fix whose edits span two files, nor an empty one', () => {
    const rule = testRule('spread', (text, path) => (text.includes('# A') ? [[replace(path, text, '# A', '# B'), insert(OTHER, 0, '# x\n')], []].filter((e) => e.length > 0) : []));
    const out = fix({ [PATH]: VHOST, [OTHER]: '' }, [rule]);
    expect(out.fixed.size).toBe(0);
    expect(out.passes).toBe(0);
    expect(out.lint.results.flatMap((r) => r.messages).map((m) => m.ruleId)).toEqual(['spread']);
  });

  it('keeps the line endings of the file it edits', () => {
    const crlf = VHOST.replace(/\n/g, '\r\n');
    const rule = testRule('lines', (text, path) => (text.includes('# A') ? [[replace(path, text, '# A', '# B\n    # C')]] : []));
    const out = fix({ [PATH]: crlf }, [rule]);
    expect(out.fixed.get(PATH)?.text).toBe(crlf.replace('# A', '# B\r\n    # C'));
  });

  it('applies fixes proven apart one proof per pass: the second is proven again on the first one\'s text', () => {
    const rule = testRule(
      'pair',
      (text, path) => [...(text.includes('# A') ? [[replace(path, text, '# A', '# B')]] : []), ...(text.includes('X-Frame-Options') ? [[replace(path, text, 'Header set X-Frame-Options DENY', '# C')]] : [])],
      // Different exemptions: the two fixes are proven one by one, never together.
      (i) => [`cookie${i}`],
    );
    const alone = fix({ [PATH]: VHOST.replace('    Header set X-Frame-Options DENY\n', '') }, [rule], PATH, undefined, jointlyBreaking);
    expect(alone.fixed.get(PATH)?.text).toContain('# B');
    expect(alone.reverted).toEqual([]);
    // Together they break the file: the first is applied, the second is refused on the new text.
    const out = fix({ [PATH]: VHOST }, [rule], PATH, undefined, jointlyBreaking);
    expect(out.reverted).toEqual([]);
    expect(out.fixed.get(PATH)?.text).toContain('# B');
    expect(out.fixed.get(PATH)?.text).toContain('Header set X-Frame-Options DENY');
    const left = out.lint.results.flatMap((r) => r.messages);
    expect(left.map((m) => [m.ruleId, m.fatal ?? false, m.fix === undefined])).toEqual([['pair', false, true]]);
  });

  it('applies a proven fix in an included file, and not one whose edits span the including and the included file', () => {
    const root = `Include ${OTHER}\n${VHOST}`;
    const single = testRule('inc', (_text, _path) => [[insert(OTHER, 0, '# x\n')]]);
    const seenOnce = (rule: Rule) => fix({ [PATH]: root, [OTHER]: '# y\n' }, [rule]);
    // The included file's fix is applied (one pass; the finding then asks again and the loop stops at 10).
    expect(seenOnce(single).fixed.get(OTHER)?.text.startsWith('# x\n')).toBe(true);
    const spread = testRule('spread2', (text, path) => (text.includes('# A') ? [[replace(path, text, '# A', '# B'), insert(OTHER, 0, '# x\n')]] : []));
    const out = seenOnce(spread);
    // Proven (both files belong to the configuration), offered, but not applied by --fix.
    expect(out.lint.results.flatMap((r) => r.messages).map((m) => [m.ruleId, m.fix?.edits.length])).toEqual([['spread2', 2]]);
    expect(out.fixed.size).toBe(0);
    expect(out.passes).toBe(0);
  });

  it(`counts a file as unchanged when pass ${MAX_FIX_PASSES}, the last, brings it back to its original text`, () => {
    // "# n0" → "# n1" → … → "# n9" → "# n0": ten distinct states, the tenth is the original.
    const rule = testRule('count', (text, path) => {
      const at = text.indexOf('# n');
      const digit = Number(text[at + 3]);
      return [[{ file: path, start: at + 3, end: at + 4, text: String((digit + 1) % MAX_FIX_PASSES) }]];
    });
    const out = fix({ [PATH]: VHOST.replace('# A', '# n0') }, [rule]);
    expect(out.passes).toBe(MAX_FIX_PASSES);
    expect(out.fixed.size).toBe(0);
  });

  it('reports a file that disappears while its fixes are proven as unreadable, and fixes nothing', () => {
    const files = { [PATH]: VHOST };
    const base = memoryIO(files);
    let gone = false;
    const io: ConfigIO = { ...base, read: (path) => (gone && path === PATH ? { error: 'no such file or directory' } : base.read(path)) };
    const rule = testRule(
      'to-b',
      (text, path) => (text.includes('# A') ? [[replace(path, text, '# A', '# B')]] : []),
      () => [],
      () => {
        gone = true;
      },
    );
    const out = fix(files, [rule], PATH, io);
    expect(out.fixed.size).toBe(0);
    expect(out.lint.results.flatMap((r) => r.messages).map((m) => m.message)).toEqual([expect.stringContaining('Cannot read file')]);
  });

  it('reports, as the fixed project\'s lint, exactly what linting the fixed files reports (with and without fixes wanted)', () => {
    const text = ['<VirtualHost *:80>', '    ProxyPass / http://127.0.0.1:8080/', '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"', '</VirtualHost>', ''].join('\n');
    for (const wantFixes of [true, false]) {
      const io = memoryIO({ [PATH]: text });
      const s: LintSettings = { ...settings([...RULES]), wantFixes };
      const out = fixProject([{ path: PATH, dialect: 'apache' }], io, () => apacheDialect, s);
      expect(out.fixed.size).toBe(1);
      expect(out.lint).toEqual(lintProject([{ path: PATH, dialect: 'apache' }], withOverrides(io, out.fixed), () => apacheDialect, s));
    }
    // Left with a proven fix --fix does not apply (it spans two files): `fixable`, not `fix`, when fixes are not wanted.
    const spread = testRule('spread', (t, path) => (t.includes('# A') ? [[replace(path, t, '# A', '# B'), insert(OTHER, 0, '# x\n')]] : []));
    for (const wantFixes of [true, false]) {
      const io = memoryIO({ [PATH]: `Include ${OTHER}\n${VHOST}`, [OTHER]: '# y\n' });
      const s: LintSettings = { ...settings([spread]), wantFixes };
      const out = fixProject([{ path: PATH, dialect: 'apache' }], io, () => apacheDialect, s);
      const messages = out.lint.results.flatMap((r) => r.messages);
      expect(messages).toHaveLength(1);
      expect(messages[0]!.fix !== undefined).toBe(wantFixes);
      expect(messages[0]!.fixable === true).toBe(!wantFixes);
      expect(out.lint).toEqual(lintProject([{ path: PATH, dialect: 'apache' }], io, () => apacheDialect, s));
    }
  });

  it('does not write fixes that, each proven alone, together make a configuration the server refuses', () => {
    // Found by the nginx differential test: one fix stops an inner location inheriting the new
    // proxy_cookie_flags with `proxy_cookie_flags off`, the other writes entries in that location;
    // nginx -t refuses `off` after entries ("is duplicate").
    const path = '/etc/nginx/conf.d/site.conf';
    const text = [
      'server {',
      '    listen 8080;',
      '    location /l0/ {',
      '        proxy_cookie_path ~*^/APP "/x; secure";',
      '        proxy_pass http://127.0.0.1:9000;',
      '        location /l0/deep/ {',
      '            proxy_cookie_path / "/; HTTPOnly; Secure";',
      '            proxy_pass http://127.0.0.1:9000;',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n');
    const io = memoryIO({ [path]: text });
    const s: LintSettings = { ...settings([...RULES]), options: { nginxVersion: '1.22.1', context: 'http' } };
    const out = fixProject([{ path, dialect: 'nginx' }], io, () => nginxDialect, s);
    // Proven apart, they are applied in separate passes, each proven on the text before it: the
    // result is one nginx accepts (nothing reverted).
    expect(out.reverted).toEqual([]);
    expect(out.lint.results.flatMap((r) => r.messages).filter((m) => m.ruleId === 'directive-invalid' || m.fatal)).toEqual([]);
  });

  it('does not apply together fixes proven apart: an nginx exclusion and a moved Secure flag (first-match proxy_cookie_flags)', () => {
    // Found by the nginx differential test: the exclusion's `nohttponly` entry for the CSRF
    // cookies shadowed the `proxy_cookie_flags ~ secure` the other fix appended, so XSRF-TOKEN
    // with Path=/app lost the Secure the path rewrite gave it.
    const path = '/etc/nginx/conf.d/site.conf';
    const text = [
      'server {',
      '    listen 8080;',
      '    location ~ ^/l0/ {',
      '        proxy_cookie_path /app/ "/new/; HttpOnly";',
      '        proxy_cookie_path ~*^/app(/.*)?$ "/APP$1; Secure";',
      '        proxy_pass http://127.0.0.1:9000;',
      '    }',
      '}',
      '',
    ].join('\n');
    const s: LintSettings = { ...settings([...RULES]), options: { nginxVersion: '1.22.1', context: 'http' } };
    const out = fixProject([{ path, dialect: 'nginx' }], memoryIO({ [path]: text }), () => nginxDialect, s);
    const fixed = out.fixed.get(path)?.text ?? text;
    const built = nginxDialect.build(path, memoryIO({ [path]: fixed }), s.options);
    const endpoint = built.model.endpoints.find((e) => e.possibleBackends.includes('http'))!;
    const sent = simulate('nginx', endpoint.pipeline, { backend: 'http', status: 200 }, ['XSRF-TOKEN=x1; path=/app']).lines.map((l) => l.value);
    // Whatever HttpOnly the fixes leave, the Secure the path rewrite gave stays.
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^XSRF-TOKEN=x1; path=\/APP; Secure(; HttpOnly)?$/);
  });

  it('applies in one pass the fixes of different proofs that meet in no block, and proves together only those in a block where they meet', () => {
    // Six virtual hosts (the units proofs are narrowed to). Fixes with different exemptions are
    // proven in two batches: a* in hosts 1 and 2, b* in hosts 2 and 3. Only host 2 holds both,
    // and there `# B` and `# C` together break the file (jointlyBreaking), so they cannot be
    // applied together: a1, a2 and b3 are, in the first pass; b2 is refused on the fixed text.
    const host = (i: number, markers: string[]) => [`<VirtualHost *:${8000 + i}>`, `    ProxyPass / http://127.0.0.1:${9000 + i}/`, ...markers.map((m) => `    # ${m}`), '</VirtualHost>'].join('\n');
    const text = `${[host(0, []), host(1, ['a1']), host(2, ['a2', 'b2']), host(3, ['b3']), host(4, []), host(5, [])].join('\n')}\n`;
    const writes: Record<string, string> = { a1: 'P', a2: 'B', b2: 'C', b3: 'Q' };
    const builds: string[] = [];
    const counting: DialectModule = {
      ...jointlyBreaking,
      build(rootPath, io, options) {
        const source = io.read(rootPath);
        if (!('error' in source)) builds.push([1, 2, 3].filter((i) => source.text.includes(`<VirtualHost *:${8000 + i}>`)).join(''));
        return jointlyBreaking.build(rootPath, io, options);
      },
    };
    const rule = defineRule({
      meta: { id: 'markers', severity: 'error', fixable: true, dialects: ['apache'], description: 'test rule.' },
      check(ctx: RuleContext) {
        const file = ctx.model.files.get(ctx.model.root);
        if (!file) return;
        let n = 0;
        for (const [marker, to] of Object.entries(writes)) {
          const at = file.text.indexOf(`# ${marker}\n`);
          if (at < 0) continue;
          const edits = [{ file: file.path, start: at + 2, end: at + 4, text: to }];
          ctx.report({ span: { file: file.path, start: n, end: n + 1 }, message: `markers wants ${marker} changed.`, fix: { exempt: [marker.startsWith('a') ? 'XSRF-TOKEN' : 'csrftoken'], candidates: () => [{ edits, description: marker }] } });
          n++;
        }
      },
    });
    const out = fix({ [PATH]: text }, [rule], PATH, undefined, counting);
    const fixed = out.fixed.get(PATH)?.text ?? '';
    expect(fixed).toContain('# P');
    expect(fixed).toContain('# B');
    expect(fixed).toContain('# Q');
    expect(fixed).toContain('# b2');
    expect(out.reverted).toEqual([]);
    // The joint proof of the first pass kept host 2 only (hosts 1 and 3 blanked).
    expect(builds).toContain('2');
    expect(out.passes).toBe(1);
    expect(out.lint.results.flatMap((r) => r.messages).map((m) => m.message)).toEqual(['markers wants b2 changed. No automatic fix: the edited configuration no longer parses cleanly.']);
  });

  it('proves an edit of `Header edit Set-Cookie` with the probes in one response, refusing what one probe alone would refuse', () => {
    const BLANKET = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';
    const vhost = (rewrite: string) => VHOST.replace('    # A', `    ${rewrite}`);
    const proposing = (to: string) =>
      testRule(
        'narrow',
        (text, path) => (text.includes(BLANKET) ? [[replace(path, text, BLANKET, to)]] : []),
        () => ['atlassian.xsrf.token'],
      );
    const outcome = (rewrite: string, to: string) => {
      const out = fix({ [PATH]: vhost(rewrite) }, [proposing(to)]);
      return { fixed: out.fixed.has(PATH), reasons: out.lint.results.flatMap((r) => r.messages.map((m) => (m.data as { noFix?: string } | undefined)?.noFix)) };
    };
    // Only the Jira token loses HttpOnly: every other probe, one line each in one response, ends as before.
    expect(outcome(BLANKET, 'Header edit Set-Cookie "^((?!atlassian\\.xsrf\\.token=).*)$" "$1; HttpOnly"')).toEqual({ fixed: true, reasons: [] });
    // A look-alike cookie loses it too: refused, and worded as one probe tells it.
    const loose = outcome(BLANKET, 'Header edit Set-Cookie "^((?!atlassian).*)$" "$1; HttpOnly"');
    expect(loose.fixed).toBe(false);
    expect(loose.reasons).toHaveLength(1);
    expect(loose.reasons[0]).toMatch(/^the edit changes "atlassian[^"]*" at .*HttpOnly/);
    // The exempt token itself may lose HttpOnly and nothing else: here it also gets `; x`.
    const EXCLUDED = 'Header edit Set-Cookie "^((?!atlassian\\.xsrf\\.token=).*)$" "$1; HttpOnly"';
    const TOKEN_X = 'Header edit Set-Cookie "^(atlassian\\.xsrf\\.token=.*)$" "$1; x"';
    const more = outcome(BLANKET, `${EXCLUDED}\n    ${TOKEN_X}`);
    expect(more.fixed).toBe(false);
    expect(more.reasons[0]).toMatch(/^the edit changes more than HttpOnly on atlassian\.xsrf\.token at .*became ".*; x"$/);
    // The same edits behind a condition (no longer linewise: probes go one by one) agree.
    const conditional = (to: string) => `${to} "expr=%{REQUEST_URI} =~ m#^/#"`;
    // (The rule replaces the directive up to its condition, which stays.)
    const guarded = (to: string) => outcome(conditional(BLANKET), to).fixed;
    expect(guarded('Header edit Set-Cookie "^((?!atlassian\\.xsrf\\.token=).*)$" "$1; HttpOnly"')).toBe(true);
    expect(guarded('Header edit Set-Cookie "^((?!atlassian).*)$" "$1; HttpOnly"')).toBe(false);
    expect(guarded(`${EXCLUDED} "expr=%{REQUEST_URI} =~ m#^/#"\n    ${TOKEN_X}`)).toBe(false);
  });

  it('proves a fix at every status a verdict explores: one that drops every cookie of a 404 response is refused', () => {
    const path = '/etc/nginx/conf.d/site.conf';
    const text = ['server {', '    listen 8080;', '    location / {', '        proxy_pass http://127.0.0.1:9000;', '        # A', '    }', '}', ''].join('\n');
    const rule = (to: string) =>
      defineRule({
        meta: { id: 'status-fix', severity: 'error', fixable: true, dialects: ['nginx'], description: 'test rule.' },
        check(ctx: RuleContext) {
          const file = ctx.model.files.get(ctx.model.root);
          if (!file?.text.includes('# A')) return;
          ctx.report({ span: { file: path, start: 0, end: 1 }, message: 'status-fix wants a change.', fix: { exempt: [], candidates: () => [{ edits: [replace(path, file.text, '# A', to)], description: 'x' }] } });
        },
      });
    const s = (r: Rule): LintSettings => ({ ...settings([r]), options: { nginxVersion: '1.22.1', context: 'http' } });
    const run = (to: string) => fixProject([{ path, dialect: 'nginx' }], memoryIO({ [path]: text }), () => nginxDialect, s(rule(to)));
    // The same directive for every status changes the 200 response too; limited to 404, only the 404 one.
    expect(run('more_clear_headers Set-Cookie;').fixed.size).toBe(0);
    expect(run('more_clear_headers -s 404 Set-Cookie;').fixed.size).toBe(0);
    expect(run('more_set_headers -s 404 "X-Other: 1";').fixed.get(path)?.text).toContain('X-Other');
  });
});
