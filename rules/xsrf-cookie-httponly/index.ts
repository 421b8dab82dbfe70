/**
 * xsrf-cookie-httponly: a directive adds HttpOnly to a cookie that JavaScript must read to send
 * the CSRF token back. The verdict comes from simulating each catalog XSRF cookie, in several
 * shapes, through every endpoint's pipeline for every backend kind it can reach; the finding
 * points at the directive that made HttpOnly appear.
 */
import { describeCookies } from '../../src/cookies/catalog.js';
import { probeAttributesOf, samplesFor } from '../../src/cookies/samples.js';
import { isFixRefusal, type FixCandidate } from '../../src/dialects/dialect.js';
import type { Fix } from '../../src/engine/edits.js';
import { defineRule, type RuleContext } from '../../src/engine/rule.js';
import { describeBackends, type BackendKind } from '../../src/model/backends.js';
import type { CookieOp, LineChange } from '../../src/model/header-rewrite.js';
import { httpOnlyGain } from '../../src/model/provenance.js';
import type { Span } from '../../src/source.js';
import { proveExclusions, type ProposedExclusion } from './prove.js';

interface Finding {
  readonly op: CookieOp;
  readonly cause: Span;
  readonly cookies: Set<string>;
  readonly hitBackends: Set<BackendKind>;
  /** Kinds the op could have reached in the endpoints where it hit. */
  readonly reachable: Set<BackendKind>;
}

const spanKey = (s: Span) => `${s.file}\u0000${s.start}\u0000${s.end}`;

/** The part of an array op (an nginx directive among several) that the cause designates. */
function partFor(op: CookieOp, cause: Span) {
  return op.parts.find((p) => p.span.file === cause.file && p.span.start <= cause.start && cause.end <= p.span.end);
}

function focusOf(op: CookieOp, cause: Span): Span {
  const part = partFor(op, cause);
  if (part) return part.focus ?? part.span;
  if (spanKey(cause) === spanKey(op.span)) return op.focus ?? op.span;
  return cause;
}

function labelOf(op: CookieOp, cause: Span): string {
  return partFor(op, cause)?.label ?? op.label;
}

function collect(ctx: RuleContext): Finding[] {
  const findings = new Map<string, Finding>();
  const record = (change: LineChange, name: string, kind: BackendKind, reachable: readonly BackendKind[]) => {
    const key = spanKey(change.cause);
    let f = findings.get(key);
    if (!f) findings.set(key, (f = { op: change.op, cause: change.cause, cookies: new Set(), hitBackends: new Set(), reachable: new Set() }));
    f.cookies.add(name);
    f.hitBackends.add(kind);
    for (const k of reachable) if (change.op.reaches.includes(k)) f.reachable.add(k);
  };
  for (const group of ctx.sim.groups(ctx.model.endpoints)) {
    const attributes = probeAttributesOf(group.pipeline);
    for (const kind of group.backends) {
      for (const { name } of ctx.catalog.xsrf) {
        for (const sample of samplesFor(name, { attributes })) {
          const result = ctx.sim.run(group.pipeline, kind, [sample]);
          // A crashing or undecidable pipeline is reported by its own rule.
          if (result.crash || result.tooComplex) continue;
          if (!result.lines.some((l) => l.origin === sample && httpOnlyGain(l))) continue;
          // Blame the directive of every pipeline that behaves like this one.
          for (const pipeline of group.pipelines) {
            for (const line of ctx.sim.run(pipeline, kind, [sample]).lines) {
              const gain = line.origin === sample ? httpOnlyGain(line) : undefined;
              if (gain) record(gain, name, kind, group.backends);
            }
          }
        }
      }
    }
  }
  return [...findings.values()];
}

function orderedCookies(ctx: RuleContext, names: ReadonlySet<string>): string[] {
  return ctx.catalog.xsrf.map((c) => c.name).filter((n) => names.has(n));
}

function message(ctx: RuleContext, f: Finding, note: string): string {
  const names = orderedCookies(ctx, f.cookies);
  const backends = describeBackends([...f.hitBackends], [...f.reachable]);
  const condition = f.op.condition && f.op.condition.value === 'unknown' ? `(when ${f.op.condition.text})` : '';
  const scope = [backends, condition].filter(Boolean).join(' ');
  return (
    `${labelOf(f.op, f.cause)} adds HttpOnly to ${describeCookies(ctx.catalog, names)}${scope ? ` ${scope}` : ''}: ` +
    `JavaScript can no longer read the CSRF token, so forms fail with "missing token" or "XSRF check failed".${note}`
  );
}

interface Candidate {
  readonly finding: Finding;
  readonly options: FixCandidate[];
}

/** Proves one candidate of each finding together (one re-parse), falling back to one at a time. */
function proveFixes(ctx: RuleContext, candidates: readonly Candidate[]): Map<Finding, Fix | string> {
  const outcome = new Map<Finding, Fix | string>();
  const attempt = (picks: readonly { finding: Finding; option: FixCandidate }[]): string | undefined => {
    const after = ctx.rebuild(picks.flatMap((p) => p.option.edits));
    if ('error' in after) return after.error;
    const proposals: ProposedExclusion[] = picks.map((p) => ({
      names: orderedCookies(ctx, p.finding.cookies),
      edits: p.option.edits,
      ...(p.option.changesOtherCookies === undefined ? {} : { changesOtherCookies: p.option.changesOtherCookies }),
    }));
    const proof = proveExclusions(ctx.model, after, ctx.sim, ctx.catalog, proposals);
    return proof.ok ? undefined : proof.reason;
  };
  const firstPicks = candidates.filter((c) => c.options.length > 0).map((c) => ({ finding: c.finding, option: c.options[0]! }));
  const overlapping = new Set(firstPicks.flatMap((p) => p.option.edits.map((e) => `${e.file}:${e.start}`))).size !== firstPicks.flatMap((p) => p.option.edits).length;
  if (firstPicks.length > 1 && !overlapping && attempt(firstPicks) === undefined) {
    for (const p of firstPicks) outcome.set(p.finding, { edits: p.option.edits, description: p.option.description });
    return outcome;
  }
  for (const c of candidates) {
    let reason = 'no candidate edit';
    for (const option of c.options) {
      const failure = attempt([{ finding: c.finding, option }]);
      if (failure === undefined) {
        outcome.set(c.finding, { edits: option.edits, description: option.description });
        break;
      }
      reason = failure;
    }
    if (!outcome.has(c.finding)) outcome.set(c.finding, reason);
  }
  return outcome;
}

export default defineRule({
  meta: {
    id: 'xsrf-cookie-httponly',
    severity: 'error',
    fixable: true,
    dialects: ['apache', 'nginx', 'iis', 'caddy'],
    description: 'A directive adds HttpOnly to a CSRF cookie that JavaScript must read, which breaks every form.',
    securitySeverity: 5.3,
  },
  check(ctx) {
    const findings = collect(ctx);
    if (findings.length === 0) return;
    const notes = new Map<Finding, string>();
    const candidates: Candidate[] = [];
    for (const f of findings) {
      const built = ctx.fixers.excludeCookies({ model: ctx.model, op: f.op, cause: f.cause, names: orderedCookies(ctx, f.cookies), options: ctx.options });
      if (isFixRefusal(built)) {
        notes.set(f, ` No automatic fix: ${built.reason}.${built.suggestion ? ` Instead: ${built.suggestion}` : ''}`);
      } else candidates.push({ finding: f, options: built });
    }
    const proven = ctx.wantFixes ? proveFixes(ctx, candidates) : new Map<Finding, Fix | string>();
    for (const f of findings) {
      const outcome = proven.get(f);
      if (typeof outcome === 'string') notes.set(f, ` No automatic fix: the rewrite could not be proven safe (${outcome}).`);
      const fix = typeof outcome === 'object' ? outcome : undefined;
      const d = { span: focusOf(f.op, f.cause), message: message(ctx, f, notes.get(f) ?? '') };
      const candidate = !ctx.wantFixes && candidates.some((c) => c.finding === f && c.options.length > 0);
      ctx.report(fix ? { ...d, fix } : candidate ? { ...d, fixable: true } : d);
    }
  },
});
