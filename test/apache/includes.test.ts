/**
 * Include / IncludeOptional on a real directory tree (server/config.c
 * `ap_process_fnmatch_configs`, server/util.c `ap_dir_nofnmatch`/`ap_dir_fnmatch`): wildcards in
 * file and directory parts, alphabetical order, directories read recursively, httpd's errors
 * for `Include`, silence for `IncludeOptional`, cycles, ServerRoot and its fallbacks.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { parseApache } from '../../src/dialects/apache/parser.js';
import type { Node } from '../../src/dialects/apache/syntax.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { OPTIONS } from './helpers.js';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'lpc-inc-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Every directive name in reading order, includes inlined (the include lines themselves dropped). */
function flat(nodes: readonly Node[]): string[] {
  return nodes.flatMap((n) => {
    if (n.type === 'section') return flat(n.children);
    if (n.included) return flat(n.included);
    return [n.args[0]?.value ?? n.name];
  });
}

function parseIn(root: string, main = 'apache2.conf', serverRoot?: string) {
  return parseApache(join(root, main), createNodeIO(root), serverRoot ? { serverRoot } : {});
}

describe('Include', () => {
  it('expands wildcards in directory and file parts in alphabetical order', () => {
    const root = tree({
      'apache2.conf': `ServerRoot ${'/nonexistent-root'}\nInclude sites-*/*.conf\nX end\n`,
      'sites-b/1.conf': 'X b1\n',
      'sites-a/2.conf': 'X a2\n',
      'sites-a/10.conf': 'X a10\n',
      'sites-a/.hidden.conf': 'X hidden\n',
      'sites-a/notes.txt': 'X txt\n',
      'sites-c': 'X not-a-dir\n',
    });
    const r = parseIn(root);
    expect(r.problems).toEqual([]);
    expect(flat(r.nodes).slice(1)).toEqual(['a10', 'a2', 'b1', 'end']);
  });

  it('reads a directory recursively, every file, sorted by full path', () => {
    const root = tree({ 'main.conf': 'Include conf.d\n', 'conf.d/b.conf': 'X b\n', 'conf.d/a/z.conf': 'X az\n', 'conf.d/.dot': 'X dot\n' });
    expect(flat(parseIn(root, 'main.conf').nodes)).toEqual(['dot', 'az', 'b']);
  });

  it('reports a missing file and a wildcard without matches in httpd\'s words, at the path', () => {
    const text = 'Include missing.conf\nInclude nothing/*.conf\nInclude none-*.conf\n';
    const root = tree({ 'apache2.conf': text, 'nothing/readme': '' });
    const r = parseIn(root);
    expect(r.problems.map((p) => [p.kind, text.slice(p.span.start, p.span.end)])).toEqual([
      ['include-unresolved', 'missing.conf'],
      ['include-unresolved', 'nothing/*.conf'],
      ['include-unresolved', 'none-*.conf'],
    ]);
    expect(r.problems[0]!.message).toContain('Could not open configuration file');
    expect(r.problems[1]!.message).toContain("No matches for the wildcard '*.conf' in");
  });

  it('lets IncludeOptional match nothing silently', () => {
    const root = tree({ 'apache2.conf': 'IncludeOptional missing.conf\nIncludeOptional none/*.conf\nIncludeOptional x-*/y\n' });
    expect(parseIn(root).problems).toEqual([]);
  });

  it('detects cycles by real path and reports the chain, without looping', () => {
    const root = tree({ 'apache2.conf': 'Include a.conf\n', 'a.conf': 'X a\nInclude b.conf\n', 'b.conf': 'X b\nInclude link.conf\n' });
    symlinkSync(join(root, 'a.conf'), join(root, 'link.conf'));
    const r = parseIn(root);
    expect(flat(r.nodes)).toEqual(['a', 'b']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.kind).toBe('include-unresolved');
    expect(r.problems[0]!.message).toMatch(/Include cycle: .*a\.conf → .*b\.conf → .*link\.conf/);
  });

  it('resolves relative paths against ServerRoot, or against the root file when ServerRoot does not exist here', () => {
    const copy = tree({ 'etc/apache2/apache2.conf': 'ServerRoot "/etc/apache2"\nIncludeOptional mods-enabled/*.load\nInclude /etc/apache2/sites-enabled/\n', 'etc/apache2/mods-enabled/headers.load': 'X headers\n', 'etc/apache2/sites-enabled/site.conf': 'X site\n' });
    const r = parseIn(copy, 'etc/apache2/apache2.conf');
    expect(r.problems).toEqual([]);
    expect(flat(r.nodes).slice(1)).toEqual(['headers', 'site']);
    const other = tree({ 'conf/x.conf': 'X from-option\n' });
    const withOption = tree({ 'main.conf': 'Include conf/x.conf\n' });
    expect(flat(parseIn(withOption, 'main.conf', other).nodes)).toEqual(['from-option']);
  });

  it('falls back to the including file\'s directory', () => {
    const root = tree({ 'apache2.conf': 'Include sub/inner.conf\n', 'sub/inner.conf': 'Include sibling.conf\n', 'sub/sibling.conf': 'X sibling\n' });
    const r = parseApache(join(root, 'apache2.conf'), createNodeIO(root), { serverRoot: '/nonexistent' });
    expect(r.problems).toEqual([]);
    expect(flat(r.nodes)).toEqual(['sibling']);
  });

  it('treats included files as inlined, with spans pointing into each file', () => {
    const root = tree({
      'apache2.conf': '<VirtualHost *:80>\n    ProxyPass / http://app/\n    Include hardening.conf\n</VirtualHost>\n',
      'hardening.conf': '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n',
    });
    const model = apacheDialect.buildModel(join(root, 'apache2.conf'), createNodeIO(root), OPTIONS);
    expect(model.problems).toEqual([]);
    expect([...model.files.keys()]).toEqual([join(root, 'apache2.conf'), join(root, 'hardening.conf')]);
    const op = model.ops[0]!;
    expect(op.span.file).toBe(join(root, 'hardening.conf'));
    expect(model.endpoints.find((e) => e.requestPath === '/' && e.backends.length > 0)!.pipeline).toEqual([op]);
  });

  it('requires balanced sections within each included file', () => {
    const root = tree({ 'apache2.conf': '<VirtualHost *:80>\nInclude close.conf\n', 'close.conf': '</VirtualHost>\n' });
    const messages = parseIn(root).problems.map((p) => p.message);
    expect(messages).toContain('</VirtualHost> without matching <VirtualHost> section');
    expect(messages).toContain('<VirtualHost> was not closed.');
  });
});
