/** Small helpers for Apache unit tests: an in-memory ConfigIO and one-call model building. */
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION, type DialectOptions } from '../../src/dialects/dialect.js';
import type { ConfigIO } from '../../src/engine/io.js';
import type { Endpoint, HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { simulate } from '../../src/model/simulate.js';
import type { BackendKind } from '../../src/model/backends.js';
import { createSourceFile } from '../../src/source.js';

/** A file system of `path → text`; directories are implied by the paths. */
export function memoryIO(files: Readonly<Record<string, string>>, links: Readonly<Record<string, string>> = {}): ConfigIO {
  const isDir = (p: string) => {
    const prefix = p.endsWith('/') ? p : `${p}/`;
    return Object.keys(files).some((k) => k.startsWith(prefix));
  };
  return {
    cwd: '/',
    read: (p) => (files[p] !== undefined ? createSourceFile(p, files[p]!) : { error: 'no such file or directory' }),
    stat: (p) => (files[p] !== undefined ? 'file' : isDir(p) ? 'dir' : 'missing'),
    readDir: (p) => {
      const prefix = p.endsWith('/') ? p : `${p}/`;
      const names = Object.keys(files).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('/')[0]!);
      return names.length > 0 ? [...new Set(names)] : { error: 'no such file or directory' };
    },
    realpath: (p) => links[p] ?? p,
  };
}

export const OPTIONS: DialectOptions = { nginxVersion: DEFAULT_NGINX_VERSION };

export function modelOf(text: string, options: Partial<DialectOptions> = {}, extra: Readonly<Record<string, string>> = {}): HeaderRewriteModel {
  return apacheDialect.buildModel('/etc/apache2/test.conf', memoryIO({ '/etc/apache2/test.conf': text, ...extra }), { ...OPTIONS, ...options });
}

/** The endpoint whose label ends with `suffix` (the only one). */
export function endpoint(model: HeaderRewriteModel, suffix: string): Endpoint {
  const found = model.endpoints.filter((e) => e.label.endsWith(suffix));
  if (found.length !== 1) throw new Error(`${found.length} endpoints end with ${suffix}: ${model.endpoints.map((e) => e.label).join(' | ')}`);
  return found[0]!;
}

/** Final Set-Cookie values (or 'crash') for `values` sent by a `kind` backend through `e`. */
export function run(e: Endpoint, kind: BackendKind, values: readonly string[]): string[] | 'crash' {
  const r = simulate('apache', e.pipeline, { backend: kind, status: 200 }, values);
  return r.crash ? 'crash' : r.lines.map((l) => l.value);
}
