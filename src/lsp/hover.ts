/**
 * Hover on a cookie directive: what `lint-proxy-config simulate` prints for that directive's
 * scopes with the default cookies (a session cookie and every XSRF cookie) — each directive of
 * the pipeline, what it does, and what the browser finally receives.
 */
import type { Hover } from 'vscode-languageserver';
import { backendsFor, renderText, type SimulationRun } from '../formatters/simulation.js';
import { createCatalog } from '../cookies/catalog.js';
import { defaultResponse } from '../cookies/samples.js';
import type { DialectModule } from '../dialects/dialect.js';
import { DEFAULT_NGINX_VERSION } from '../dialects/dialect.js';
import type { CookieOp } from '../model/header-rewrite.js';
import { simulate } from '../model/simulate.js';
import { createNodeIO } from '../run/node-io.js';
import { type SourceFile, type Span, withOverrides } from '../source.js';
import { toRange } from './convert.js';
import type { DocumentSettings } from './settings.js';

/** Scopes shown at most: a server-level directive may run in hundreds. */
const MAX_SCOPES = 4;

/** The narrowest directive at `offset`: an op, or one directive of an array op (nginx). */
function opAt(ops: readonly CookieOp[], file: string, offset: number): { op: CookieOp; span: Span } | undefined {
  let best: { op: CookieOp; span: Span } | undefined;
  for (const op of ops) {
    for (const span of [op.span, ...op.parts.map((p) => p.span)]) {
      if (span.file !== file || offset < span.start || offset > span.end) continue;
      if (!best || span.end - span.start < best.span.end - best.span.start) best = { op, span };
    }
  }
  return best;
}

export function hoverAt(source: SourceFile, offset: number, dialect: DialectModule, settings: DocumentSettings): Hover | null {
  const io = withOverrides(createNodeIO(settings.cwd, settings.run.maxFileMb), new Map([[source.path, source]]));
  const model = dialect.buildModel(source.path, io, {
    nginxVersion: settings.run.nginxVersion ?? DEFAULT_NGINX_VERSION,
    ...(settings.run.serverRoot ? { serverRoot: settings.run.serverRoot } : {}),
    ...(settings.run.prefix ? { prefix: settings.run.prefix } : {}),
    ...(settings.run.context ? { context: settings.run.context } : {}),
    ...(settings.run.nginxDirectives ? { nginxDirectives: settings.run.nginxDirectives } : {}),
    ...(settings.run.apacheModules ? { apacheModules: settings.run.apacheModules } : {}),
  });
  const found = opAt(model.ops, source.path, offset);
  if (!found) return null;
  const { op } = found;
  const running = model.endpoints.filter((e) => e.pipeline.includes(op));
  const declared = running.filter((e) => e.backends.length > 0);
  const endpoints = (declared.length > 0 ? declared : running).slice(0, MAX_SCOPES);
  const catalog = createCatalog(settings.run.xsrfCookies, settings.run.sessionCookies);
  const cookies = defaultResponse(catalog);
  const runs: SimulationRun[] = [];
  for (const endpoint of endpoints) {
    for (const backend of backendsFor(endpoint, undefined)) {
      runs.push({ endpoint, backend, result: simulate(model.dialect, endpoint.pipeline, { backend, status: 200 }, cookies, { trace: true }) });
    }
  }
  const more = running.length > endpoints.length ? `\n\n…and ${running.length - endpoints.length} more scopes (\`lint-proxy-config simulate\` shows them all).` : '';
  const body = runs.length > 0 ? `\`\`\`text\n${renderText(model, runs, cookies, settings.cwd, false).trimEnd()}\n\`\`\`` : 'No scope of this configuration runs this directive.';
  return {
    contents: { kind: 'markdown', value: `**lint-proxy-config simulate** — what the default cookies become:\n\n${body}${more}` },
    range: toRange(source, found.span.start, found.span.end),
  };
}
