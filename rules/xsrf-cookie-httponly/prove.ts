/**
 * Proof that an exclusion fix does exactly what it says, by re-simulation: the fixed
 * configuration is re-parsed and every endpoint is run again with the catalog's cookies and a
 * corpus of other cookies. The fix is offered only when
 *   - the XSRF cookies it excludes no longer get HttpOnly from the edited directives, and
 *     otherwise end up exactly as before (same value, path, Secure, SameSite...);
 *   - every other cookie ends up byte-identical (or, for fixes that declare they repair other
 *     cookies, keeps its name, value and every security flag);
 *   - the configuration parses as well as before and keeps the same endpoints.
 */
import { nonXsrfProbeNames, probeAttributesOf, samplesFor } from '../../src/cookies/samples.js';
import type { CookieCatalog } from '../../src/cookies/catalog.js';
import type { TextEdit } from '../../src/engine/edits.js';
import type { Simulator } from '../../src/engine/rule.js';
import { createSimulator } from '../../src/engine/simulator.js';
import type { CookieOp, HeaderRewriteModel, SetCookieLine } from '../../src/model/header-rewrite.js';
import { httpOnlyGains } from '../../src/model/provenance.js';
import { canonicalCookie, hasAttribute, hasHttpOnly, parseSetCookie } from '../../src/model/set-cookie.js';
import { branchesOf, type SimResult } from '../../src/model/simulate.js';
import type { Span } from '../../src/source.js';

export interface ProposedExclusion {
  readonly names: readonly string[];
  readonly edits: readonly TextEdit[];
  readonly changesOtherCookies?: string;
}

export type ProofResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Where an original offset lands after the edits (edits at or before it shift it). */
function mapOffset(file: string, offset: number, edits: readonly TextEdit[]): number {
  let shift = 0;
  for (const e of edits) if (e.file === file && e.end <= offset) shift += e.text.length - (e.end - e.start);
  return offset + shift;
}

/** The ranges of the fixed text that the edits wrote. */
function editedRegions(edits: readonly TextEdit[]): Span[] {
  return edits.map((e) => {
    const start = mapOffset(e.file, e.start, edits.filter((x) => x !== e));
    return { file: e.file, start, end: start + e.text.length };
  });
}

function touches(span: Span, regions: readonly Span[]): boolean {
  return regions.some((r) => r.file === span.file && span.start <= r.end && r.start <= span.end);
}

function countSevere(model: HeaderRewriteModel): number {
  return model.problems.filter((p) => p.ruleId === null || p.ruleId === 'directive-invalid').length;
}

const SECURITY_FLAGS = ['httponly', 'secure'] as const;

/**
 * A cookie under a fix that repairs other cookies: same cookie, no weaker flags (`except` names
 * flags the fix is meant to remove, HttpOnly for XSRF cookies).
 */
function keepsSecurity(before: string, after: string, except: readonly string[] = []): boolean {
  const b = parseSetCookie(before);
  const a = parseSetCookie(after);
  if (a.name !== b.name || a.value !== b.value) return false;
  if (SECURITY_FLAGS.some((f) => !except.includes(f) && hasAttribute(before, f) && !hasAttribute(after, f))) return false;
  const sameSite = (p: ReturnType<typeof parseSetCookie>) => p.attributes.find((x) => x.name.toLowerCase() === 'samesite')?.value?.toLowerCase();
  return sameSite(b) === undefined || sameSite(b) === sameSite(a);
}

function lineFor(result: SimResult, sample: string): SetCookieLine | undefined {
  return result.lines.find((l) => l.origin === sample);
}

interface Check {
  readonly before: SimResult;
  readonly after: SimResult;
  readonly where: string;
}

export function proveExclusions(
  before: HeaderRewriteModel,
  after: HeaderRewriteModel,
  beforeSim: Simulator,
  catalog: CookieCatalog,
  fixes: readonly ProposedExclusion[],
): ProofResult {
  if (countSevere(after) > countSevere(before)) return { ok: false, reason: 'the edited configuration no longer parses cleanly' };
  if (after.endpoints.length !== before.endpoints.length || after.endpoints.some((e, i) => e.label !== before.endpoints[i]!.label)) {
    return { ok: false, reason: 'the edit changes the structure of the configuration' };
  }
  const afterSim = createSimulator(after.dialect);
  const edits = fixes.flatMap((f) => f.edits);
  const regions = editedRegions(edits);
  const fromFix = (op: CookieOp, cause: Span) => touches(cause, regions) || touches(op.span, regions);
  const excluded = new Set(fixes.flatMap((f) => f.names));
  const relaxed = fixes.some((f) => f.changesOtherCookies !== undefined);
  const attributes = probeAttributesOf(before.ops);
  const probes = nonXsrfProbeNames(catalog).flatMap((n) => samplesFor(n, { withHttpOnly: true, attributes }));
  const xsrfSamples = catalog.xsrf.flatMap((c) => samplesFor(c.name, { withHttpOnly: true, attributes }).map((s) => ({ name: c.name, sample: s })));

  // Pair endpoints that share a pipeline before and after: each distinct pair is checked once.
  const beforeKeys = new Map(beforeSim.groups(before.endpoints).flatMap((g) => g.endpoints.map((e) => [e, g.key] as const)));
  const afterKeys = new Map(afterSim.groups(after.endpoints).flatMap((g) => g.endpoints.map((e) => [e, g.key] as const)));
  const seen = new Set<string>();
  for (let i = 0; i < before.endpoints.length; i++) {
    const b = before.endpoints[i]!;
    const a = after.endpoints[i]!;
    const pairKey = `${beforeKeys.get(b)}|${afterKeys.get(a)}|${b.possibleBackends.join(',')}`;
    if (seen.has(pairKey)) continue;
    seen.add(pairKey);
    if (b.possibleBackends.join(',') !== a.possibleBackends.join(',')) {
      return { ok: false, reason: `the edit changes which backends ${b.label} reaches` };
    }
    for (const kind of b.possibleBackends) {
      // A simulation that stopped early proves nothing about the requests it did not explore.
      if (xsrfSamples.some(({ sample }) => beforeSim.run(b.pipeline, kind, [sample]).bounded)) {
        return { ok: false, reason: `the conditions at ${b.label} give more outcomes than the linter explores` };
      }
      const run = (values: readonly string[]): Check => ({
        before: beforeSim.run(b.pipeline, kind, values),
        after: afterSim.run(a.pipeline, kind, values),
        where: `${b.label} (${kind})`,
      });
      const failure =
        checkOthers(probes.map((p) => [p]), run, relaxed) ??
        checkXsrf(xsrfSamples, run, excluded, fromFix, relaxed) ??
        // Cookies travel together: directives that set, unset or join lines see all of them.
        checkOthers([['JSESSIONID=s1; Path=/', ...catalog.xsrf.map((c) => `${c.name}=t1; Path=/`), 'lpc_probe=1']], run, relaxed, catalog);
      if (failure) return { ok: false, reason: failure };
    }
  }
  return { ok: true };
}

type Runner = (values: readonly string[]) => Check;

/**
 * A result's branches (the outcomes on different requests) as a set of texts. A fix edits
 * patterns, not conditions, so before and after must give the same set of outcomes.
 */
function outcomeSet(result: SimResult, text: (branch: SimResult) => string): Set<string> {
  return new Set(branchesOf(result).map(text));
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

function checkOthers(responses: readonly (readonly string[])[], run: Runner, relaxed: boolean, catalog?: CookieCatalog): string | undefined {
  const isXsrf = (value: string) => catalog?.xsrf.some((c) => c.name === parseSetCookie(value).name) ?? false;
  for (const values of responses) {
    const { before, after, where } = run(values);
    const bb = branchesOf(before);
    const ab = branchesOf(after);
    if (bb.some((b) => b.crash) !== ab.some((b) => b.crash)) return `the edit changes whether the server answers at ${where}`;
    if ([...bb, ...ab].some((b) => b.tooComplex)) return `a pattern is too complex to evaluate at ${where}`;
    const others = (r: SimResult) => r.lines.filter((l) => !isXsrf(l.origin ?? l.value));
    if (bb.length !== 1 || ab.length !== 1) {
      const text = (r: SimResult) => (r.crash ? '\u0000crash' : others(r).map((l) => l.value).join('\n'));
      if (sameSet(outcomeSet(before, text), outcomeSet(after, text))) continue;
      if (!relaxed || bb.length !== ab.length) return `the edit changes the cookies sent for some requests at ${where}`;
    }
    for (let k = 0; k < bb.length; k++) {
      const bl = others(bb[k]!);
      const al = others(ab[k]!);
      if (bl.length !== al.length) return `the edit changes how many cookies are sent at ${where}`;
      for (let i = 0; i < bl.length; i++) {
        const bv = bl[i]!.value;
        const av = al[i]!.value;
        if (bv === av) continue;
        if (relaxed && keepsSecurity(bv, av)) continue;
        return `the edit changes ${JSON.stringify(values[0])} at ${where}: ${JSON.stringify(bv)} became ${JSON.stringify(av)}`;
      }
    }
  }
  return undefined;
}

function checkXsrf(
  samples: readonly { name: string; sample: string }[],
  run: Runner,
  excluded: ReadonlySet<string>,
  fromFix: (op: CookieOp, cause: Span) => boolean,
  relaxed: boolean,
): string | undefined {
  for (const { name, sample } of samples) {
    const { before, after, where } = run([sample]);
    const bb = branchesOf(before);
    const ab = branchesOf(after);
    if (bb.some((b) => b.crash) !== ab.some((b) => b.crash)) return `the edit changes whether the server answers at ${where}`;
    if ([...bb, ...ab].some((b) => b.tooComplex)) return `a pattern is too complex to evaluate at ${where}`;
    if (bb.length !== 1 || ab.length !== 1) {
      // Several outcomes: compare them as sets, and check that no outcome still gains HttpOnly from the edit.
      const text = (r: SimResult) => {
        const l = lineFor(r, sample);
        if (!l) return '\u0000absent';
        return excluded.has(name) ? canonicalCookie(l.value, ['httponly']) : l.value;
      };
      if (!sameSet(outcomeSet(before, text), outcomeSet(after, text)) && !relaxed) {
        return `the edit changes ${excluded.has(name) ? 'more than HttpOnly on ' : ''}${name} for some requests at ${where}`;
      }
      if (!hasHttpOnly(sample) && excluded.has(name) && ab.some((r) => { const l = lineFor(r, sample); return l !== undefined && httpOnlyGains(l).some((c) => fromFix(c.op, c.cause)); })) {
        return `${name} still gets HttpOnly from the edited directive at ${where}`;
      }
      continue;
    }
    const bl = lineFor(before, sample);
    const al = lineFor(after, sample);
    if (!bl || !al) {
      if (bl !== al) return `the edit changes whether ${name} is sent at ${where}`;
      continue;
    }
    if (!excluded.has(name)) {
      if (bl.value !== al.value && !(relaxed && keepsSecurity(bl.value, al.value))) return `the edit changes ${name}, which it should not touch, at ${where}`;
      continue;
    }
    const same = relaxed ? keepsSecurity(bl.value, al.value, ['httponly']) : canonicalCookie(bl.value, ['httponly']) === canonicalCookie(al.value, ['httponly']);
    if (!same) {
      return `the edit changes more than HttpOnly on ${name} at ${where}: ${JSON.stringify(bl.value)} became ${JSON.stringify(al.value)}`;
    }
    if (!hasHttpOnly(sample) && httpOnlyGains(al).some((c) => fromFix(c.op, c.cause))) {
      return `${name} still gets HttpOnly from the edited directive at ${where}`;
    }
  }
  return undefined;
}
