/** Small helpers for Apache unit tests: one-call model building (memoryIO lives in test/harness). */
import { memoryIO } from '../harness/memory-io.js';

export { memoryIO };
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION, type DialectOptions } from '../../src/dialects/dialect.js';
import type { Endpoint, HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { simulate } from '../../src/model/simulate.js';
import type { BackendKind } from '../../src/model/backends.js';

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
