/**
 * `lint-proxy-config lsp`: a Language Server Protocol server over standard input and output, on
 * Microsoft's vscode-languageserver (the reference implementation every LSP client is tested
 * against; it handles the protocol's framing, lifecycle and cancellation).
 *
 * - Diagnostics when a document opens and, debounced, when it changes: the CLI's settings
 *   resolution from the workspace folder, includes followed on disk, the baseline applied.
 * - Code actions: each finding's proven fix, and an inline disable comment for its line.
 * - Hover on a cookie directive: `simulate` for the default cookies.
 *
 * Loaded only by the `lsp` command, as its own bundle (dist/lsp.cjs): a lint run never loads it.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadDialects } from '../dialects/registry.js';
import type { LintMessage } from '../engine/lint.js';
import { TOOL_NAME, TOOL_VERSION } from '../meta.js';
import { createSourceFile, type SourceFile } from '../source.js';
import { disableAction, fixAction } from './actions.js';
import { toOffset } from './convert.js';
import { settingsDiagnostic, toDiagnostic, DIAGNOSTIC_SOURCE, type DiagnosticData } from './diagnostics.js';
import { hoverAt } from './hover.js';
import { lintDocument } from './lint-document.js';
import { documentDialect, documentSettings, type DocumentSettings } from './settings.js';

/** Quiet time after the last keystroke before a document is linted again. */
export const DEBOUNCE_MS = 200;

interface Linted {
  readonly version: number;
  readonly source: SourceFile;
  readonly messages: readonly LintMessage[];
  readonly settings: DocumentSettings;
}

function pathOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

export interface ServerOptions {
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

/** Starts the server; resolves with the exit code when the client ends the session. */
export function startLanguageServer(options: ServerOptions = {}): Promise<number> {
  const connection: Connection = createConnection(ProposedFeatures.all, options.input ?? process.stdin, options.output ?? process.stdout);
  const documents = new TextDocuments(TextDocument);
  const linted = new Map<string, Linted>();
  const timers = new Map<string, NodeJS.Timeout>();
  let folders: string[] = [];

  connection.onInitialize((params) => {
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = uris.map(pathOf).filter((p): p is string => p !== undefined);
    return {
      serverInfo: { name: TOOL_NAME, version: TOOL_VERSION },
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        hoverProvider: true,
      },
    };
  });

  const lint = async (uri: string): Promise<void> => {
    const document = documents.get(uri);
    const path = pathOf(uri);
    if (!document || path === undefined) return;
    const version = document.version;
    const text = document.getText();
    let diagnostics: Diagnostic[];
    try {
      const settings = documentSettings(path, folders);
      const result = await lintDocument(path, text, settings);
      // A newer version arrived while linting: its own lint publishes.
      if (documents.get(uri)?.version !== version) return;
      const source = result?.source ?? createSourceFile(path, text);
      const messages = result?.messages ?? [];
      linted.set(uri, { version, source, messages, settings });
      diagnostics = messages.map((m) => toDiagnostic(m, source, version));
    } catch (e) {
      // An invalid configuration or baseline: said in the file, never a silent pass.
      if (documents.get(uri)?.version !== version) return;
      linted.delete(uri);
      diagnostics = [settingsDiagnostic(`${TOOL_NAME}: ${(e as Error).message}`)];
    }
    await connection.sendDiagnostics({ uri, version, diagnostics });
  };

  const schedule = (uri: string, delay: number) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        lint(uri).catch((e: unknown) => connection.console.error(`${TOOL_NAME}: internal error: ${(e as Error)?.stack ?? String(e)}`));
      }, delay),
    );
  };

  // didOpen fires onDidOpen, then onDidChangeContent: the open lints at once, edits after a pause.
  const opening = new Set<string>();
  documents.onDidOpen((e) => {
    opening.add(e.document.uri);
    schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    if (!opening.delete(e.document.uri)) schedule(e.document.uri, DEBOUNCE_MS);
  });
  documents.onDidSave((e) => schedule(e.document.uri, 0));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    linted.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  // Another file changed on disk (an include, the configuration, the baseline): lint every open document again.
  connection.onDidChangeWatchedFiles(() => {
    for (const d of documents.all()) schedule(d.uri, DEBOUNCE_MS);
  });

  connection.onCodeAction((params) => {
    const state = linted.get(params.textDocument.uri);
    const document = documents.get(params.textDocument.uri);
    if (!state || !document || document.version !== state.version) return [];
    const dialect = documentDialect(state.source.path, state.source.text, state.settings.config);
    const actions = [];
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const data = diagnostic.data as DiagnosticData | undefined;
      if (!data || data.version !== state.version) continue;
      const message = state.messages.find((m) => m.ruleId === (diagnostic.code ?? null) && m.span.start === data.start && m.span.end === data.end);
      if (!message) continue;
      const fix = fixAction(params.textDocument.uri, message, state.source, diagnostic);
      if (fix) actions.push(fix);
      const disable = disableAction(params.textDocument.uri, message, state.source, dialect, diagnostic);
      if (disable) actions.push(disable);
    }
    return actions;
  });

  connection.onHover(async (params) => {
    const document = documents.get(params.textDocument.uri);
    const path = pathOf(params.textDocument.uri);
    if (!document || path === undefined) return null;
    const source = createSourceFile(path, document.getText());
    try {
      const settings = documentSettings(path, folders);
      const dialectId = documentDialect(path, source.text, settings.config);
      if (!dialectId) return null;
      const dialect = (await loadDialects(new Set([dialectId]))).get(dialectId)!;
      return hoverAt(source, toOffset(source, params.position), dialect, settings);
    } catch {
      // Settings errors are already shown as a diagnostic.
      return null;
    }
  });

  documents.listen(connection);
  connection.listen();
  return new Promise((resolve) => {
    connection.onShutdown(() => {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    });
    connection.onExit(() => resolve(0));
  });
}

/** A document's URI from its path (tests, the extension). */
export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}
