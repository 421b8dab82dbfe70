/**
 * xsrf-cookie-httponly: a directive adds HttpOnly to a cookie that JavaScript must read to send
 * the CSRF token back. The verdict comes from simulating each catalog XSRF cookie, in several
 * shapes, through every endpoint's pipeline for every backend kind it can reach; the finding
 * points at the directive that made HttpOnly appear.
 */
import { describeCookies } from '../../src/cookies/catalog.js';
import { probeAttributesOf, samplesFor } from '../../src/cookies/samples.js';
import { defineRule, type RuleContext } from '../../src/engine/rule.js';
import { mapCause } from '../../src/engine/simulator.js';
import { describeBackends, type BackendKind } from '../../src/model/backends.js';
import type { CookieOp, LineChange } from '../../src/model/header-rewrite.js';
import { httpOnlyGain } from '../../src/model/provenance.js';
import type { Span } from '../../src/source.js';

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

/**
 * Every directive that adds HttpOnly to `sample` on its own: the one that does in the pipeline as
 * written, then — with that one taken away — the next, and so on (ESLint's rule: suppressing or
 * fixing one report never hides another). Bounded by the pipeline's length.
 */
function gainsOf(ctx: RuleContext, pipeline: readonly CookieOp[], kind: BackendKind, sample: string): LineChange[] {
  const gains: LineChange[] = [];
  let current = pipeline;
  for (let i = 0; i < pipeline.length; i++) {
    const result = ctx.sim.run(current, kind, [sample]);
    // A crashing or undecidable pipeline is reported by its own rule.
    if (result.crash || result.tooComplex) break;
    const line = result.lines.find((l) => l.origin === sample);
    const gain = line ? httpOnlyGain(line) : undefined;
    if (!gain) break;
    gains.push(gain);
    current = current.filter((op) => op !== gain.op);
  }
  return gains;
}

/** A directive of a group's representative pipeline that adds HttpOnly, by position. */
interface Blamed {
  readonly index: number;
  readonly cause: Span;
  readonly cookies: Set<string>;
  readonly kinds: Set<BackendKind>;
}

function collect(ctx: RuleContext): Finding[] {
  const findings = new Map<string, Finding>();
  const record = (op: CookieOp, cause: Span, blamed: Blamed, reachable: readonly BackendKind[]) => {
    const key = spanKey(cause);
    let f = findings.get(key);
    if (!f) findings.set(key, (f = { op, cause, cookies: new Set(), hitBackends: new Set(), reachable: new Set() }));
    for (const name of blamed.cookies) f.cookies.add(name);
    for (const kind of blamed.kinds) f.hitBackends.add(kind);
    for (const k of reachable) if (op.reaches.includes(k)) f.reachable.add(k);
  };
  for (const group of ctx.sim.groups(ctx.model.endpoints)) {
    // Simulate the group's representative; the pipelines of a group are alike op by op
    // (equal signatures, position for position), so its blame carries over by position.
    const rep = group.pipeline;
    const blamed = new Map<string, Blamed>();
    const attributes = probeAttributesOf(rep);
    for (const kind of group.backends) {
      for (const { name } of ctx.catalog.xsrf) {
        for (const sample of samplesFor(name, { attributes })) {
          for (const gain of gainsOf(ctx, rep, kind, sample)) {
            const index = rep.indexOf(gain.op);
            const key = `${index}\u0000${spanKey(gain.cause)}`;
            let b = blamed.get(key);
            if (!b) blamed.set(key, (b = { index, cause: gain.cause, cookies: new Set(), kinds: new Set() }));
            b.cookies.add(name);
            b.kinds.add(kind);
          }
        }
      }
    }
    for (const pipeline of group.pipelines) {
      for (const b of blamed.values()) {
        const op = pipeline[b.index]!;
        record(op, mapCause(rep[b.index]!, b.cause, op), b, group.backends);
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
    for (const f of collect(ctx)) {
      const names = orderedCookies(ctx, f.cookies);
      ctx.report({
        span: focusOf(f.op, f.cause),
        message: message(ctx, f, ''),
        fix: { exempt: names, candidates: () => ctx.fixers.excludeCookies({ model: ctx.model, op: f.op, cause: f.cause, names, options: ctx.options }) },
      });
    }
  },
});
