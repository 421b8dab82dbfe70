/**
 * The backends real-server tests put behind Apache and nginx. Each sends exactly the Set-Cookie
 * lines the request asks for, so a test controls the input and compares what the proxy delivers
 * with what the simulator predicts.
 *
 * The cookie list travels in the query string: `?lpc=<b64url>.<b64url>...`, one base64url
 * value per Set-Cookie line (see {@link cookieQuery}). Proxies keep the query string intact.
 *
 * - HTTP: a Node server on 127.0.0.1 (for ProxyPass http://, proxy_pass).
 * - FastCGI: a minimal FastCGI responder on 127.0.0.1 (for ProxyPass fcgi://, fastcgi_pass).
 * - CGI: a python3 script written to disk (for ScriptAlias).
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { chmodSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';

export function cookieQuery(values: readonly string[]): string {
  return `lpc=${values.map((v) => Buffer.from(v, 'utf8').toString('base64url')).join('.')}`;
}

export function cookiesFromQuery(query: string): string[] {
  const m = /(?:^|&)lpc=([^&]*)/.exec(query);
  if (!m || m[1] === '') return [];
  return m[1]!.split('.').map((p) => Buffer.from(p, 'base64url').toString('utf8'));
}

export interface RunningBackend {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function closer(server: Server | TcpServer, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** An HTTP backend. `?status=302` makes it answer with that status (cookies still sent). */
export async function startHttpBackend(): Promise<RunningBackend> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const query = (req.url ?? '').split('?')[1] ?? '';
    const status = Number(/(?:^|&)status=(\d{3})/.exec(query)?.[1] ?? 200);
    const cookies = cookiesFromQuery(query);
    if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
    res.setHeader('Content-Type', 'text/plain');
    if (status === 302) res.setHeader('Location', '/');
    res.writeHead(status);
    res.end('ok\n');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  return { port, close: closer(server, sockets) };
}

// --- FastCGI (https://fastcgi-archives.github.io/FastCGI_Specification.html) ----------------

const FCGI_BEGIN_REQUEST = 1;
const FCGI_END_REQUEST = 3;
const FCGI_PARAMS = 4;
const FCGI_STDIN = 5;
const FCGI_STDOUT = 6;

function fcgiRecord(type: number, requestId: number, content: Buffer): Buffer {
  const padding = (8 - (content.length % 8)) % 8;
  const header = Buffer.alloc(8);
  header.writeUInt8(1, 0);
  header.writeUInt8(type, 1);
  header.writeUInt16BE(requestId, 2);
  header.writeUInt16BE(content.length, 4);
  header.writeUInt8(padding, 6);
  return Buffer.concat([header, content, Buffer.alloc(padding)]);
}

function parseFcgiParams(buf: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  let i = 0;
  const readLen = (): number => {
    const b = buf[i]!;
    if (b >> 7 === 0) {
      i += 1;
      return b;
    }
    const n = buf.readUInt32BE(i) & 0x7fffffff;
    i += 4;
    return n;
  };
  while (i < buf.length) {
    const nl = readLen();
    const vl = readLen();
    const name = buf.subarray(i, i + nl).toString('latin1');
    i += nl;
    params.set(name, buf.subarray(i, i + vl).toString('latin1'));
    i += vl;
  }
  return params;
}

/** A FastCGI responder that answers like the HTTP backend (as PHP-FPM would). */
export async function startFastCgiBackend(): Promise<RunningBackend> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    const params = new Map<number, Buffer[]>();
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8) {
        const type = pending.readUInt8(1);
        const id = pending.readUInt16BE(2);
        const len = pending.readUInt16BE(4);
        const pad = pending.readUInt8(6);
        if (pending.length < 8 + len + pad) break;
        const content = pending.subarray(8, 8 + len);
        pending = pending.subarray(8 + len + pad);
        if (type === FCGI_BEGIN_REQUEST) params.set(id, []);
        else if (type === FCGI_PARAMS && len > 0) params.get(id)?.push(Buffer.from(content));
        else if (type === FCGI_STDIN && len === 0) {
          const p = parseFcgiParams(Buffer.concat(params.get(id) ?? []));
          const query = p.get('QUERY_STRING') ?? '';
          const lines = cookiesFromQuery(query).map((c) => `Set-Cookie: ${c}\r\n`);
          const body = `Status: 200 OK\r\nContent-Type: text/plain\r\n${lines.join('')}\r\nok\n`;
          const end = Buffer.alloc(8);
          socket.write(
            Buffer.concat([
              fcgiRecord(FCGI_STDOUT, id, Buffer.from(body, 'utf8')),
              fcgiRecord(FCGI_STDOUT, id, Buffer.alloc(0)),
              fcgiRecord(FCGI_END_REQUEST, id, end),
            ]),
          );
          socket.end();
        }
      }
    });
    socket.on('error', () => socket.destroy());
  });
  const port = await listen(server);
  return { port, close: closer(server, sockets) };
}

/** Writes an executable CGI script that answers like the HTTP backend. */
export function writeCgiScript(path: string): void {
  writeFileSync(
    path,
    [
      '#!/usr/bin/env python3',
      'import base64, os, re, sys',
      "q = os.environ.get('QUERY_STRING', '')",
      "m = re.search(r'(?:^|&)lpc=([^&]*)', q)",
      "out = 'Content-Type: text/plain\\r\\n'",
      'if m and m.group(1):',
      "    for part in m.group(1).split('.'):",
      "        pad = '=' * (-len(part) % 4)",
      "        out += 'Set-Cookie: ' + base64.urlsafe_b64decode(part + pad).decode('utf-8') + '\\r\\n'",
      "sys.stdout.write(out + '\\r\\nok\\n')",
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
}

export interface FetchedResponse {
  readonly status: number;
  /** Every Set-Cookie line, in order. */
  readonly setCookies: readonly string[];
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createTcpServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface FetchOptions {
  /** Host header (name-based virtual hosts, nginx server_name). */
  readonly host?: string;
  /** Retries while the server is still starting (ECONNREFUSED), 100 ms apart. */
  readonly attempts?: number;
  /** More request headers (to satisfy a request matcher). */
  readonly headers?: Readonly<Record<string, string>>;
}

function fetchOnce(port: number, path: string, host: string | undefined, extra: Readonly<Record<string, string>> = {}): Promise<FetchedResponse | { crashed: true }> {
  return new Promise((resolve, reject) => {
    const headers = host === undefined ? { ...extra } : { ...extra, Host: host };
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 10_000, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const raw = res.rawHeaders;
        const setCookies: string[] = [];
        for (let i = 0; i + 1 < raw.length; i += 2) {
          if (raw[i]!.toLowerCase() === 'set-cookie') setCookies.push(raw[i + 1]!);
        }
        resolve({ status: res.statusCode ?? 0, setCookies });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout fetching ${path}`)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.message === 'socket hang up') resolve({ crashed: true });
      else reject(e);
    });
    req.end();
  });
}

/**
 * GETs a path and returns its status and Set-Cookie lines in order, or `{ crashed: true }` when
 * the server closes the connection without answering (an Apache worker that segfaulted).
 */
export async function fetchCookies(port: number, path: string, options: FetchOptions = {}): Promise<FetchedResponse | { crashed: true }> {
  const attempts = options.attempts ?? 0;
  for (let i = 0; ; i++) {
    try {
      return await fetchOnce(port, path, options.host, options.headers);
    } catch (e) {
      if (i >= attempts || (e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
