/**
 * xsrf-cookie-httponly: a directive adds HttpOnly to a cookie that JavaScript must read to send
 * the CSRF token back. The verdict comes from simulating each catalog XSRF cookie, in several
 * shapes, through every endpoint's pipeline for every backend kind it can reach; the finding
 * points at the directive that made HttpOnly appear.
 */
import { probeAttributesOf, samplesFor } from '../../src/cookies/samples.js';
import { productIds } from '../../src/cookies/products.js';
import { createScopeResolver } from '../../src/cookies/scope.js';
import { closest } from '../../src/config/schema-validate.js';
import { isFixRefusal, type FixCandidate } from '../../src/dialects/dialect.js';
import type { Fix } from '../../src/engine/edits.js';
import { defineRule, type RuleContext } from '../../src/engine/rule.js';
import type { BackendKind } from '../../src/model/backends.js';
import type { CookieOp, Endpoint, LineChange } from '../../src/model/header-rewrite.js';
import { httpOnlyGain } from '../../src/model/provenance.js';
import type { Span } from '../../src/source.js';
import { proveExclusions, type ProposedExclusion } from './prove.js';
import { judge, type Hits, type Verdict } from './verdict.js';

interface Finding extends Hits {
  readonly op: CookieOp;
  readonly cause: Span;
  readonly cookies: Set<string>;
  readonly hitBackends: Set<BackendKind>;
  /** Kinds the op could have reached in the endpoints where it hit. */
  readonly reachable: Set<BackendKind>;
  readonly scopes: Map<string, Set<Endpoint>>;
  example?: Hits['example'];
}

const RULE_ID = 'xsrf-cookie-httponly';
/** The longest message: the fixture suite holds every message to 200 characters. */
const MAX_MESSAGE = 200;

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
  const record = (change: LineChange, name: string, kind: BackendKind, reachable: readonly BackendKind[], endpoints: readonly Endpoint[], sample: string) => {
    const key = spanKey(change.cause);
    let f = findings.get(key);
    if (!f) findings.set(key, (f = { op: change.op, cause: change.cause, cookies: new Set(), hitBackends: new Set(), reachable: new Set(), scopes: new Map() }));
    f.cookies.add(name);
    let scopes = f.scopes.get(name);
    if (!scopes) f.scopes.set(name, (scopes = new Set()));
    for (const e of endpoints) scopes.add(e);
    if (!f.example && endpoints[0]) f.example = { endpoint: endpoints[0], backend: kind, sent: sample, received: change.after };
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
            const endpoints = group.endpoints.filter((e) => e.pipeline === pipeline && e.possibleBackends.includes(kind));
            for (const line of ctx.sim.run(pipeline, kind, [sample]).lines) {
              const gain = line.origin === sample ? httpOnlyGain(line) : undefined;
              if (gain) record(gain, name, kind, group.backends, endpoints, sample);
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

interface Candidate {
  readonly finding: Finding;
  readonly options: FixCandidate[];
  /** The cookies the fix exempts: the ones relevant to the finding's scopes. */
  readonly names: readonly string[];
}

/** Proves one candidate of each finding together (one re-parse), falling back to one at a time. */
function proveFixes(ctx: RuleContext, candidates: readonly Candidate[]): Map<Finding, Fix | string> {
  const outcome = new Map<Finding, Fix | string>();
  const namesOf = new Map(candidates.map((c) => [c.finding, c.names]));
  const attempt = (picks: readonly { finding: Finding; option: FixCandidate }[]): string | undefined => {
    const after = ctx.rebuild(picks.flatMap((p) => p.option.edits));
    if ('error' in after) return after.error;
    const proposals: ProposedExclusion[] = picks.map((p) => ({
      names: namesOf.get(p.finding) ?? orderedCookies(ctx, p.finding.cookies),
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
    id: RULE_ID,
    severity: 'error',
    fixable: true,
    dialects: ['apache', 'nginx', 'iis'],
    description: 'A directive adds HttpOnly to a CSRF cookie that JavaScript must read, which breaks every form.',
    securitySeverity: 5.3,
  },
  check(ctx) {
    const resolver = createScopeResolver(ctx.model, ctx.catalog);
    for (const c of resolver.unknownInline) {
      const names = c.unknown.map((u) => `"${u}"${closest(u, productIds()) ? ` (did you mean "${closest(u, productIds())}"?)` : ''}`);
      ctx.report({ span: c.comment.span, message: `lint-proxy-config-products names unknown product ${names.join(', ')}; "explain ${RULE_ID}" lists them.` });
    }
    const found = collect(ctx);
    if (found.length === 0) return;
    const verdicts = new Map<Finding, Verdict>();
    for (const f of found) {
      const v = judge({ ...f, label: labelOf(f.op, f.cause) }, ctx.catalog, resolver);
      if (v) verdicts.set(f, v);
    }
    const findings = [...verdicts.keys()];
    const notes = new Map<Finding, string>();
    const suggestions = new Map<Finding, string>();
    const candidates: Candidate[] = [];
    for (const f of findings) {
      const names = verdicts.get(f)!.exempt;
      const built = names.length === 0 ? { reason: '' } : ctx.fixers.excludeCookies({ model: ctx.model, op: f.op, cause: f.cause, names, options: ctx.options });
      if (names.length === 0) notes.set(f, ' No automatic fix: it is unclear which cookies to exempt.');
      else if (isFixRefusal(built)) {
        notes.set(f, ` No automatic fix: ${built.reason}.`);
        if (built.suggestion) suggestions.set(f, built.suggestion);
      } else candidates.push({ finding: f, options: built, names });
    }
    const proven = ctx.wantFixes ? proveFixes(ctx, candidates) : new Map<Finding, Fix | string>();
    for (const f of findings) {
      const v = verdicts.get(f)!;
      const outcome = proven.get(f);
      if (typeof outcome === 'string') {
        notes.set(f, ' No automatic fix: the rewrite could not be proven safe.');
        suggestions.set(f, `the proof failed: ${outcome}`);
      }
      const fix = typeof outcome === 'object' ? outcome : undefined;
      const note = notes.get(f);
      // One sentence a person reads: a long reason stays in the data.
      const shown = note && v.message.length + note.length > MAX_MESSAGE ? ' No automatic fix; --format json says why.' : (note ?? '');
      const d = {
        span: focusOf(f.op, f.cause),
        message: v.message + shown,
        data: { ...v.data, ...(note ? { noFix: note.trim() } : {}), ...(suggestions.has(f) ? { noFixDetail: suggestions.get(f) } : {}) },
        related: v.related,
      };
      const candidate = !ctx.wantFixes && candidates.some((c) => c.finding === f && c.options.length > 0);
      ctx.report(fix ? { ...d, fix } : candidate ? { ...d, fixable: true } : d);
    }
  },
});
