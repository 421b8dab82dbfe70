/**
 * Which frontend/backend pairs the HAProxy model simulates. The real-server suite compares the
 * endpoints the model has; an endpoint the model lacks is checked here (real-cases.ts serves the
 * same configurations through HAProxy 2.6).
 */
import { expect, it } from 'vitest';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel } from '../../src/dialects/haproxy/index.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';

const io = createNodeIO(process.cwd());

function endpoints(text: string): string[] {
  const path = '/lpc-unit/haproxy.cfg';
  const source = createSourceFile(path, `defaults\n    mode http\n\n${text}`);
  const model = buildHaproxyModel(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: DEFAULT_NGINX_VERSION });
  return model.endpoints.map((e) => `${e.label} ${e.requestPath ?? '?'}`);
}

it('a listen section serves with its own servers what its conditional use_backend rules leave', () => {
  const other = 'backend other\n    server s1 127.0.0.1:8080\n';
  expect(endpoints(`listen app\n    use_backend other if { path_beg /other }\n    server s1 127.0.0.1:8080\n\n${other}`)).toEqual([
    'listen app › backend other /other',
    'listen app /lpc-default',
  ]);
  expect(endpoints(`listen app\n    use_backend other\n    server s1 127.0.0.1:8080\n\n${other}`)).toEqual(['listen app › backend other /']);
  expect(endpoints(`listen app\n    use_backend other if { path_beg /other }\n    default_backend other\n    server s1 127.0.0.1:8080\n\n${other}`)).toEqual(['listen app › backend other /other']);
  expect(endpoints('listen app\n    server s1 127.0.0.1:8080\n')).toEqual(['listen app /']);
});
