/**
 * Which frontend/backend pairs the HAProxy model simulates. The real-server suite compares the
 * endpoints the model has; an endpoint the model lacks is checked here (real-cases.ts serves the
 * same configurations through HAProxy 2.6).
 */
import { expect, it } from 'vitest';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel } from '../../src/dialects/haproxy/index.js';
import { selectEndpoints } from '../../src/formatters/simulation.js';
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

it('simulate --location: the backends a path may reach, as the use_backend rules take it in order', () => {
  const path = '/lpc-unit/haproxy.cfg';
  const text = [
    'defaults',
    '    mode http',
    'frontend www',
    '    bind :80',
    '    acl is_jira hdr(host) -i jira.example.com',
    '    use_backend api if { path_beg /api }',
    '    use_backend jira if is_jira',
    '    use_backend docs unless { path_beg /app }',
    '    default_backend app',
    'backend api',
    '    server a 127.0.0.1:8001',
    'backend jira',
    '    server j 127.0.0.1:8002',
    'backend docs',
    '    server d 127.0.0.1:8003',
    'backend app',
    '    server p 127.0.0.1:8004',
    'listen own',
    '    bind :81',
    '    use_backend api if { path /only }',
    '    server o 127.0.0.1:8005',
    '',
  ].join('\n');
  const source = createSourceFile(path, text);
  const model = buildHaproxyModel(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: DEFAULT_NGINX_VERSION });
  const at = (location: string) => selectEndpoints(model, location).map((e) => e.label);
  // The path decides the first rule; the Host ACL may hold for any path; `unless` and the default.
  expect(at('/api/x?q=1')).toEqual(['frontend www › backend api', 'listen own']);
  expect(at('/app/x')).toEqual(['frontend www › backend jira', 'frontend www › backend app', 'listen own']);
  expect(at('/other')).toEqual(['frontend www › backend jira', 'frontend www › backend docs', 'listen own']);
  expect(at('/only')).toEqual(['frontend www › backend jira', 'frontend www › backend docs', 'listen own › backend api']);
});
