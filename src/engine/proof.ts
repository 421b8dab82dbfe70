/**
 * The one set of fix invariants (STYLE.md habit 4). Rules describe a fix lazily; the engine asks
 * for it, proves it here by re-simulation of the edited configuration, and only then offers it.
 * A fix holds when, after its edits:
 *   1. the configuration parses no worse (no new syntax error or refused directive);
 *   2. it has the same endpoints, reaching the same backends;
 *   3. every other cookie ends up exactly as before — byte-identical, or, for a fix that declares
 *      it repairs other cookies (`changesOtherCookies`), with the same name and value and no weaker
 *      security as a browser reads it (Secure, HttpOnly, the SameSite that takes effect);
 *   4. the CSRF cookies it exempts lose HttpOnly and nothing else (the same tolerance applies),
 *      and no longer get HttpOnly from the edited text; the CSRF cookies it does not exempt end
 *      up as before;
 *   5. the finding is gone: the rule that reported it reports nothing in the edited text.
 * Invariants 3 and 4 hold at every response status a verdict explores for the scope (200, the
 * statuses a directive names, one it does not: src/model/statuses.ts).
 * Cost: what the edits can reach. The proof runs on the blocks the edits are in, the others
 * blanked out, where the dialect has such blocks and blanking keeps their scopes (narrow.ts). The simulator is shared with the lint (its memo keys are sound,
 * src/model/signature.ts), so an endpoint whose pipeline behaves as before is not simulated again;
 * several fixes are proven together with one re-parse, and a failing batch is split in halves.
 * Where every op changes each Set-Cookie line on its own (`CookieOp.linewise`), the probe cookies
 * travel in one response, and one by one only when that response is not plainly unchanged.
 */
import type { CookieCatalog } from '../cookies/catalog.js';
import { defaultResponse, nonXsrfProbeNames, PROBE_SAMPLE, probeAttributesOf, samplesFor } from '../cookies/samples.js';
import type { BuiltModel, FixCandidate } from '../dialects/dialect.js';
import type { CookieOp, Endpoint, HeaderRewriteModel, SetCookieLine } from '../model/header-rewrite.js';
import { opSignature } from '../model/signature.js';
import { httpOnlyGains } from '../model/provenance.js';
import { canonicalCookie, hasAttribute, hasHttpOnly, parseSetCookie } from '../model/set-cookie.js';
import { branchesOf, isLinewise, MAX_LINE_BYTES, MAX_LINE_CHANGES, type SimResult } from '../model/simulate.js';
import { exploredStatuses } from '../model/statuses.js';
import type { Span, TextEdit } from '../source.js';
import { EditSet } from './edits.js';
import type { Simulator } from './rule.js';

/** One candidate to prove, with what it is allowed to change. */
export interface ProposedFix {
  readonly candidate: FixCandidate;
  /** CSRF cookie names that may lose the HttpOnly the edited directive added. */
  readonly exempt: readonly string[];
  /**
   * The scopes ({@link scopeKey}) where `exempt` applies: those the fix changed when it was proven
   * without the others. Absent: every scope.
   */
  readonly scopes?: ReadonlySet<string>;
}

/** `units`: the only parts of the configuration the edits can change (narrow.ts); absent: any part. */
export type ProofResult =
  | {
      readonly ok: true;
      readonly units?: readonly string[];
      /** The scopes ({@link scopeKey}) whose pipelines the edits changed. */
      readonly changed: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

export interface ProofContext {
  readonly before: HeaderRewriteModel;
  readonly sim: Simulator;
  readonly catalog: CookieCatalog;
  /** The model with the edits applied (and its fixers), or why it could not be built. */
  rebuild(edits: readonly TextEdit[]): BuiltModel | { readonly error: string };
  /** Spans the reporting rules still report on the edited model (invariant 5). */
  reportedSpans(after: BuiltModel): readonly Span[];
  /**
   * The part of the configuration that proves these edits as well as the whole does, when there
   * is a smaller one (src/engine/narrow.ts): its model before the edits, and how to rebuild it.
   */
  narrow?(edits: readonly TextEdit[]): (Pick<ProofContext, 'before' | 'rebuild'> & { readonly units: readonly string[] }) | undefined;
  /** The units of {@link narrow} that hold these edits, or undefined when one is in none. */
  unitsOf?(edits: readonly TextEdit[]): readonly string[] | undefined;
}

/**
 * The ranges of the edited text that the edits wrote, per file and in order: each edit lands
 * where the edits before it in its file shifted it (one pass over the sorted edits, so thousands
 * of fixes in one file cost N log N, not N²).
 */
export function writtenRegions(edits: readonly TextEdit[]): Regions {
  const byFile = new Map<string, Span[]>();
  const sorted = [...edits].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start || a.end - b.end));
  let file = '';
  let shift = 0;
  for (const e of sorted) {
    if (e.file !== file) {
      file = e.file;
      shift = 0;
    }
    const start = e.start + shift;
    let list = byFile.get(e.file);
    if (!list) byFile.set(e.file, (list = []));
    list.push({ file: e.file, start, end: start + e.text.length });
    shift += e.text.length - (e.end - e.start);
  }
  return byFile;
}

/** Written regions by file, sorted by start and not overlapping. */
export type Regions = ReadonlyMap<string, readonly Span[]>;

/** Whether `span` meets a written region (binary search in its file's regions). */
function touches(span: Span, regions: Regions): boolean {
  const list = regions.get(span.file);
  if (!list) return false;
  let lo = 0;
  let hi = list.length;
  // The first region that does not end before the span starts.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end < span.start) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length && list[lo]!.start <= span.end;
}

function countSevere(model: HeaderRewriteModel): number {
  return model.problems.filter((p) => p.kind === 'syntax' || p.kind === 'refused').length;
}

/** The SameSite a browser applies: the last attribute wins (RFC 6265 §5.3); unknown values act as Lax. */
function sameSiteRank(value: string): number {
  const attr = parseSetCookie(value).attributes.filter((a) => a.name.toLowerCase() === 'samesite').at(-1);
  if (!attr) return -1;
  const v = (attr.value ?? '').trim().toLowerCase();
  return v === 'strict' ? 2 : v === 'none' ? 0 : 1;
}

/**
 * The same cookie with no weaker security as a browser reads it (`except`: flags the fix may
 * remove — HttpOnly on exempt CSRF cookies).
 */
function keepsSecurity(before: string, after: string, except: readonly string[] = []): boolean {
  const b = parseSetCookie(before);
  const a = parseSetCookie(after);
  if (a.name !== b.name || a.value !== b.value) return false;
  for (const flag of ['httponly', 'secure']) if (!except.includes(flag) && hasAttribute(before, flag) && !hasAttribute(after, flag)) return false;
  const rb = sameSiteRank(before);
  return rb === -1 || sameSiteRank(after) >= rb;
}

/** The most response statuses a proof simulates each probe at (see {@link exploredStatuses}). */
const MAX_PROOF_STATUSES = 24;

interface Pair {
  readonly b: Endpoint;
  readonly a: Endpoint;
}

const pipelineKey = (pipeline: readonly CookieOp[]) => pipeline.map(opSignature).join('\u0002');

/** A scope as proofs name it: its label where it is written (two servers may have the same label). */
const scopeKey = (e: Endpoint) => `${e.label}\u0000${e.span.file}:${e.span.start}`;

/** Proves a set of fixes together: every invariant over the union of their edits. */
export function proveTogether(ctx: ProofContext, fixes: readonly ProposedFix[]): ProofResult {
  const edits = fixes.flatMap((f) => f.candidate.edits);
  const narrowed = ctx.narrow?.(edits);
  const scope = narrowed ?? ctx;
  const rebuilt = scope.rebuild(edits);
  if ('error' in rebuilt) return { ok: false, reason: rebuilt.error };
  // The proof reads models only (its rules make no edit): the edited copy's syntax can go at once.
  rebuilt.release?.();
  const after = rebuilt.model;
  const before = scope.before;
  if (countSevere(after) > countSevere(before)) return { ok: false, reason: 'the edited configuration no longer parses cleanly' };
  if (after.endpoints.length !== before.endpoints.length || after.endpoints.some((e, i) => e.label !== before.endpoints[i]!.label)) {
    return { ok: false, reason: 'the edit changes the structure of the configuration' };
  }
  const regions = writtenRegions(edits);
  const fromFix = (op: CookieOp, cause: Span) => touches(cause, regions) || touches(op.span, regions);
  const exempt = new Set(fixes.flatMap((f) => f.exempt));
  // Fixes proven apart and now together: a cookie is exempt only in the scopes of a fix that exempts it.
  const scoped = fixes.every((f) => f.scopes !== undefined);
  const exemptAt = (e: Endpoint): ReadonlySet<string> => {
    if (!scoped) return exempt;
    const key = scopeKey(e);
    return new Set(fixes.flatMap((f) => (f.scopes!.has(key) ? f.exempt : [])));
  };
  const relaxed = fixes.some((f) => f.candidate.changesOtherCookies !== undefined);
  // The whole configuration's probes, narrowed or not: the same proof either way.
  const attributes = probeAttributesOf(ctx.before.ops);
  const probes = nonXsrfProbeNames(ctx.catalog).flatMap((n) => samplesFor(n, { withHttpOnly: true, attributes }));
  const xsrfSamples = ctx.catalog.xsrf.flatMap((c) => samplesFor(c.name, { withHttpOnly: true, attributes }).map((s) => ({ name: c.name, sample: s })));
  const together = [...defaultResponse(ctx.catalog), PROBE_SAMPLE];
  const xsrfNames = new Set(ctx.catalog.xsrf.map((c) => c.name));

  // Endpoints whose pipeline behaves exactly as before (equal sound keys) cannot differ: skip them.
  const seen = new Set<string>();
  const pairs: Pair[] = [];
  for (let i = 0; i < before.endpoints.length; i++) {
    const b = before.endpoints[i]!;
    const a = after.endpoints[i]!;
    if (b.possibleBackends.join(',') !== a.possibleBackends.join(',')) return { ok: false, reason: `the edit changes which backends ${b.label} reaches` };
    const kb = pipelineKey(b.pipeline);
    const ka = pipelineKey(a.pipeline);
    if (kb === ka) continue;
    const key = `${kb}\u0003${ka}\u0003${b.possibleBackends.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push({ b, a });
  }
  for (const { b, a } of pairs) {
    const batched = isLinewise(b.pipeline) && isLinewise(a.pipeline);
    for (const kind of b.possibleBackends) {
      // A simulation that stopped early proves nothing about the requests it did not explore.
      // (Linewise: a sample's line is cut short alone as in one response with the others.)
      const cut =
        batched && !ctx.sim.run(b.pipeline, kind, xsrfSamples.map((x) => x.sample)).bounded
          ? undefined
          : xsrfSamples.map(({ sample }) => ctx.sim.run(b.pipeline, kind, [sample]).bounded).find((x) => x !== undefined);
      if (cut) {
        return {
          ok: false,
          reason:
            cut.reason === 'branches'
              ? `the conditions at ${b.label} give more outcomes than the linter explores`
              : `a Set-Cookie line at ${b.label} grows past ${MAX_LINE_BYTES} bytes or changes more than ${MAX_LINE_CHANGES} times, where the linter stops simulating`,
        };
      }
      // At every status a verdict explores for either pipeline (a rule limited to 404, `unless { status 200 }`),
      // up to a bound: a file whose directives single out dozens of statuses gets no automatic fix.
      const statuses = exploredStatuses([...b.pipeline, ...a.pipeline]);
      if (statuses.length > MAX_PROOF_STATUSES) {
        return { ok: false, reason: `the directives at ${b.label} single out ${statuses.length - 1} response statuses, more than the linter proves a fix on (${MAX_PROOF_STATUSES})` };
      }
      for (const status of statuses) {
        const run = (values: readonly string[]): Check => ({
          before: ctx.sim.run(b.pipeline, kind, values, status),
          after: ctx.sim.run(a.pipeline, kind, values, status),
          where: `${b.label} (${kind}${status === 200 ? '' : `, status ${status}`})`,
        });
        const failure =
          // Probes in one response first; one by one (as before) when that is not plainly the same.
          (batched && sameOneByOne(run(probes), relaxed) ? undefined : checkOthers(probes.map((p) => [p]), run, relaxed, xsrfNames)) ??
          checkXsrf(xsrfSamples, run, exemptAt(b), fromFix, relaxed, batched) ??
          // Cookies travel together: directives that set, unset or join lines see all of them.
          checkOthers([together], run, relaxed, xsrfNames);
        if (failure) return { ok: false, reason: failure };
      }
    }
  }
  const left = ctx.reportedSpans(rebuilt).find((s) => touches(s, regions));
  if (left) return { ok: false, reason: 'the edited directive is still reported' };
  const changed = pairs.map((p) => scopeKey(p.b));
  return narrowed ? { ok: true, units: narrowed.units, changed } : { ok: true, changed };
}

interface Check {
  readonly before: SimResult;
  readonly after: SimResult;
  readonly where: string;
}

type Runner = (values: readonly string[]) => Check;

function lineFor(result: SimResult, sample: string): SetCookieLine | undefined {
  return result.lines.find((l) => l.origin === sample);
}

/**
 * A result's branches (the outcomes on different requests) as a set of texts. A fix edits
 * patterns, not conditions, so before and after must give the same set of outcomes.
 */
function outcomeSet(result: SimResult, text: (branch: SimResult) => string): Set<string> {
  return new Set(branchesOf(result).map(text));
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** One outcome, not cut short, with no crash and no pattern too complex. */
function plain(r: SimResult): boolean {
  if (r.bounded) return false;
  const branches = branchesOf(r);
  return branches.length === 1 && !branches[0]!.crash && !branches[0]!.tooComplex;
}

/**
 * Probes sent together through linewise pipelines (`isLinewise`): whether every probe's lines end up as
 * {@link checkOthers} would accept them probe by probe. Only a plain outcome counts (one branch,
 * no crash, no pattern too complex, no simulation cut short); otherwise, or at the first
 * difference, the caller checks probe by probe, which also words the failure.
 */
function sameOneByOne({ before, after }: Check, relaxed: boolean): boolean {
  if (!plain(before) || !plain(after)) return false;
  const bb = branchesOf(before);
  const ab = branchesOf(after);
  const byProbe = (r: SimResult): Map<string, string[]> | undefined => {
    const out = new Map<string, string[]>();
    for (const l of r.lines) {
      if (l.origin === undefined) return undefined;
      const list = out.get(l.origin);
      if (list) list.push(l.value);
      else out.set(l.origin, [l.value]);
    }
    return out;
  };
  const pb = byProbe(bb[0]!);
  const pa = byProbe(ab[0]!);
  if (!pb || !pa || pb.size !== pa.size) return false;
  for (const [probe, vb] of pb) {
    const va = pa.get(probe);
    if (!va || va.length !== vb.length) return false;
    for (let i = 0; i < vb.length; i++) if (vb[i] !== va[i] && !(relaxed && keepsSecurity(vb[i]!, va[i]!))) return false;
  }
  return true;
}

function checkOthers(responses: readonly (readonly string[])[], run: Runner, relaxed: boolean, xsrfNames: ReadonlySet<string>): string | undefined {
  const isXsrf = (value: string) => xsrfNames.has(parseSetCookie(value).name);
  for (const values of responses) {
    const { before, after, where } = run(values);
    const bb = branchesOf(before);
    const ab = branchesOf(after);
    if (bb.some((b) => b.crash) !== ab.some((b) => b.crash)) return `the edit changes whether the server answers at ${where}`;
    if ([...bb, ...ab].some((b) => b.tooComplex)) return `a pattern is too complex to evaluate at ${where}`;
    const others = (r: SimResult) => r.lines.filter((l) => !isXsrf(l.origin ?? l.value));
    if (bb.length !== 1 || ab.length !== 1) {
      // Several outcomes (request-dependent conditions): compare them as sets.
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
  exempt: ReadonlySet<string>,
  fromFix: (op: CookieOp, cause: Span) => boolean,
  relaxed: boolean,
  batched: boolean,
): string | undefined {
  if (batched) {
    // Linewise pipelines: every sample in one response; with one plain outcome each sample's
    // line is judged as alone, in the same order (so the same first failure).
    const { before, after, where } = run(samples.map((s) => s.sample));
    if (plain(before) && plain(after)) {
      for (const { name, sample } of samples) {
        const failure = checkXsrfLine(name, sample, lineFor(before, sample), lineFor(after, sample), where, exempt, fromFix, relaxed);
        if (failure) return failure;
      }
      return undefined;
    }
  }
  for (const { name, sample } of samples) {
    const { before, after, where } = run([sample]);
    const bb = branchesOf(before);
    const ab = branchesOf(after);
    if (bb.some((b) => b.crash) !== ab.some((b) => b.crash)) return `the edit changes whether the server answers at ${where}`;
    if ([...bb, ...ab].some((b) => b.tooComplex)) return `a pattern is too complex to evaluate at ${where}`;
    if (bb.length !== 1 || ab.length !== 1) {
      // Several outcomes: compare them as sets, and no outcome may still gain HttpOnly from the edit.
      const text = (r: SimResult) => {
        const l = lineFor(r, sample);
        if (!l) return '\u0000absent';
        return exempt.has(name) ? canonicalCookie(l.value, ['httponly']) : l.value;
      };
      if (!sameSet(outcomeSet(before, text), outcomeSet(after, text)) && !relaxed) {
        return `the edit changes ${exempt.has(name) ? 'more than HttpOnly on ' : ''}${name} for some requests at ${where}`;
      }
      const stillGains = ab.some((r) => {
        const l = lineFor(r, sample);
        return l !== undefined && parseSetCookie(l.value).name === name && httpOnlyGains(l).some((c) => fromFix(c.op, c.cause));
      });
      if (!hasHttpOnly(sample) && exempt.has(name) && stillGains) return `${name} still gets HttpOnly from the edited directive at ${where}`;
      continue;
    }
    const failure = checkXsrfLine(name, sample, lineFor(before, sample), lineFor(after, sample), where, exempt, fromFix, relaxed);
    if (failure) return failure;
  }
  return undefined;
}

/** One CSRF sample with one outcome: its line before and after the edit. */
function checkXsrfLine(
  name: string,
  sample: string,
  bl: SetCookieLine | undefined,
  al: SetCookieLine | undefined,
  where: string,
  exempt: ReadonlySet<string>,
  fromFix: (op: CookieOp, cause: Span) => boolean,
  relaxed: boolean,
): string | undefined {
  if (!bl || !al) return bl !== al ? `the edit changes whether ${name} is sent at ${where}` : undefined;
  if (!exempt.has(name)) {
    return bl.value !== al.value && !(relaxed && keepsSecurity(bl.value, al.value)) ? `the edit changes ${name}, which it should not touch, at ${where}` : undefined;
  }
  const same = relaxed ? keepsSecurity(bl.value, al.value, ['httponly']) : canonicalCookie(bl.value, ['httponly']) === canonicalCookie(al.value, ['httponly']);
  if (!same) return `the edit changes more than HttpOnly on ${name} at ${where}: ${JSON.stringify(bl.value)} became ${JSON.stringify(al.value)}`;
  if (!hasHttpOnly(sample) && httpOnlyGains(al).some((c) => fromFix(c.op, c.cause))) return `${name} still gets HttpOnly from the edited directive at ${where}`;
  return undefined;
}

/** A finding's fix request, as the engine resolves it. */
export interface FixJob {
  readonly options: readonly FixCandidate[];
  readonly exempt: readonly string[];
}

/**
 * Proves the first candidate of every job together; a failing batch is split in halves until
 * the failures are single jobs, which then try their other candidates one by one. Returns, per
 * job, the proven candidate or why none holds.
 */
/**
 * The proof a fix's edits hold in: fixes proven in one batch hold together; fixes proven apart
 * (different exemptions, a batch split in halves) hold together only where their proofs could
 * not see each other's edits: each ran on its own units of the configuration (narrow.ts), and
 * those units are disjoint. The fix loop applies together only such fixes (src/engine/fix.ts) and
 * proves the others again on the text that results.
 */
export interface ProofGroup {
  /** The units the proof kept (narrow.ts), or undefined: it ran on the whole configuration. */
  readonly units?: ReadonlySet<string>;
}

/**
 * Where a fix was proven: its proof, and the units of that proof its own edits are in. A fix
 * edits directives inside its unit, and units do not act on each other's scopes (narrow.ts checks
 * that blanking the others keeps every scope as it is), so a proof's verdict on a unit depends on
 * the fixes in that unit only: in each unit, the fixes of one proof hold together, whatever other
 * proofs' fixes do in other units.
 */
export interface ProvenIn {
  readonly group: ProofGroup;
  /** Undefined when the proof ran on the whole configuration. */
  readonly units?: readonly string[];
}

/** Keyed by the edits array the lint message carries. */
const proofGroups = new WeakMap<readonly TextEdit[], ProvenIn>();

/** The proof a fix's edits were proven in, and their units there (see {@link ProvenIn}). */
export function provenIn(edits: readonly TextEdit[]): ProvenIn | undefined {
  return proofGroups.get(edits);
}

const groupOf = (proof: ProofResult & { ok: true }): ProofGroup => (proof.units ? { units: new Set(proof.units) } : {});

/** Records that `edits` hold in `group`, with the units they are in when the proof was narrowed. */
function record(ctx: ProofContext, edits: readonly TextEdit[], group: ProofGroup): void {
  const units = group.units ? ctx.unitsOf?.(edits) : undefined;
  proofGroups.set(edits, units ? { group, units } : { group });
}

/**
 * Proves each job's first candidate that holds, batching jobs with the same exemptions. `joint`
 * (the fix loop, which applies what it is given together): fixes proven in different batches are
 * then proven once more all together, each cookie exempt only in the scopes of a fix that exempts
 * it, so that the loop can apply them in one pass.
 */
export function proveJobs(ctx: ProofContext, jobs: readonly FixJob[], joint = false): (FixCandidate | string)[] {
  const outcome: (FixCandidate | string)[] = jobs.map(() => 'no candidate edit');
  /** The scopes each proven job's proof changed. */
  const changedBy = new Map<number, ReadonlySet<string>>();
  const overlapping = (indices: readonly number[]) => {
    const taken = new EditSet();
    return indices.some((i) => !taken.tryAdd(jobs[i]!.options[0]!.edits));
  };
  const single = (i: number) => {
    const job = jobs[i]!;
    for (const candidate of job.options) {
      const proof = proveTogether(ctx, [{ candidate, exempt: job.exempt }]);
      if (proof.ok) {
        outcome[i] = candidate;
        record(ctx, candidate.edits, groupOf(proof));
        changedBy.set(i, new Set(proof.changed));
        return;
      }
      outcome[i] = proof.reason;
    }
  };
  const batch = (indices: readonly number[]) => {
    if (indices.length === 0) return;
    if (indices.length === 1) return single(indices[0]!);
    if (!overlapping(indices)) {
      const proof = proveTogether(ctx, indices.map((i) => ({ candidate: jobs[i]!.options[0]!, exempt: jobs[i]!.exempt })));
      if (proof.ok) {
        const group = groupOf(proof);
        const changed = new Set(proof.changed);
        for (const i of indices) {
          outcome[i] = jobs[i]!.options[0]!;
          record(ctx, jobs[i]!.options[0]!.edits, group);
          changedBy.set(i, changed);
        }
        return;
      }
    }
    const mid = indices.length >> 1;
    batch(indices.slice(0, mid));
    batch(indices.slice(mid));
  };
  // A batch is proven against the union of its exemptions, so only fixes that exempt the same
  // cookies are proven together (product-aware fixes exempt different cookies per scope): a
  // cookie exempt in one scope must not be excused in another.
  const byExempt = new Map<string, number[]>();
  for (const [i, job] of jobs.entries()) {
    if (job.options.length === 0) continue;
    const key = [...job.exempt].sort().join('\u0000');
    const list = byExempt.get(key);
    if (list) list.push(i);
    else byExempt.set(key, [i]);
  }
  for (const indices of byExempt.values()) batch(indices);
  if (joint) proveAllTogether(ctx, jobs, outcome, changedBy);
  return outcome;
}

/**
 * Fixes proven in several batches, proven together (see {@link proveJobs}): those in the units
 * where fixes of different batches meet (all of them when a batch ran on the whole
 * configuration), which then hold together there. Elsewhere each unit's fixes come from one
 * batch and hold as proven ({@link ProvenIn}).
 */
function proveAllTogether(ctx: ProofContext, jobs: readonly FixJob[], outcome: readonly (FixCandidate | string)[], changedBy: ReadonlyMap<number, ReadonlySet<string>>): void {
  const proven = [...changedBy.keys()];
  const candidateOf = (i: number) => outcome[i] as FixCandidate;
  const where = (i: number) => proofGroups.get(candidateOf(i).edits)!;
  if (new Set(proven.map((i) => where(i).group)).size < 2) return;
  // The units where batches meet, and every unit of a fix in one (a fix may span two units).
  let joint = proven;
  if (proven.every((i) => where(i).units)) {
    const groupsIn = new Map<string, Set<ProofGroup>>();
    for (const i of proven) for (const u of where(i).units!) groupsIn.set(u, (groupsIn.get(u) ?? new Set()).add(where(i).group));
    const met = new Set([...groupsIn].filter(([, groups]) => groups.size > 1).map(([u]) => u));
    for (let grew = true; grew; ) {
      grew = false;
      for (const i of proven) {
        const units = where(i).units!;
        if (units.some((u) => met.has(u)) && units.some((u) => !met.has(u))) {
          for (const u of units) met.add(u);
          grew = true;
        }
      }
    }
    joint = proven.filter((i) => where(i).units!.some((u) => met.has(u)));
    if (joint.length === 0) return;
  }
  const taken = new EditSet();
  if (joint.some((i) => !taken.tryAdd(candidateOf(i).edits))) return;
  const proof = proveTogether(ctx, joint.map((i) => ({ candidate: candidateOf(i), exempt: jobs[i]!.exempt, scopes: changedBy.get(i)! })));
  if (!proof.ok) return;
  const group = groupOf(proof);
  for (const i of joint) record(ctx, candidateOf(i).edits, group);
}
