/**
 * editors/vscode: the extension's own code run against stand-ins for the `vscode` API and
 * vscode-languageclient (neither can run outside VS Code), then the server it would start,
 * started with exactly those options and spoken to over stdio.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const ROOT = new URL('../', import.meta.url).pathname;
const EXT = join(ROOT, 'editors/vscode');
const workspace = mkdtempSync(join(tmpdir(), 'lpc-vscode-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

interface Created {
  id: string;
  server: { command: string; args: string[]; transport: number };
  client: { documentSelector: { scheme: string; pattern: string }[] };
}

function activateWith(serverPath: string): Created {
  const created: Created[] = [];
  const fakes: Record<string, unknown> = {
    vscode: {
      workspace: {
        workspaceFolders: [{ uri: { fsPath: workspace } }],
        getConfiguration: () => ({ get: () => serverPath }),
        createFileSystemWatcher: (glob: string) => ({ glob }),
      },
    },
    'vscode-languageclient/node': {
      TransportKind: { stdio: 0, ipc: 1 },
      LanguageClient: class {
        constructor(id: string, _name: string, server: Created['server'], client: Created['client']) {
          created.push({ id, server, client });
        }
        start() {
          return Promise.resolve();
        }
        stop() {
          return Promise.resolve();
        }
      },
    },
  };
  const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = (request: string, ...rest: unknown[]) => (request in fakes ? fakes[request] : load(request, ...rest));
  try {
    const require = createRequire(join(EXT, 'extension.js'));
    delete require.cache[require.resolve('./extension.js')];
    void require('./extension.js').activate({ subscriptions: [] });
  } finally {
    (Module as unknown as { _load: unknown })._load = load;
  }
  return created[0]!;
}

describe('editors/vscode', () => {
  const manifest = JSON.parse(readFileSync(join(EXT, 'package.json'), 'utf8'));

  it('has a manifest whose entry point exists, and its own README', () => {
    expect(existsSync(join(EXT, manifest.main))).toBe(true);
    expect(existsSync(join(EXT, 'README.md'))).toBe(true);
    expect(manifest.dependencies).toHaveProperty('vscode-languageclient');
  });

  it("starts the workspace's own lint-proxy-config with `lsp` over stdio, and that server answers", async () => {
    // The workspace has lint-proxy-config installed (a copy of this package's start script and build).
    const installed = join(workspace, 'node_modules/lint-proxy-config');
    mkdirSync(installed, { recursive: true });
    cpSync(join(ROOT, 'bin'), join(installed, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist'), join(installed, 'dist'), { recursive: true });
    const { server, client } = activateWith('');
    expect(server.args).toEqual([join(installed, 'bin/lint-proxy-config.js'), 'lsp']);
    expect(server.transport).toBe(0);
    expect(client.documentSelector).toContainEqual({ scheme: 'file', pattern: '**/*.conf' });

    // vscode-languageclient adds --stdio for TransportKind.stdio.
    const child = spawn(process.execPath, [...server.args, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.listen();
    const init = await connection.sendRequest<{ capabilities: Record<string, unknown>; serverInfo: { name: string } }>('initialize', { processId: process.pid, rootUri: pathToFileURL(workspace).href, capabilities: {} });
    expect(init.serverInfo.name).toBe('lint-proxy-config');
    expect(init.capabilities).toMatchObject({ hoverProvider: true, codeActionProvider: { codeActionKinds: ['quickfix'] } });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    expect(await exited).toBe(0);
    connection.dispose();
  });

  it('the serverPath setting wins; without any install it runs lint-proxy-config from the PATH', () => {
    expect(activateWith('/opt/lpc/bin/lint-proxy-config.js').server.args).toEqual(['/opt/lpc/bin/lint-proxy-config.js', 'lsp']);
    rmSync(join(workspace, 'node_modules'), { recursive: true, force: true });
    expect(activateWith('').server).toMatchObject({ command: 'lint-proxy-config', args: ['lsp'] });
  });
});
