/**
 * What nginx's proxy module does to each upstream Set-Cookie line
 * (`ngx_http_upstream_rewrite_set_cookie` → `ngx_http_proxy_rewrite_cookie`, only installed by
 * `ngx_http_proxy_handler`, i.e. for `proxy_pass`; proxy-semantics.md §2.1–2.3), with the
 * effective `proxy_cookie_domain`, `proxy_cookie_path` and `proxy_cookie_flags` arrays of one
 * location as ONE operation: nginx parses the value once, rewrites domain and path attributes
 * (first matching entry each), then applies the first matching flags entry, and re-serializes
 * only if something matched. Splitting them into separate operations would re-parse the
 * injected `; HTTPOnly` of a path rewrite as an attribute, which nginx does not.
 *
 * Before 1.19.3 (no `proxy_cookie_flags`), path and domain are rewritten in place
 * (nginx-cookie-rewrite.ts `legacyRewrite`).
 *
 * The arguments are complex values nginx evaluates per request. An op carries the values of the
 * variables the dialect knows for the requests it stands for ({@link NginxProxyCookieOp.bindings},
 * with the {@link Condition} that selects those requests); the other variables stay as written.
 */
import { asciiCaseEqual } from '../../ascii.js';
import type { Span } from '../../source.js';
import { regexKey, semanticKey, type KeyPart } from '../signature.js';
import type { BackendKind } from '../backends.js';
import type { Condition, CookieOp, SetCookieLine, SimEnv } from '../header-rewrite.js';
import { changeLine } from '../set-cookie.js';
import { parseNginxCookie, serializeNginxCookie, type NginxCookieAttr } from './nginx-cookie-attrs.js';
import { editCookieFlags, flagBits } from './nginx-cookie-flags.js';
import { legacyRewrite, rewriteFirst, type MatchesAll, type NginxRewriteEntry } from './nginx-cookie-rewrite.js';
import { execNginx } from './nginx-regex.js';
import { requestKey, withRequest, type RequestVariables } from './nginx-request-vars.js';
import { readsCookies } from './nginx-response-vars.js';
import { runScript, scriptKey, scriptVariables, type Script, type VariableLookup } from './nginx-script.js';
import type { CompiledRegex } from '../../regex/index.js';

export interface NginxFlagWord {
  readonly span: Span;
  /** As nginx sees it after unescaping (variables kept as written). */
  readonly script: Script;
}

export interface NginxFlagsEntry {
  readonly directive: 'proxy_cookie_flags';
  readonly span: Span;
  readonly label: string;
  /** The cookie selector argument. */
  readonly focus: Span;
  readonly selector: { readonly kind: 'literal'; readonly script: Script } | { readonly kind: 'regex'; readonly source: string; readonly regex: CompiledRegex };
  readonly flags: readonly NginxFlagWord[];
}

export type NginxCookieEntry = NginxRewriteEntry | NginxFlagsEntry;

export interface NginxProxyCookieInit {
  readonly domains: readonly NginxRewriteEntry[] | null;
  readonly paths: readonly NginxRewriteEntry[] | null;
  readonly flags: readonly NginxFlagsEntry[] | null;
  /** nginx < 1.19.3. */
  readonly legacy: boolean;
  /** Values of variables the entries read, for the requests this op stands for (lower-cased names). */
  readonly bindings?: ReadonlyMap<string, string>;
  /** The requests this op stands for (a variable having the values in {@link bindings}); null: every request. */
  readonly condition?: Condition | null;
  /** The request the entries' request variables read (nginx-request-vars.ts). */
  readonly request?: RequestVariables;
}

/**
 * The bits of a flags entry as evaluated for a request (unknown words contribute nothing). Each
 * word is one complex value, evaluated and then compared whole: a variable holding
 * "httponly secure" is one unknown word.
 */
export function entryBits(entry: NginxFlagsEntry, vars?: VariableLookup): number {
  let bits = 0;
  for (const w of entry.flags) {
    bits |= flagBits(runScript(w.script, '', [], vars)) ?? 0;
  }
  return bits;
}

/** Whether a flags entry selects the cookie `name` (`ngx_http_proxy_rewrite_cookie_flags`). */
export function flagsEntryMatches(entry: NginxFlagsEntry, name: string, vars?: VariableLookup, matchesAll?: MatchesAll): boolean {
  if (entry.selector.kind === 'regex') return execNginx(entry.selector.regex, name) !== null;
  return (matchesAll?.(entry.selector.script) ?? false) || asciiCaseEqual(runScript(entry.selector.script, '', [], vars), name);
}

/** The complex values of entries: literal selectors and patterns, flag words, replacements. */
export function entryScripts(entries: readonly NginxCookieEntry[]): Script[] {
  return entries.flatMap(scriptsOfEntry);
}

function scriptsOfEntry(e: NginxCookieEntry): Script[] {
  return e.directive === 'proxy_cookie_flags'
    ? [...(e.selector.kind === 'literal' ? [e.selector.script] : []), ...e.flags.map((w) => w.script)]
    : [...(e.pattern.kind === 'literal' ? [e.pattern.script] : []), e.replacement];
}

// An entry is inherited by every location below its level: what the ops made of it ask of it is
// worked out once per entry, not once per op.
const variablesOfEntry = new WeakMap<NginxCookieEntry, readonly string[]>();
const probeAttributesOfEntry = new WeakMap<NginxCookieEntry, readonly string[]>();

/** The variables an entry's complex values read (lower-cased, each once). */
export function entryVariables(e: NginxCookieEntry): readonly string[] {
  let names = variablesOfEntry.get(e);
  if (!names) {
    const found = new Set<string>();
    for (const s of scriptsOfEntry(e)) for (const n of scriptVariables(s)) found.add(n);
    variablesOfEntry.set(e, (names = [...found]));
  }
  return names;
}

/** Whether some entry reads a variable `bindings` does not give and that is no cookie of the response (nginx-request-vars.ts `freeVariables`). */
export function entriesReadFree(entries: readonly NginxCookieEntry[], bindings: ReadonlyMap<string, string>): boolean {
  return entries.some((e) => entryVariables(e).some((name) => !bindings.has(name) && !readsCookies(name)));
}

/** The attributes an entry's probes carry (see NginxProxyCookieOp.probeAttributes). */
function entryProbeAttributes(e: NginxCookieEntry): readonly string[] {
  let attrs = probeAttributesOfEntry.get(e);
  if (!attrs) {
    probeAttributesOfEntry.set(
      e,
      (attrs = entryProbes(e)
        .map((p) => p.slice(p.indexOf(';') + 1).trim())
        .flatMap((a) => [a, a.replace(/; Secure$/, '')])
        .filter((a) => a !== 'Path=/')),
    );
  }
  return attrs;
}

const entrySignatures = new WeakMap<NginxCookieEntry, string>();

/** An entry's behaviour (directive, pattern, replacement or flags), computed once per entry. */
function entrySignature(entry: NginxCookieEntry): string {
  let signature = entrySignatures.get(entry);
  if (signature === undefined) {
    let key: KeyPart;
    if (entry.directive === 'proxy_cookie_flags') {
      const s = entry.selector;
      key = [entry.directive, s.kind === 'regex' ? ['re', s.source, regexKey(s.regex)] : ['lit', scriptKey(s.script)], entry.flags.map((f) => scriptKey(f.script))];
    } else {
      const p = entry.pattern;
      key = [entry.directive, p.kind === 'regex' ? ['re', p.source, regexKey(p.regex), p.caseless] : ['lit', scriptKey(p.script)], scriptKey(entry.replacement)];
    }
    entrySignatures.set(entry, (signature = semanticKey(key)));
  }
  return signature;
}

export interface NginxProxyCookieOp extends CookieOp {
  readonly kind: 'nginx-proxy-cookie';
  readonly dialect: 'nginx';
  readonly focus: Span;
  readonly domains: readonly NginxRewriteEntry[] | null;
  readonly paths: readonly NginxRewriteEntry[] | null;
  /** `null` when legacy (nginx < 1.19.3 has no `proxy_cookie_flags`). */
  readonly flags: readonly NginxFlagsEntry[] | null;
  readonly legacy: boolean;
  /** Every entry, in source order. */
  readonly entries: readonly NginxCookieEntry[];
  readonly probeAttributes: readonly string[];
  /** The variable values this op evaluates its entries with (empty: every variable as written). */
  readonly bindings: ReadonlyMap<string, string>;
}

export function nginxProxyCookieOp(init: NginxProxyCookieInit): NginxProxyCookieOp {
  const { domains, paths, legacy } = init;
  const flags = legacy ? null : init.flags;
  const entries = [...(domains ?? []), ...(paths ?? []), ...(flags ?? [])].sort(
    (a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start - b.span.start),
  );
  const first = entries[0];
  const span = first?.span ?? { file: '', start: 0, end: 0 };
  const reaches: readonly BackendKind[] = ['http'];
  const bindings = init.bindings ?? new Map<string, string>();
  const free = entriesReadFree(entries, bindings);
  // A literal pattern reading variables no binding gives, when the request may give them any value.
  const reading = (all: boolean): MatchesAll | undefined => (all ? (script) => scriptVariables(script).some((n) => !bindings.has(n)) : undefined);

  const applyLegacy = (line: SetCookieLine, vars: VariableLookup, matchesAll?: MatchesAll): void => {
    const r = legacyRewrite(line.value, domains, paths, vars, matchesAll);
    if (r) changeLine(line, op, r.causes[0]!.span, r.value);
  };

  const applyCurrent = (line: SetCookieLine, vars: VariableLookup, matchesAll?: MatchesAll): void => {
    const attrs = parseNginxCookie(line.value);
    // `attr[0].value.data == NULL`: a first pair without `=` is left alone. Nothing matched: the
    // line is sent as it came (no re-serialization).
    if (attrs[0]!.value === null) return;
    const stage = (attr: string, entries: readonly NginxRewriteEntry[] | null) => {
      if (!entries) return;
      let cause: NginxRewriteEntry | undefined;
      for (let i = 1; i < attrs.length; i++) {
        const a = attrs[i]!;
        if (a.value === null || a.key === null || !asciiCaseEqual(a.key, attr)) continue;
        const r = rewriteFirst(entries, a.value, vars, matchesAll);
        if (!r) continue;
        a.value = r.value;
        cause ??= r.entry;
      }
      // The value nginx would send if nothing else happened, recorded for provenance.
      if (cause) changeLine(line, op, cause.span, serializeNginxCookie(attrs));
    };
    stage('domain', domains);
    stage('path', paths);
    // Parsing never yields a null key (only a flag edit deletes one), so the name is a string.
    const entry = op.flags?.find((e) => flagsEntryMatches(e, attrs[0]!.key!, vars, matchesAll));
    if (!entry) return;
    const bits = entryBits(entry, vars);
    if (bits !== 0) {
      editCookieFlags(attrs as NginxCookieAttr[], bits);
      changeLine(line, op, entry.span, serializeNginxCookie(attrs));
    }
  };

  const op: NginxProxyCookieOp = {
    kind: 'nginx-proxy-cookie',
    dialect: 'nginx',
    span,
    label: entries.length === 1 ? first!.label : `proxy_cookie_* (${entries.length} directives)`,
    focus: first?.focus ?? span,
    condition: init.condition ?? null,
    reaches,
    parts: entries.map((e) => ({ span: e.span, label: e.label, focus: e.focus })),
    domains,
    paths,
    flags,
    legacy,
    entries,
    // Locations share their inherited entries: sign each entry once, then compose. The variable
    // values change what the same entries do, so they belong to the key.
    signature: `nginx-proxy-cookie\u0000${legacy}\u0000${entries.map(entrySignature).join('\u0001')}${bindings.size > 0 ? `\u0000${semanticKey([...bindings].sort(([a], [b]) => (a < b ? -1 : 1)))}` : ''}${free ? `\u0000${requestKey(init.request, free)}` : ''}`,
    bindings,
    // nginx rewrites each Set-Cookie header on its own (ngx_http_proxy_rewrite_cookie, per header);
    // with no variable in any entry nothing else of the request or response is read.
    ...(entries.every((e) => entryVariables(e).length === 0) ? { linewise: true as const } : {}),
    // The paths and domains the entries rewrite, with Secure and without: a fix that moves a flag
    // out of a path rewrite must keep it on the cookies that had none.
    probeAttributes: [...new Set(entries.flatMap(entryProbeAttributes))],
    apply(lines: SetCookieLine[], env: SimEnv): void {
      const source = entries.map((e) => e.label).join(' ');
      withRequest(init.request, free, lines, env, source, (lines, request, all) => {
        const vars: VariableLookup = (name) => bindings.get(name) ?? request(name);
        for (const line of lines) {
          if (!(reaches as readonly string[]).includes(line.producer)) continue;
          if (legacy) applyLegacy(line, vars, reading(all));
          else applyCurrent(line, vars, reading(all));
        }
      });
    },
  };
  return op;
}

/** The entry of an op a cause span designates. */
export function entryAt(op: NginxProxyCookieOp, cause: Span): NginxCookieEntry | undefined {
  return op.entries.find((e) => e.span.file === cause.file && e.span.start <= cause.start && cause.end <= e.span.end);
}

/** The flags entry nginx uses for a cookie name (first match), or undefined. */
export function flagsEntryFor(op: NginxProxyCookieOp, name: string): NginxFlagsEntry | undefined {
  const vars: VariableLookup = (v) => op.bindings.get(v);
  return op.flags?.find((e) => flagsEntryMatches(e, name, vars));
}

/** This module's own op, told by its kind (the module cannot use ops/index.ts's guard: that imports it). */
function isNginxProxyCookieOp(op: CookieOp): op is NginxProxyCookieOp {
  return op.kind === 'nginx-proxy-cookie';
}

/** Every `proxy_cookie_*` entry of a model once, in source order, with the operations that hold it. */
export function nginxCookieEntries(ops: readonly CookieOp[]): Map<NginxCookieEntry, NginxProxyCookieOp[]> {
  const out = new Map<NginxCookieEntry, NginxProxyCookieOp[]>();
  for (const op of ops) {
    if (!isNginxProxyCookieOp(op)) continue;
    for (const e of op.entries) {
      const list = out.get(e) ?? [];
      list.push(op);
      out.set(e, list);
    }
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start - b.span.start)));
}

/** Set-Cookie values that reach an entry: its own attribute samples, or the cookie it names. */
export function entryProbes(entry: NginxCookieEntry): string[] {
  if (entry.directive !== 'proxy_cookie_flags') {
    return entry.samples.map((v, i) => (entry.directive === 'proxy_cookie_path' ? `session=${i}; Path=${v}; Secure` : `session=${i}; Domain=${v}; Path=/app; Secure`));
  }
  return entry.selector.kind === 'literal' && !entry.selector.script.dynamic ? [`${entry.selector.script.source}=lpc; Path=/`] : [];
}
