/**
 * `simulate <config> --cookie '<Set-Cookie value>'`: what each directive of the effective
 * pipeline does to a backend's Set-Cookie headers, step by step, and what the browser finally
 * receives. The answer to "why does my XSRF cookie have HttpOnly?".
 */
import { resolve } from 'node:path';
import { createCatalog } from '../../cookies/catalog.js';
import { defaultResponse } from '../../cookies/samples.js';
import { detectDialect } from '../../dialects/detect.js';
import { loadDialects } from '../../dialects/registry.js';
import type { BackendKind } from '../../model/backends.js';
import { simulate } from '../../model/simulate.js';
import { exploredStatuses } from '../../model/statuses.js';
import { createNodeIO } from '../../run/node-io.js';
import { isIoError } from '../../source.js';
import { overrideDialect, resolveConfig, runOptionsFrom, type SharedCliOptions } from '../../config/settings.js';
import { backendsFor, noBackendText, renderJson, renderText, selectEndpoints, type SimulationRun } from '../../formatters/simulation.js';
import { UsageError } from '../../usage-error.js';

export interface SimulateCliOptions extends SharedCliOptions {
  cookie?: string[];
  location?: string;
  header?: string[];
  backend?: string;
  status?: string;
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

/** `--header 'Name: value'`: the request's header fields, names lower-cased (as SimRequest keeps them). */
function requestHeaders(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(v);
    if (!m) throw new UsageError(`--header expects 'Name: value', not "${v}"`);
    out[m[1]!.toLowerCase()] = m[2]!;
  }
  return out;
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
    ...(settings.nginxDirectives ? { nginxDirectives: settings.nginxDirectives } : {}),
    ...(settings.apacheModules ? { apacheModules: settings.apacheModules } : {}),
  });
  const endpoints = selectEndpoints(model, options.location);
  if (endpoints.length === 0) {
    const known = model.endpoints.map((e) => `  ${e.requestPath ?? '(regex)'}  ${e.label}`).join('\n');
    throw new UsageError(`no endpoint matches ${options.location ?? 'the configuration'}; endpoints:\n${known || '  (none)'}`);
  }
  const catalog = createCatalog(settings.xsrfCookies);
  const cookies = options.cookie && options.cookie.length > 0 ? options.cookie : defaultResponse(catalog);
  // Scopes that declare a backend are what a request really reaches; show the others (a
  // redirect-only vhost, a fragment) only when nothing declares one or a backend is asked for.
  const declared = endpoints.filter((e) => e.backends.length > 0);
  const shown = requested || declared.length === 0 ? endpoints : declared;
  const status = options.status === undefined ? undefined : Number(options.status);
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) throw new UsageError(`--status expects an HTTP status code (100-599), not "${options.status}"`);
  // The request simulated, when the command names one (a path, headers): the values the
  // configuration reads from it are that request's, not those of the probe request.
  const headers = requestHeaders(options.header ?? []);
  const asked = options.location !== undefined || Object.keys(headers).length > 0;
  const runs: SimulationRun[] = [];
  for (const endpoint of shown) {
    const target = options.location ?? endpoint.requestPath;
    const request = asked && target !== undefined ? { request: { target, headers } } : {};
    for (const backend of backendsFor(endpoint, requested)) {
      for (const s of status === undefined ? exploredStatuses(endpoint.pipeline, { unnamed: false }) : [status]) {
        runs.push({ endpoint, backend, status: s, result: simulate(model.dialect, endpoint.pipeline, { backend, status: s, ...request }, cookies, { trace: true }) });
      }
    }
  }
  if (runs.length === 0) return noBackendText(model, shown, options.location, options.format, cwd);
  return options.format === 'json' ? renderJson(model, runs, cookies, cwd) : renderText(model, runs, cookies, cwd, options.color);
}
