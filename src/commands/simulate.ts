/**
 * `simulate <config> --cookie '<Set-Cookie value>'`: what each directive of the effective
 * pipeline does to a backend's Set-Cookie headers, step by step, and what the browser finally
 * receives. The answer to "why does my XSRF cookie have HttpOnly?".
 */
import { relative, resolve } from 'node:path';
import { Chalk } from 'chalk';
import { createCatalog } from '../cookies/catalog.js';
import { detectDialect } from '../dialects/detect.js';
import { loadDialects } from '../dialects/registry.js';
import { BACKEND_LABELS, type BackendKind } from '../model/backends.js';
import type { Endpoint, HeaderRewriteModel } from '../model/header-rewrite.js';
import { hasHttpOnly } from '../model/set-cookie.js';
import { boundedNote, describeRequests } from '../model/requests.js';
import { branchesOf, simulate, type SimResult } from '../model/simulate.js';
import { createNodeIO } from '../node-io.js';
import { positionAt, isIoError } from '../source.js';
import { overrideDialect, resolveConfig, runOptionsFrom, type SharedCliOptions } from './settings.js';
import { UsageError } from '../usage-error.js';

export interface SimulateCliOptions extends SharedCliOptions {
  cookie?: string[];
  location?: string;
  backend?: string;
  format: 'text' | 'json';
  color: boolean;
}

const BACKEND_ALIASES: Readonly<Record<string, BackendKind>> = {
  proxy: 'http',
  http: 'http',
  https: 'http',
  ajp: 'ajp',
  fcgi: 'fastcgi',
  fastcgi: 'fastcgi',
  'php-fpm': 'fastcgi',
  cgi: 'cgi',
  scgi: 'scgi',
  uwsgi: 'uwsgi',
  grpc: 'grpc',
  module: 'module',
  php: 'module',
  aspnet: 'module',
};

/** Endpoints for `--location`: an exact request path, else the longest one that prefixes it. */
export function selectEndpoints(model: HeaderRewriteModel, location: string | undefined): Endpoint[] {
  if (location === undefined) return [...model.endpoints];
  const exact = model.endpoints.filter((e) => e.requestPath === location);
  if (exact.length > 0) return exact;
  let best: Endpoint[] = [];
  let bestLength = -1;
  for (const e of model.endpoints) {
    const p = e.requestPath;
    if (p === undefined || !location.startsWith(p) || p.length < bestLength) continue;
    if (p.length > bestLength) best = [];
    bestLength = p.length;
    best.push(e);
  }
  return best;
}

export interface SimulationRun {
  readonly endpoint: Endpoint;
  readonly backend: BackendKind;
  readonly result: SimResult;
}

export function backendsFor(endpoint: Endpoint, requested: BackendKind | undefined): BackendKind[] {
  if (requested) return [requested];
  const declared = [...new Set(endpoint.backends.map((b) => b.kind))];
  return declared.length > 0 ? declared : [...endpoint.possibleBackends];
}

function where(model: HeaderRewriteModel, file: string, offset: number, cwd: string): string {
  const source = model.files.get(file);
  const line = source ? positionAt(source, offset).line : 0;
  return `${relative(cwd, file) || file}:${line}`;
}

export function renderText(model: HeaderRewriteModel, runs: readonly SimulationRun[], cookies: readonly string[], cwd: string, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  for (const { endpoint, backend, result } of runs) {
    const target = endpoint.backends.find((b) => b.kind === backend)?.target;
    out.push(c.bold(`${endpoint.label}`) + c.dim(`  ·  ${BACKEND_LABELS[backend]} response${target ? ` from ${target}` : ''}`));
    for (const v of cookies) out.push(`  backend sends   Set-Cookie: ${v}`);
    const renderBranch = (result: SimResult, indent: string) => {
      let n = 0;
      for (const step of result.steps) {
        n++;
        out.push(`${indent}  ${c.dim(String(n).padStart(2))}  ${c.dim(where(model, step.op.span.file, step.op.span.start, cwd))}  ${step.op.label}`);
        if (step.skipped) {
          const why = step.op.condition?.value === false ? `${step.op.condition.text} is false` : `not run on these requests (${step.op.condition?.text ?? 'condition'})`;
          out.push(`${indent}        ${c.dim(`skipped: ${why}`)}`);
          continue;
        }
        const changed = step.before.length !== step.after.length || step.before.some((b, i) => b !== step.after[i]);
        if (!changed) out.push(`${indent}        ${c.dim('no change')}`);
        else {
          const width = Math.max(step.before.length, step.after.length);
          for (let i = 0; i < width; i++) {
            const b = step.before[i];
            const a = step.after[i];
            if (b === a) continue;
            out.push(`${indent}        ${b === undefined ? c.dim('(new)') : b}  ${c.yellow('→')}  ${a === undefined ? c.dim('(removed)') : a}`);
          }
        }
      }
      if (result.crash) {
        out.push(c.red(`${indent}  the server crashes here and sends no response: ${result.crash.message}`));
      } else if (result.tooComplex) {
        out.push(c.yellow(`${indent}  cannot evaluate ${JSON.stringify(result.tooComplex.pattern)}: it backtracks too much`));
      } else {
        if (result.lines.length === 0) out.push(`${indent}  browser gets    ${c.dim('no Set-Cookie header')}`);
        for (const line of result.lines) {
          const note = hasHttpOnly(line.value) && line.origin !== undefined && !hasHttpOnly(line.origin) ? c.red('   ← HttpOnly added: JavaScript cannot read this cookie') : '';
          out.push(`${indent}  browser gets    Set-Cookie: ${line.value}${note}`);
        }
      }
    };
    const branches = branchesOf(result);
    branches.forEach((branch, b) => {
      const indent = branches.length > 1 ? '    ' : '';
      if (branches.length > 1) {
        const requests = describeRequests(branch.assumptions);
        out.push(c.cyan(`  outcome ${b + 1} of ${branches.length}: ${requests || 'for every other request'}`));
      }
      renderBranch(branch, indent);
    });
    if (result.bounded) out.push(c.yellow(`  ${boundedNote(result.bounded)}`));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

export function renderJson(model: HeaderRewriteModel, runs: readonly SimulationRun[], cookies: readonly string[], cwd: string): string {
  return `${JSON.stringify(
    runs.map(({ endpoint, backend, result }) => ({
      endpoint: endpoint.label,
      requestPath: endpoint.requestPath ?? null,
      backend,
      input: cookies,
      steps: result.steps.map((s) => ({
        at: where(model, s.op.span.file, s.op.span.start, cwd),
        directive: s.op.label,
        skipped: s.skipped ?? null,
        before: s.before,
        after: s.after,
      })),
      crash: result.crash?.message ?? null,
      output: result.crash ? null : result.lines.map((l) => l.value),
      // Request-dependent outcomes: each with the requests it stands for and its own steps.
      outcomes: branchesOf(result).map((b) => ({
        requests: describeRequests(b.assumptions) || null,
        assumptions: b.assumptions.map((a) => ({ test: a.literal.text, holds: a.holds })),
        steps: b.steps.map((s) => ({ at: where(model, s.op.span.file, s.op.span.start, cwd), directive: s.op.label, skipped: s.skipped ?? null, before: s.before, after: s.after })),
        crash: b.crash?.message ?? null,
        output: b.crash ? null : b.lines.map((l) => l.value),
      })),
      bounded: result.bounded ? boundedNote(result.bounded) : null,
    })),
    null,
    2,
  )}\n`;
}

export async function simulateCommand(file: string, options: SimulateCliOptions, cwd: string): Promise<string> {
  const config = resolveConfig(options, cwd);
  const settings = runOptionsFrom(options, config, cwd);
  const path = resolve(cwd, file);
  const io = createNodeIO(cwd, settings.maxFileMb);
  const source = io.read(path);
  if (isIoError(source)) throw new UsageError(`cannot read ${file}: ${source.error}`);
  const dialectId = options.type ?? overrideDialect(config, path) ?? detectDialect(path, source.text);
  if (!dialectId) throw new UsageError(`cannot tell the dialect of ${file}; pass --type apache|nginx|iis|haproxy|caddy`);
  const requested = options.backend === undefined ? undefined : BACKEND_ALIASES[options.backend.toLowerCase()];
  if (options.backend !== undefined && !requested) {
    throw new UsageError(`unknown backend "${options.backend}"; use one of ${Object.keys(BACKEND_ALIASES).join(', ')}`);
  }
  const dialect = (await loadDialects(new Set([dialectId]))).get(dialectId)!;
  const model = dialect.buildModel(path, io, {
    nginxVersion: settings.nginxVersion!,
    ...(settings.serverRoot ? { serverRoot: settings.serverRoot } : {}),
    ...(settings.prefix ? { prefix: settings.prefix } : {}),
    ...(settings.context ? { context: settings.context } : {}),
    ...(settings.caddyVersion ? { caddyVersion: settings.caddyVersion } : {}),
  });
  const endpoints = selectEndpoints(model, options.location);
  if (endpoints.length === 0) {
    const known = model.endpoints.map((e) => `  ${e.requestPath ?? '(regex)'}  ${e.label}`).join('\n');
    throw new UsageError(`no endpoint matches ${options.location ?? 'the configuration'}; endpoints:\n${known || '  (none)'}`);
  }
  const catalog = createCatalog(settings.xsrfCookies);
  const cookies = options.cookie && options.cookie.length > 0 ? options.cookie : ['JSESSIONID=s1; Path=/', ...catalog.xsrf.map((c) => `${c.name}=t1; Path=/`)];
  // Scopes that declare a backend are what a request really reaches; show the others (a
  // redirect-only vhost, a fragment) only when nothing declares one or a backend is asked for.
  const declared = endpoints.filter((e) => e.backends.length > 0);
  const shown = requested || declared.length === 0 ? endpoints : declared;
  const runs: SimulationRun[] = [];
  for (const endpoint of shown) {
    for (const backend of backendsFor(endpoint, requested)) {
      runs.push({ endpoint, backend, result: simulate(model.dialect, endpoint.pipeline, { backend, status: 200 }, cookies, { trace: true }) });
    }
  }
  if (runs.length === 0) return noBackendText(model, shown, options.location, options.format, cwd);
  return options.format === 'json' ? renderJson(model, runs, cookies, cwd) : renderText(model, runs, cookies, cwd, options.color);
}

/**
 * Never an empty answer: when no request path reaches a backend, say so, and why for each scope
 * (static files send no cookies), with a hint to force a backend kind.
 */
const NO_BACKEND: Readonly<Record<HeaderRewriteModel['dialect'], string>> = {
  apache: 'no ProxyPass, ProxyPassMatch, RewriteRule [P], SetHandler, ScriptAlias or application handler routes its requests, so it serves static files, which send no cookies',
  nginx: 'no proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass or grpc_pass handles its requests, so it serves static files, which send no cookies',
  iis: 'no application or rewrite to a backend serves its requests, so it serves static files, which send no cookies',
  haproxy: 'no frontend routes its requests to a backend with servers (use_backend, default_backend), so no response reaches it',
  caddy: 'no reverse_proxy or php_fastcgi answers its requests (respond, file_server and redir send no backend cookies)',
};

function noBackendText(model: HeaderRewriteModel, endpoints: readonly Endpoint[], location: string | undefined, format: 'text' | 'json', cwd: string): string {
  const file = relative(cwd, model.root) || model.root;
  const reason = NO_BACKEND[model.dialect];
  if (format === 'json') {
    return `${JSON.stringify({ file, reachesBackend: false, scopes: endpoints.map((e) => ({ endpoint: e.label, requestPath: e.requestPath ?? null, reason })) }, null, 2)}
`;
  }
  const what = location === undefined ? `No request path of ${file}` : `No request for ${location} in ${file}`;
  const lines = [`${what} reaches a backend, so no Set-Cookie header passes through it:`];
  for (const e of endpoints) lines.push(`  ${e.label}${e.requestPath ? ` (${e.requestPath})` : ''}: ${reason}.`);
  lines.push('Pass --backend proxy|fcgi|cgi|... to trace the directives as if one answered.');
  return `${lines.join('\n')}\n`;
}
