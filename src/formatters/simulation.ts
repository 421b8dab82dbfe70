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

/**
 * What a step changed, as before → after pairs: the lines it kept (a longest common subsequence)
 * are left out, and between two kept lines the lines it dropped are paired, in order, with the
 * ones it wrote; the rest are `(new)` or `(removed)`. (Pairing by position showed a cookie a
 * directive inserted first as every line turning into the one before it.)
 */
export function changedPairs(before: readonly string[], after: readonly string[]): [string | undefined, string | undefined][] {
  // The lines kept at both ends first; the table below only for what is between them.
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const b = before.slice(start, before.length - end);
  const a = after.slice(start, after.length - end);
  const out: [string | undefined, string | undefined][] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) out.push([removed[k], added[k]]);
    removed = [];
    added = [];
  };
  // Bounded: a step rewriting thousands of lines is shown pairing them by position.
  if (b.length * a.length > MAX_ALIGNED) {
    removed = b;
    added = a;
    flush();
    return out;
  }
  // lcs[i][j]: the length of the longest common subsequence of b[i..] and a[j..].
  const lcs = Array.from({ length: b.length + 1 }, () => new Uint32Array(a.length + 1));
  for (let i = b.length - 1; i >= 0; i--) for (let j = a.length - 1; j >= 0; j--) lcs[i]![j] = b[i] === a[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  let i = 0;
  let j = 0;
  while (i < b.length || j < a.length) {
    if (i < b.length && j < a.length && b[i] === a[j]) {
      flush();
      i++;
      j++;
    } else if (j >= a.length || (i < b.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) removed.push(b[i++]!);
    else added.push(a[j++]!);
  }
  flush();
  return out;
}

/** The most cells of the alignment table {@link changedPairs} fills (about 4 MB). */
const MAX_ALIGNED = 1_000_000;

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
          for (const [b, a] of changedPairs(step.before, step.after)) {
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
