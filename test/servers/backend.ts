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
 * - SCGI, uwsgi and AJP13: minimal responders on 127.0.0.1 (for ProxyPass scgi://, uwsgi://,
 *   ajp:// and nginx's scgi_pass, uwsgi_pass). SCGI answers CGI-style (`Status:` header), as
 *   python's flup or Ruby's scgi do; uwsgi answers with an HTTP status line, as uWSGI does; AJP
 *   sends SEND_HEADERS with the header names spelled out, as Tomcat may.
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

/**
 * An HTTP backend. `?status=302` makes it answer with that status (cookies still sent);
 * `?type=text/html` with that Content-Type (default text/plain).
 */
export async function startHttpBackend(): Promise<RunningBackend> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const query = (req.url ?? '').split('?')[1] ?? '';
    const status = Number(/(?:^|&)status=(\d{3})/.exec(query)?.[1] ?? 200);
    const cookies = cookiesFromQuery(query);
    if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
    res.setHeader('Content-Type', /(?:^|&)type=([\w.+-]+\/[\w.+-]+)/.exec(query)?.[1] ?? 'text/plain');
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

/** `?status=404` asks a backend for that status (default 200). */
function statusOf(query: string): number {
  return Number(/(?:^|&)status=(\d{3})/.exec(query)?.[1] ?? 200);
}

/**
 * A TCP responder: `parse` reads the request from the bytes received so far (undefined: not
 * complete yet) and returns the query string; `respond` turns the cookies to send into the reply.
 * One request per connection, then the connection is closed.
 */
async function startTcpBackend(parse: (received: Buffer) => string | undefined, respond: (cookies: string[], status: number) => Buffer): Promise<RunningBackend> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let received = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk) => {
      if (answered) return;
      received = Buffer.concat([received, chunk]);
      let query: string | undefined;
      try {
        query = parse(received);
      } catch (e) {
        socket.destroy(e as Error);
        return;
      }
      if (query === undefined) return;
      answered = true;
      socket.end(respond(cookiesFromQuery(query), statusOf(query)));
    });
    socket.on('error', () => socket.destroy());
  });
  const port = await listen(server);
  return { port, close: closer(server, sockets) };
}

const REASONS: Readonly<Record<number, string>> = { 200: 'OK', 302: 'Found', 404: 'Not Found', 500: 'Internal Server Error' };

function headerBlock(cookies: readonly string[]): string {
  return `Content-Type: text/plain\r\n${cookies.map((c) => `Set-Cookie: ${c}\r\n`).join('')}`;
}

/**
 * SCGI (python.ca/scgi/protocol.txt): the request is a netstring of NUL-separated header pairs
 * (`<len>:CONTENT_LENGTH\0<n>\0...,`) followed by the body; the reply is CGI output.
 */
export function startScgiBackend(): Promise<RunningBackend> {
  return startTcpBackend(
    (buf) => {
      const colon = buf.indexOf(0x3a);
      if (colon < 0) return undefined;
      const len = Number(buf.subarray(0, colon).toString('latin1'));
      if (!Number.isInteger(len)) throw new Error('SCGI: bad netstring length');
      if (buf.length < colon + 1 + len + 1) return undefined;
      const fields = buf.subarray(colon + 1, colon + 1 + len).toString('latin1').split('\0');
      const headers = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) headers.set(fields[i]!, fields[i + 1]!);
      if (buf.length < colon + 2 + len + Number(headers.get('CONTENT_LENGTH') ?? 0)) return undefined;
      return headers.get('QUERY_STRING') ?? '';
    },
    (cookies, status) => Buffer.from(`Status: ${status} ${REASONS[status] ?? 'Status'}\r\n${headerBlock(cookies)}\r\nok\n`, 'utf8'),
  );
}

/**
 * uwsgi (uwsgi-docs Protocol.rst): a 4-byte header (modifier1, data size as uint16 LE,
 * modifier2), then the variables as uint16-LE-length-prefixed key/value pairs; the reply is a
 * whole HTTP response.
 */
export function startUwsgiBackend(): Promise<RunningBackend> {
  return startTcpBackend(
    (buf) => {
      if (buf.length < 4) return undefined;
      const size = buf.readUInt16LE(1);
      if (buf.length < 4 + size) return undefined;
      const vars = new Map<string, string>();
      let i = 4;
      while (i + 2 <= 4 + size) {
        const kl = buf.readUInt16LE(i);
        const key = buf.subarray(i + 2, i + 2 + kl).toString('latin1');
        i += 2 + kl;
        const vl = buf.readUInt16LE(i);
        vars.set(key, buf.subarray(i + 2, i + 2 + vl).toString('latin1'));
        i += 2 + vl;
      }
      return vars.get('QUERY_STRING') ?? '';
    },
    (cookies, status) => Buffer.from(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}\r\n${headerBlock(cookies)}\r\nok\n`, 'utf8'),
  );
}

/**
 * AJP13 (tomcat.apache.org/connectors-doc/ajp/ajpv13a.html): reads the FORWARD_REQUEST packet
 * (0x12 0x34, length, prefix 2) up to its attributes, where `query_string` (code 5) travels;
 * answers SEND_HEADERS (4), SEND_BODY_CHUNK (3) and END_RESPONSE (5, no reuse).
 */
export function startAjpBackend(): Promise<RunningBackend> {
  const packet = (payload: Buffer) => {
    const head = Buffer.from([0x41, 0x42, 0, 0]);
    head.writeUInt16BE(payload.length, 2);
    return Buffer.concat([head, payload]);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'latin1');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length);
    return Buffer.concat([len, b, Buffer.from([0])]);
  };
  const u16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  };
  return startTcpBackend(
    (buf) => {
      if (buf.length < 4) return undefined;
      if (buf[0] !== 0x12 || buf[1] !== 0x34) throw new Error('AJP: bad packet magic');
      const len = buf.readUInt16BE(2);
      if (buf.length < 4 + len) return undefined;
      const p = buf.subarray(4, 4 + len);
      if (p[0] !== 2) throw new Error(`AJP: expected FORWARD_REQUEST, got ${p[0]}`);
      let i = 2; // prefix code, method
      const readString = (): string | null => {
        const n = p.readUInt16BE(i);
        i += 2;
        if (n === 0xffff) return null;
        const s = p.subarray(i, i + n).toString('latin1');
        i += n + 1;
        return s;
      };
      for (let k = 0; k < 5; k++) readString(); // protocol, req_uri, remote_addr, remote_host, server_name
      i += 3; // server_port, is_ssl
      const headers = p.readUInt16BE(i);
      i += 2;
      for (let k = 0; k < headers; k++) {
        if (p[i] === 0xa0) i += 2;
        else readString();
        readString();
      }
      let query = '';
      while (i < p.length && p[i] !== 0xff) {
        const code = p[i++]!;
        if (code === 0x0a) {
          readString();
          readString();
        } else if (code === 0x0b) i += 2;
        else {
          const v = readString();
          if (code === 0x05) query = v ?? '';
        }
      }
      return query;
    },
    (cookies, status) => {
      const headers = [['Content-Type', 'text/plain'], ...cookies.map((c) => ['Set-Cookie', c])] as const;
      const sendHeaders = Buffer.concat([Buffer.from([4]), u16(status), str(REASONS[status] ?? 'Status'), u16(headers.length), ...headers.flatMap(([n, v]) => [str(n), str(v)])]);
      const body = Buffer.from('ok\n');
      const chunk = Buffer.concat([Buffer.from([3]), u16(body.length), body, Buffer.from([0])]);
      return Buffer.concat([packet(sendHeaders), packet(chunk), packet(Buffer.from([5, 0]))]);
    },
  );
}

/** Writes an executable CGI script that answers like the HTTP backend (`?status=404`: a `Status:` header). */
export function writeCgiScript(path: string): void {
  writeFileSync(
    path,
    [
      '#!/usr/bin/env python3',
      'import base64, os, re, sys',
      "q = os.environ.get('QUERY_STRING', '')",
      "m = re.search(r'(?:^|&)lpc=([^&]*)', q)",
      "out = 'Content-Type: text/plain\\r\\n'",
      "st = re.search(r'(?:^|&)status=(\\d{3})', q)",
      'if st:',
      "    out = 'Status: ' + st.group(1) + ' Status\\r\\n' + out",
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

/**
 * A TCP port free on 127.0.0.1 right now, never handed out twice by this process, and never one
 * another test process can be handed: each vitest worker draws from its own block below the
 * kernel's ephemeral range (32768 and up), so neither a parallel test file nor a backend the kernel
 * placed on an ephemeral port can take it between this check and the server's bind. (Ports the
 * kernel picked for `listen(0)` once collided: one case's nginx failed to bind and the test read
 * another case's server, which answered on the same port.)
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORT_BLOCK; tries++) {
    const port = PORT_BASE + (Number(process.env.VITEST_POOL_ID ?? 0) % PORT_BLOCKS) * PORT_BLOCK + (nextPort++ % PORT_BLOCK);
    if (handedOut.has(port) && handedOut.size < PORT_BLOCK) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port in this worker\'s block');
}

const PORT_BASE = 10_000;
const PORT_BLOCK = 1_100;
const PORT_BLOCKS = 20; // 10,000-31,999: below the ephemeral range
// Each process starts at its own place in the block: two test runs at once (same pool ids) then
// walk different ports instead of racing for the same one between check and bind.
let nextPort = process.pid % PORT_BLOCK;
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createTcpServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface FetchOptions {
  /** Host header (name-based virtual hosts, nginx server_name). */
  readonly host?: string;
  /** Retries while the server is still starting (ECONNREFUSED), 100 ms apart. */
  readonly attempts?: number;
  /** Other request headers (User-Agent for BrowserMatch, ...). */
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
