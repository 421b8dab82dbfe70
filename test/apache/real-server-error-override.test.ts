/**
 * `ProxyErrorOverride` on the real Apache with the backends the shared harness cannot play: a
 * FastCGI responder that answers the status it is asked (`Status: 404`), and an AJP one that ends
 * each response keeping its connection (END_RESPONSE reuse = 1, as Tomcat does), the only case
 * where mod_proxy_ajp overrides. FastCGI cookies survive the override (they live in
 * `err_headers_out`, which becomes the error page's `headers_out`) and are sent after what
 * `Header always` adds, which no longer sees them; AJP cookies are dropped like HTTP ones.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import type { BackendKind } from '../../src/model/backends.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { memoryIO } from '../harness/memory-io.js';
import { describeRealServer } from '../helpers/skips.js';
import { SERVED_MODULES, apacheBinary, fetchFromHost, makeRoot, startApache, startBackends, type ApacheServer, type Backends } from '../servers/apache.js';
import { cookieQuery, cookiesFromQuery, freePort } from '../servers/backend.js';
import { branchesFor } from './branches.js';
import { STANDARD_COOKIES } from './real-server-cases.js';

/** The status and cookies a request asks for, read from anywhere in its bytes (the query string travels verbatim). */
function asked(bytes: Buffer): { status: number; cookies: string[] } {
  const text = bytes.toString('latin1');
  return { status: Number(/[?&]?status=(\d{3})/.exec(text)?.[1] ?? 200), cookies: cookiesFromQuery(/lpc=[A-Za-z0-9_.-]*/.exec(text)?.[0] ?? '') };
}

function serve(onData: (socket: Socket, received: () => Buffer, consume: (n: number) => void) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      onData(
        socket,
        () => buffer,
        (n) => {
          buffer = buffer.subarray(n);
        },
      );
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

/** FastCGI: answers `Status: <asked>` with the cookies asked for, once the empty STDIN record arrives. */
function fastCgiWithStatus() {
  return serve((socket, received) => {
    const buf = received();
    for (let at = 0; buf.length >= at + 8 && buf.length >= at + 8 + buf.readUInt16BE(at + 4) + buf[at + 6]!; at += 8 + buf.readUInt16BE(at + 4) + buf[at + 6]!) {
      if (buf[at + 1] !== 5 || buf.readUInt16BE(at + 4) !== 0) continue; // FCGI_STDIN, empty: the request is complete
      const id = buf.readUInt16BE(at + 2);
      const { status, cookies } = asked(buf);
      const out = Buffer.from(`Status: ${status}\r\nContent-Type: text/plain\r\n${cookies.map((c) => `Set-Cookie: ${c}\r\n`).join('')}\r\nok\n`, 'latin1');
      const record = (t: number, content: Buffer) => Buffer.concat([Buffer.from([1, t, id >> 8, id & 255, content.length >> 8, content.length & 255, 0, 0]), content]);
      socket.end(Buffer.concat([record(6, out), record(6, Buffer.alloc(0)), record(3, Buffer.alloc(8))]));
      return;
    }
  });
}

/** AJP13 that keeps its connection: every FORWARD_REQUEST gets SEND_HEADERS, a body chunk and END_RESPONSE with reuse = 1. */
function ajpKeepingConnection() {
  const packet = (payload: Buffer) => Buffer.concat([Buffer.from([0x41, 0x42, payload.length >> 8, payload.length & 255]), payload]);
  const str = (s: string) => Buffer.concat([Buffer.from([s.length >> 8, s.length & 255]), Buffer.from(s, 'latin1'), Buffer.from([0])]);
  const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
  return serve((socket, received, consume) => {
    for (;;) {
      const buf = received();
      if (buf.length < 4 || buf.length < 4 + buf.readUInt16BE(2)) return;
      const payload = Buffer.from(buf.subarray(4, 4 + buf.readUInt16BE(2)));
      consume(4 + payload.length);
      if (payload[0] === 10) socket.write(packet(Buffer.from([9]))); // CPING → CPONG
      if (payload[0] !== 2) continue;
      const { status, cookies } = asked(payload);
      const headers = [['Content-Type', 'text/plain'], ...cookies.map((c) => ['Set-Cookie', c])];
      const head = Buffer.concat([Buffer.from([4]), u16(status), str('Status'), u16(headers.length), ...headers.flatMap(([n, v]) => [str(n!), str(v!)])]);
      const body = Buffer.from('ok\n');
      socket.write(Buffer.concat([packet(head), packet(Buffer.concat([Buffer.from([3]), u16(body.length), body, Buffer.from([0])])), packet(Buffer.from([5, 1]))]));
    }
  });
}

const mark = (tag: string) => `    Header edit Set-Cookie "$" "; ${tag}"\n    Header always edit Set-Cookie "$" "; ${tag}"`;

const HOSTS: Readonly<Record<string, string>> = {
  'all.test': ['    ProxyErrorOverride On', mark('Edited'), '    Header always add Set-Cookie "err=1"', '    Header add Set-Cookie "ok=1"'].join('\n'),
  'codes.test': ['    ProxyErrorOverride On 500', mark('Edited'), '    Header always add Set-Cookie "err=1"', '    Header add Set-Cookie "ok=1"'].join('\n'),
  'off.test': ['    ProxyErrorOverride Off', mark('Edited'), '    Header always add Set-Cookie "err=1"'].join('\n'),
};

const STATUSES = [200, 302, 404, 500];

describeRealServer('real Apache httpd: ProxyErrorOverride with FastCGI and keep-alive AJP backends', apacheBinary() === null ? 'apache2 is not installed' : null, () => {
  let root = '';
  let port = 0;
  let backends: Backends | undefined;
  let server: ApacheServer | undefined;
  const own: Server[] = [];
  const conf: string[] = [];

  beforeAll(async () => {
    root = makeRoot('lpc-apache-override-');
    port = await freePort();
    backends = await startBackends(root);
    const fcgi = await fastCgiWithStatus();
    const ajp = await ajpKeepingConnection();
    own.push(fcgi.server, ajp.server);
    for (const [host, body] of Object.entries(HOSTS)) {
      conf.push(
        [
          `<VirtualHost 127.0.0.1:${port}>`,
          `    ServerName ${host}`,
          `    ProxyPass /f/ fcgi://127.0.0.1:${fcgi.port}/`,
          `    ProxyPass /a/ ajp://127.0.0.1:${ajp.port}/`,
          `    ProxyPass /h/ http://127.0.0.1:${backends.http.port}/`,
          body,
          '</VirtualHost>',
        ].join('\n'),
      );
    }
    server = await startApache(root, port, conf.join('\n'));
  });

  afterAll(async () => {
    await server?.stop();
    for (const s of own) s.close();
    await backends?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('the simulator predicts what Apache sends at every status', async () => {
    const mismatches: string[] = [];
    let requests = 0;
    for (const text of conf) {
      const host = /ServerName (\S+)/.exec(text)![1]!;
      const model = apacheDialect.buildModel('/c/o.conf', memoryIO({ '/c/o.conf': text }), { nginxVersion: DEFAULT_NGINX_VERSION, apacheModules: SERVED_MODULES });
      expect(model.problems).toEqual([]);
      for (const e of model.endpoints) {
        const kind = e.backends[0]?.kind;
        if (e.requestPath === undefined || kind === undefined) continue;
        for (const status of STATUSES) {
          const result = simulate('apache', e.pipeline, { backend: kind as BackendKind, status }, STANDARD_COOKIES);
          const all = branchesOf(result);
          const expected = branchesFor(result, e.requestPath, { 'backend:ajp-reuse': true }).map((i) => all[i]!.lines.map((l) => l.value));
          const res = await fetchFromHost(port, host, `${e.requestPath}?${cookieQuery(STANDARD_COOKIES)}&status=${status}`);
          const actual = 'crashed' in res ? 'crash' : res.setCookies;
          requests++;
          if (process.env.LPC_DEBUG) console.log(host, kind, status, JSON.stringify(actual), expected.length);
          if (!expected.some((x) => JSON.stringify(x) === JSON.stringify(actual))) {
            mismatches.push(`${host} ${e.label} [${kind}] ${status}\n  predicted ${expected.map((x) => JSON.stringify(x)).join(' or ')}\n  apache    ${JSON.stringify(actual)}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(3 * 3 * STATUSES.length);
  });

  it('an ErrorDocument with a local URL leaves the overridden statuses unknown', async () => {
    const text = `<VirtualHost *:80>\n    ProxyPass /h/ http://127.0.0.1:8080/\n    ProxyErrorOverride On\n    ErrorDocument 404 /err.html\n    Header always add Set-Cookie "err=1"\n</VirtualHost>\n`;
    const model = apacheDialect.buildModel('/c/e.conf', memoryIO({ '/c/e.conf': text }), { nginxVersion: DEFAULT_NGINX_VERSION });
    const e = model.endpoints.find((x) => x.requestPath === '/h/')!;
    expect(simulate('apache', e.pipeline, { backend: 'http', status: 404 }, ['csrftoken=1']).tooComplex?.unsupported).toMatch(/ErrorDocument|local URL/);
    expect(simulate('apache', e.pipeline, { backend: 'http', status: 500 }, ['csrftoken=1']).lines.map((l) => l.value)).toEqual(['err=1']);
  });
});
