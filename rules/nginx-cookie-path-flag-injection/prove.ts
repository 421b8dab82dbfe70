/**
 * Proof for replacing attribute injection through proxy_cookie_path/domain by proxy_cookie_flags.
 * The fix deliberately changes bytes (it stops corrupting sub-path cookies, stops duplicating
 * flags and reaches cookies without a Path), so the proof is about what browsers keep: after the
 * edit, every cookie keeps its name, value and every security flag it ended up with before —
 * except HttpOnly on the XSRF cookies, which the edited text must not add — and no
 * `proxy_cookie_path/domain` adds attributes any more.
 */
import type { CookieCatalog } from '../../src/cookies/catalog.js';
import { nonXsrfProbeNames, samplesFor } from '../../src/cookies/samples.js';
import type { TextEdit } from '../../src/engine/edits.js';
import type { Simulator } from '../../src/engine/rule.js';
import { createSimulator } from '../../src/engine/simulator.js';
import type { HeaderRewriteModel, SetCookieLine } from '../../src/model/header-rewrite.js';
import { httpOnlyGains } from '../../src/model/provenance.js';
import { hasAttribute, hasHttpOnly, parseSetCookie } from '../../src/model/set-cookie.js';
import type { Span } from '../../src/source.js';
import { entryProbes, NginxProxyCookieOp } from '../../src/model/ops/nginx-proxy-cookie.js';
import { injectsAttributes } from './injection.js';

export type Proof = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The ranges of the edited text that the edits wrote. */
function writtenRegions(edits: readonly TextEdit[]): Span[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let shift = 0;
  return sorted.map((e) => {
    const start = e.start + shift;
    shift += e.text.length - (e.end - e.start);
    return { file: e.file, start, end: start + e.text.length };
  });
}

const severe = (m: HeaderRewriteModel) => m.problems.filter((p) => p.ruleId === null || p.ruleId === 'directive-invalid').length;

function sameSite(v: string): string | undefined {
  return parseSetCookie(v).attributes.find((a) => a.name.toLowerCase() === 'samesite')?.value?.toLowerCase();
}

function compare(name: string, xsrf: boolean, sample: string, b: SetCookieLine, a: SetCookieLine, fromFix: (s: Span) => boolean): string | undefined {
  const pb = parseSetCookie(b.value);
  const pa = parseSetCookie(a.value);
  if (pa.name !== pb.name || pa.value !== pb.value) return `${JSON.stringify(b.value)} became ${JSON.stringify(a.value)}`;
  if (hasAttribute(b.value, 'secure') && !hasAttribute(a.value, 'secure')) return `${name} loses Secure`;
  if (sameSite(b.value) !== undefined && sameSite(a.value) !== sameSite(b.value)) return `${name} changes SameSite`;
  if (!xsrf && hasHttpOnly(b.value) && !hasHttpOnly(a.value)) return `${name} loses HttpOnly`;
  if (xsrf && !hasHttpOnly(sample) && httpOnlyGains(a).some((c) => fromFix(c.cause))) return `${name} gets HttpOnly from the new directives`;
  if (a.history.some((c) => injectsAttributes(c))) return `${JSON.stringify(sample)} still gets attributes injected through its path or domain`;
  return undefined;
}

export function proveInjectionFix(before: HeaderRewriteModel, after: HeaderRewriteModel, beforeSim: Simulator, catalog: CookieCatalog, edits: readonly TextEdit[]): Proof {
  if (severe(after) > severe(before)) return { ok: false, reason: 'the edited configuration no longer parses cleanly' };
  if (after.endpoints.length !== before.endpoints.length || after.endpoints.some((e, i) => e.label !== before.endpoints[i]!.label)) {
    return { ok: false, reason: 'the edit changes the structure of the configuration' };
  }
  const regions = writtenRegions(edits);
  const fromFix = (s: Span) => regions.some((r) => r.file === s.file && s.start <= r.end && r.start <= s.end);
  const afterSim = createSimulator(after.dialect);
  const xsrf = new Set(catalog.xsrf.map((c) => c.name));
  const names = [...xsrf, ...nonXsrfProbeNames(catalog)];
  // Values that reach the rewrites themselves (a domain the catalog shapes never carry).
  const own = [...new Set(before.ops.flatMap((op) => (op instanceof NginxProxyCookieOp ? op.entries.flatMap(entryProbes) : [])))];
  for (let i = 0; i < before.endpoints.length; i++) {
    const b = before.endpoints[i]!;
    const a = after.endpoints[i]!;
    if (b.possibleBackends.join() !== a.possibleBackends.join()) return { ok: false, reason: `the edit changes which backends ${b.label} reaches` };
    for (const kind of b.possibleBackends) {
      for (const name of names) {
        for (const sample of [...samplesFor(name, { withHttpOnly: true }), ...own.map((p) => p.replace(/^session=/, `${name}=`))]) {
          const rb = beforeSim.run(b.pipeline, kind, [sample]);
          const ra = afterSim.run(a.pipeline, kind, [sample]);
          if (rb.crash || ra.crash || rb.tooComplex || ra.tooComplex) return { ok: false, reason: `a pattern cannot be evaluated at ${b.label}` };
          const lb = rb.lines.find((l) => l.origin === sample);
          const la = ra.lines.find((l) => l.origin === sample);
          if (!lb || !la) {
            if (lb !== la) return { ok: false, reason: `the edit changes whether ${name} is sent at ${b.label}` };
            continue;
          }
          const failure = compare(name, xsrf.has(name), sample, lb, la, fromFix);
          if (failure) return { ok: false, reason: `${failure} at ${b.label} (${kind})` };
        }
      }
    }
  }
  return { ok: true };
}
