/**
 * What `simulate` shows, for the terminal and for the editor's hover: the endpoints a request path
 * selects, the backends to run each through, and a simulation's trace as text or JSON. Pure: the
 * command (src/cli/commands/simulate.ts) and the language server build the runs and print these.
 */
import { relative } from 'node:path';
import { Chalk } from 'chalk';
import { backendLabel, type BackendKind } from '../model/backends.js';
import type { Endpoint, HeaderRewriteModel } from '../model/header-rewrite.js';
import { hasHttpOnly } from '../model/set-cookie.js';
import { boundedNote, describeRequests } from '../model/requests.js';
import { branchesOf, type SimResult } from '../model/simulate.js';
import { positionAt } from '../source.js';

/** Endpoints for `--location`: an exact request path, else the longest one that prefixes it. */
export function selectEndpoints(model: HeaderRewriteModel, location: string | undefined): Endpoint[] {
  if (location === undefined) return [...model.endpoints];
  // Where the dialect knows which scope serves the path (nginx's location search, a regex section), it decides.
  const selected = model.endpoints.filter((e) => e.selects?.(location) === true);
  if (selected.length > 0) return selected;
  const exact = model.endpoints.filter((e) => e.requestPath === location);
  if (exact.length > 0) return exact;
  let best: Endpoint[] = [];
  let bestLength = -1;
  for (const e of model.endpoints) {
    if (e.selects) continue;
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
  /** The response status simulated (200 when absent). */
  readonly status?: number;
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
  for (const { endpoint, backend, result, status } of runs) {
    const target = endpoint.backends.find((b) => b.kind === backend)?.target;
    const code = status !== undefined && status !== 200 ? `${status} ` : '';
    out.push(c.bold(`${endpoint.label}`) + c.dim(`  ·  ${code}${backendLabel(backend, model.dialect)} response${target ? ` from ${target}` : ''}`));
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
        out.push(c.yellow(`${indent}  cannot evaluate ${JSON.stringify(result.tooComplex.pattern)}: ${result.tooComplex.unsupported ?? 'it backtracks too much'}`));
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
    runs.map(({ endpoint, backend, result, status }) => ({
      endpoint: endpoint.label,
      requestPath: endpoint.requestPath ?? null,
      backend,
      status: status ?? 200,
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

export function noBackendText(model: HeaderRewriteModel, endpoints: readonly Endpoint[], location: string | undefined, format: 'text' | 'json', cwd: string): string {
  const file = relative(cwd, model.root) || model.root;
  const reason = NO_BACKEND[model.dialect];
  if (format === 'json') {
    return `${JSON.stringify({ file, reachesBackend: false, scopes: endpoints.map((e) => ({ endpoint: e.label, requestPath: e.requestPath ?? null, reason: e.noBackend ?? reason })) }, null, 2)}
`;
  }
  const what = location === undefined ? `No request path of ${file}` : `No request for ${location} in ${file}`;
  const lines = [`${what} reaches a backend, so no Set-Cookie header passes through it:`];
  for (const e of endpoints) lines.push(`  ${e.label}${e.requestPath ? ` (${e.requestPath})` : ''}: ${e.noBackend ?? reason}.`);
  lines.push('Pass --backend proxy|fcgi|cgi|... to trace the directives as if one answered.');
  return `${lines.join('\n')}\n`;
}
