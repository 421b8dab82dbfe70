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
import { isIoError } from '../engine/io.js';
import { BACKEND_LABELS, type BackendKind } from '../model/backends.js';
import type { Endpoint, HeaderRewriteModel } from '../model/header-rewrite.js';
import { hasHttpOnly } from '../model/set-cookie.js';
import { simulate, type SimResult } from '../model/simulate.js';
import { createNodeIO } from '../node-io.js';
import { positionAt } from '../source.js';
import { overrideDialect, resolveConfig, runOptionsFrom, UsageError, type SharedCliOptions } from './settings.js';

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
    let n = 0;
    for (const step of result.steps) {
      n++;
      out.push(`  ${c.dim(String(n).padStart(2))}  ${c.dim(where(model, step.op.span.file, step.op.span.start, cwd))}  ${step.op.label}`);
      if (step.skipped) {
        out.push(`        ${c.dim(`skipped: ${step.op.condition?.text ?? 'condition'} is false`)}`);
        continue;
      }
      const changed = step.before.length !== step.after.length || step.before.some((b, i) => b !== step.after[i]);
      if (!changed) out.push(`        ${c.dim('no change')}`);
      else {
        const width = Math.max(step.before.length, step.after.length);
        for (let i = 0; i < width; i++) {
          const b = step.before[i];
          const a = step.after[i];
          if (b === a) continue;
          out.push(`        ${b === undefined ? c.dim('(new)') : b}  ${c.yellow('→')}  ${a === undefined ? c.dim('(removed)') : a}`);
        }
      }
    }
    if (result.crash) {
      out.push(c.red(`  the server crashes here and sends no response: ${result.crash.message}`));
    } else if (result.tooComplex) {
      out.push(c.yellow(`  cannot evaluate ${JSON.stringify(result.tooComplex.pattern)}: it backtracks too much`));
    } else {
      if (result.lines.length === 0) out.push(`  browser gets    ${c.dim('no Set-Cookie header')}`);
      for (const line of result.lines) {
        const note = hasHttpOnly(line.value) && line.origin !== undefined && !hasHttpOnly(line.origin) ? c.red('   ← HttpOnly added: JavaScript cannot read this cookie') : '';
        out.push(`  browser gets    Set-Cookie: ${line.value}${note}`);
      }
    }
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
  if (!dialectId) throw new UsageError(`cannot tell the dialect of ${file}; pass --type apache|nginx|iis|caddy`);
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
  return options.format === 'json' ? renderJson(model, runs, cookies, cwd) : renderText(model, runs, cookies, cwd, options.color);
}
