// Starts `lint-proxy-config lsp` for the workspace and connects VS Code to it over stdio.
// Everything else (diagnostics, fixes, hover) is the server's; see README.md beside this file.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** The files the linter reads: what `lint-proxy-config <dir>` walks, by name. */
const PATTERNS = [
  '**/*.conf',
  '**/.htaccess',
  '**/web.config',
  '**/applicationHost.config',
  '**/sites-available/*',
  '**/sites-enabled/*',
  '**/conf.d/*',
  '**/conf-available/*',
  '**/conf-enabled/*',
  '**/vhosts.d/*',
  '**/snippets/*',
  '**/*.nginx',
  '**/*.vhost',
  '**/Caddyfile',
  '**/*.caddy',
  '**/*.caddyfile',
  '**/caddy.json',
];

let client;

/** The server: the setting, else the workspace's own install, else the command on the PATH. */
function serverOptions() {
  const configured = vscode.workspace.getConfiguration('lintProxyConfig').get('serverPath');
  const local = (vscode.workspace.workspaceFolders ?? [])
    .map((f) => join(f.uri.fsPath, 'node_modules', 'lint-proxy-config', 'bin', 'lint-proxy-config.js'))
    .find((p) => existsSync(p));
  const script = configured || local;
  // TransportKind.stdio: the client adds --stdio, which `lint-proxy-config lsp` accepts.
  if (script) return { command: process.execPath, args: [script, 'lsp'], transport: TransportKind.stdio, options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } } };
  return { command: 'lint-proxy-config', args: ['lsp'], transport: TransportKind.stdio };
}

function activate(context) {
  const clientOptions = {
    documentSelector: PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
    synchronize: {
      // Includes, the configuration, the ignore file and baselines change verdicts of open files.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.conf,*.config,*.json,.htaccess,.lint-proxy-configignore}'),
    },
  };
  client = new LanguageClient('lintProxyConfig', 'lint-proxy-config', serverOptions(), clientOptions);
  context.subscriptions.push({ dispose: () => client?.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
