/**
 * The language server end to end, as an editor drives it: the real `lint-proxy-config lsp`
 * process over stdio, and a JSON-RPC client (vscode-jsonrpc) speaking LSP to it. Open a
 * document, receive diagnostics, apply a code action, receive none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const BIN = new URL('../bin/lint-proxy-config.js', import.meta.url).pathname;

interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code?: string;
  source: string;
  message: string;
  data?: unknown;
}
interface TextEdit {
  range: Diagnostic['range'];
  newText: string;
}
interface CodeAction {
  title: string;
  kind: string;
  isPreferred?: boolean;
  edit: { changes: Record<string, TextEdit[]> };
}

/** Applies LSP text edits to a text, as an editor does. */
function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

class Client {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  private readonly waiting = new Map<string, ((d: { version?: number; diagnostics: Diagnostic[] }) => void)[]>();
  readonly published = new Map<string, { version?: number; diagnostics: Diagnostic[] }[]>();
  stderr = '';

  constructor(cwd: string) {
    this.process = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    this.process.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      const w = this.waiting.get(p.uri)?.shift();
      w?.(p);
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  async initialize(root: string): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'estate' }],
      capabilities: {},
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  nextDiagnostics(uri: string): Promise<{ version?: number; diagnostics: Diagnostic[] }> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(uri) ?? [];
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}; server stderr: ${this.stderr}`)), 20_000);
      list.push((d) => {
        clearTimeout(timer);
        resolve(d);
      });
      this.waiting.set(uri, list);
    });
  }

  open(path: string, text: string, languageId = 'apacheconf') {
    const uri = pathToFileURL(path).href;
    const next = this.nextDiagnostics(uri);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return { uri, diagnostics: next };
  }

  change(uri: string, version: number, text: string) {
    const next = this.nextDiagnostics(uri);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return next;
  }

  codeActions(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    return this.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
  }

  hover(uri: string, line: number, character: number): Promise<{ contents: { kind: string; value: string } } | null> {
    return this.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once('exit', (code) => resolve(code)));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

const BLANKET = '<VirtualHost *:80>\n    ServerName jira.example.com\n    ProxyPass / http://127.0.0.1:8080/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n';

let root: string;
let client: Client;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lpc-lsp-'));
  client = new Client(root);
  await client.initialize(root);
});
afterAll(async () => {
  const code = await client.stop();
  expect(code).toBe(0);
  rmSync(root, { recursive: true, force: true });
});

describe('lint-proxy-config lsp', () => {
  it('publishes diagnostics on open; the proven fix as a code action; none after applying it', async () => {
    const path = join(root, 'jira.conf');
    writeFileSync(path, BLANKET);
    const { uri, diagnostics } = client.open(path, BLANKET);
    const first = await diagnostics;
    expect(first.diagnostics).toHaveLength(1);
    const d = first.diagnostics[0]!;
    expect(d).toMatchObject({ code: 'xsrf-cookie-httponly', severity: 1, source: 'lint-proxy-config', range: { start: { line: 3, character: 27 }, end: { line: 3, character: 33 } } });
    expect(d.message).toContain('adds HttpOnly to atl.xsrf.token');

    const actions = await client.codeActions(uri, first.diagnostics);
    expect(actions.map((a) => a.title)).toEqual([expect.stringMatching(/^Fix xsrf-cookie-httponly: /), 'Disable xsrf-cookie-httponly for this line (write the reason after the dashes)']);
    const fix = actions[0]!;
    expect(fix.isPreferred).toBe(true);
    const fixed = applyTextEdits(BLANKET, fix.edit.changes[uri]!);
    expect(fixed).toContain('Header edit Set-Cookie ^(?!');
    const after = await client.change(uri, 2, fixed);
    expect(after.version).toBe(2);
    expect(after.diagnostics).toEqual([]);
  });

  it('disable for this line: the comment asks for its reason, and suppresses once it has one', async () => {
    const path = join(root, 'disable.conf');
    const { uri, diagnostics } = client.open(path, BLANKET);
    const first = await diagnostics;
    const disable = (await client.codeActions(uri, first.diagnostics)).find((a) => a.title.startsWith('Disable'))!;
    const withComment = applyTextEdits(BLANKET, disable.edit.changes[uri]!);
    expect(withComment.split('\n')[3]).toBe('    # lint-proxy-config-disable-next-line xsrf-cookie-httponly -- ');
    const noReason = await client.change(uri, 2, withComment);
    expect(noReason.diagnostics.map((x) => x.code)).toEqual(['unused-disable-directive', 'xsrf-cookie-httponly']);
    expect(noReason.diagnostics[0]!.message).toContain('needs a reason');
    const reasoned = await client.change(uri, 3, withComment.replace('-- \n', '-- Grafana sets no CSRF cookie\n'));
    expect(reasoned.diagnostics).toEqual([]);
  });

  it('debounces changes: a burst of edits is linted once, for the last version', async () => {
    const path = join(root, 'burst.conf');
    const { uri, diagnostics } = client.open(path, BLANKET);
    await diagnostics;
    const before = client.published.get(uri)!.length;
    const last = client.change(uri, 5, BLANKET.replace('ServerName', 'ServerAlias'));
    for (let v = 2; v <= 4; v++) void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: `${BLANKET}# ${v}\n` }] });
    void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: BLANKET }] });
    const published = await last;
    expect(published.version).toBe(5);
    await new Promise((r) => setTimeout(r, 400));
    expect(client.published.get(uri)!.length).toBe(before + 1);
  });

  it('uses the CLI settings resolution (configuration found from the workspace folder) and follows includes on disk', async () => {
    const dir = join(root, 'site');
    mkdirSync(join(dir, 'conf'), { recursive: true });
    writeFileSync(join(root, 'lint-proxy-config.config.json'), JSON.stringify({ xsrfCookies: ['MYAPP-CSRF'], rules: { 'nginx-cookie-path-flag-injection': 'off' } }));
    // The included file on disk decides the backend, and so the verdict on the document's directive.
    writeFileSync(join(dir, 'conf/backend.conf'), 'fastcgi_pass 127.0.0.1:9000;\n');
    const text = 'http {\n    server {\n        listen 80;\n        location / {\n            include conf/backend.conf;\n            proxy_cookie_path / "/; HTTPOnly";\n        }\n    }\n}\n';
    const path = join(dir, 'nginx.conf');
    const opened = client.open(path, text, 'nginx');
    expect((await opened.diagnostics).diagnostics.map((x) => x.code)).toEqual(['nginx-cookie-directive-no-effect']);
    writeFileSync(join(dir, 'conf/backend.conf'), 'proxy_pass http://127.0.0.1:8080;\n');
    const next = client.nextDiagnostics(opened.uri);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'conf/backend.conf')).href, type: 2 }] });
    const proxied = await next;
    // nginx-cookie-path-flag-injection is off in the configuration, MYAPP-CSRF is one more XSRF cookie.
    expect(proxied.diagnostics.map((x) => x.code)).toEqual(['xsrf-cookie-httponly']);
    expect(proxied.diagnostics[0]!.message).toContain('MYAPP-CSRF');
    rmSync(join(root, 'lint-proxy-config.config.json'));
  });

  it("hides what the configuration's baseline records, and shows what is new", async () => {
    const dir = join(root, 'estate');
    cpSync(new URL('../fixtures/estate', import.meta.url).pathname, dir, { recursive: true });
    const estateClient = new Client(dir);
    await estateClient.initialize(dir);
    const path = join(dir, 'etc/apache2/sites-enabled/jira.conf');
    const text = readFileSync(path, 'utf8');
    const opened = estateClient.open(path, text);
    expect((await opened.diagnostics).diagnostics).toEqual([]);
    const added = `${text}\n<VirtualHost *:443>\n    ServerName bamboo.example.com\n    ProxyPass / http://127.0.0.1:8085/\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n`;
    const next = await estateClient.change(opened.uri, 2, added);
    expect(next.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([['xsrf-cookie-httponly', 20]]);
    expect(await estateClient.stop()).toBe(0);
  });

  it('an invalid configuration is a diagnostic, not silence', async () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    const folderClient = new Client(dir);
    await folderClient.initialize(dir);
    writeFileSync(join(dir, 'lint-proxy-config.config.json'), '{ "rules": { "xsrf-cookie-htponly": "off" } }');
    const { diagnostics } = folderClient.open(join(dir, 'a.conf'), BLANKET);
    const got = await diagnostics;
    expect(got.diagnostics).toHaveLength(1);
    expect(got.diagnostics[0]!.message).toContain('did you mean "xsrf-cookie-httponly"');
    expect(await folderClient.stop()).toBe(0);
  });

  it('hover on a cookie directive shows what simulate shows for the default cookies', async () => {
    const path = join(root, 'hover.conf');
    const { uri, diagnostics } = client.open(path, BLANKET);
    await diagnostics;
    const hover = await client.hover(uri, 3, 10);
    expect(hover?.contents.kind).toBe('markdown');
    const value = hover!.contents.value;
    expect(value).toContain('<VirtualHost *:80> (jira.example.com)');
    expect(value).toContain('backend sends   Set-Cookie: JSESSIONID=s1; Path=/');
    expect(value).toContain('browser gets    Set-Cookie: XSRF-TOKEN=t1; Path=/; HttpOnly   ← HttpOnly added: JavaScript cannot read this cookie');
    expect(await client.hover(uri, 1, 6)).toBeNull();
  });
});
