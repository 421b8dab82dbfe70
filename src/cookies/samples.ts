/**
 * Representative Set-Cookie headers. Verdicts come from running these through a pipeline, so
 * they cover the shapes real backends send: with and without Path (nginx's path rewrites only
 * touch cookies that have one), sub-paths (the path hack corrupts them), lower-case attribute
 * names, Expires dates with commas, flags already present.
 */
import type { CookieCatalog } from './catalog.js';

/**
 * Every sample response used anywhere lives here: verdicts, fix proofs, `simulate`, the editor's
 * hover and the rules that judge one directive all draw on these, so a shape added here reaches
 * every one of them.
 */

/** A session cookie, as a login sets it beside the CSRF token. */
export const SESSION_SAMPLE = 'JSESSIONID=s1; Path=/';

/**
 * A cookie no catalog names: what a proof or a rule watches to see a directive touch cookies
 * it should leave alone. Names starting with `lpc_` never appear in messages.
 */
export const PROBE_SAMPLE = 'lpc_probe=1';

/** What `simulate` and the editor's hover trace when no cookie is given: a session cookie and each CSRF cookie. */
export function defaultResponse(catalog: CookieCatalog): string[] {
  return [SESSION_SAMPLE, ...catalog.xsrf.map((c) => `${c.name}=t1; Path=/`)];
}

/** Sample responses one directive is judged on: a session cookie with each CSRF cookie, and a bare PHP session. */
export function directiveResponses(xsrfNames: readonly string[]): string[][] {
  return [
    [`${SESSION_SAMPLE}; Secure`, PROBE_SAMPLE],
    ...xsrfNames.map((n) => [SESSION_SAMPLE, `${n}=t1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT`]),
    ['PHPSESSID=p1'],
  ];
}

/** Two session cookies: what `Header merge`/`append` joins into one line. */
export function pairResponse(token: string): string[] {
  return [SESSION_SAMPLE, `${token}=t1; Path=/`];
}

/**
 * Two unrelated sets of backend cookies: a step that leaves the same lines of its own after both
 * wrote its own cookie over the backend's.
 */
export function contrastingResponses(token: string): readonly [string[], string[]] {
  return [
    [SESSION_SAMPLE, `${token}=t1; Path=/`, `${PROBE_SAMPLE}; Path=/app`],
    ['PHPSESSID=p2; Path=/', 'lpc_other=o2', `${token}=t2; Path=/x; Secure`],
  ];
}

/** A session cookie with each Path and Domain shape nginx's path and domain rewrites treat differently. */
export const PATH_SHAPES: readonly string[] = ['session=1; Path=/app; Secure', 'session=2; Path=/', 'session=3; Domain=app.example.com; Path=/app/', 'session=4'];

/** The shapes, with `NAME` standing for the cookie name. */
const SHAPES: readonly string[] = [
  'NAME=lpc1; Path=/',
  'NAME=lpc2',
  'NAME=lpc3; Path=/app; Secure',
  'NAME=lpc4; path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; SameSite=Lax',
  'NAME=lpc5; Domain=example.com; Path=/; Secure; SameSite=Strict',
  'NAME=lpc6;Path=/;Max-Age=3600',
];

/** Shapes that already carry HttpOnly: a rewrite must treat them exactly as before too. */
const HTTPONLY_SHAPES: readonly string[] = ['NAME=lpc7; Path=/; HttpOnly', 'NAME=lpc8; path=/app; secure; httponly'];

/**
 * The samples made so far, by name and options: every rule and every scope of every file asks for
 * the same few, and the simulator's memo looks each one up by its text (a string made once is
 * hashed once).
 */
const madeSamples = new Map<string, readonly string[]>();
const MADE_SAMPLES_LIMIT = 4096;

export function samplesFor(name: string, options: { withHttpOnly?: boolean; attributes?: readonly string[] } = {}): readonly string[] {
  const attributes = options.attributes ?? [];
  const key = `${options.withHttpOnly ? 1 : 0}${attributes.length === 0 ? '' : JSON.stringify(attributes)}\u0000${name}`;
  let samples = madeSamples.get(key);
  if (!samples) {
    const shapes = options.withHttpOnly ? [...SHAPES, ...HTTPONLY_SHAPES] : SHAPES;
    const extra = attributes.map((a, i) => `NAME=lpcp${i}; ${a}`);
    samples = Object.freeze([...shapes, ...extra].map((s) => s.replace('NAME', name)));
    if (madeSamples.size >= MADE_SAMPLES_LIMIT) madeSamples.clear();
    madeSamples.set(key, samples);
  }
  return samples;
}

/** The attributes the pipeline's ops ask to be probed with (see `CookieOp.probeAttributes`). */
export function probeAttributesOf(pipeline: readonly { readonly probeAttributes?: readonly string[] }[]): string[] {
  return [...new Set(pipeline.flatMap((op) => op.probeAttributes ?? []))];
}

/**
 * Cookie names that are NOT XSRF cookies but look like them: a fix must treat these exactly as
 * before. Names that equal an XSRF name case-insensitively are left out on purpose: servers that
 * compare names caselessly (nginx, IIS) cannot tell them apart, and a case variant of a token
 * cookie is a token cookie too.
 */
const lookalikes = new WeakMap<CookieCatalog, string[]>();

export function lookalikeNames(catalog: CookieCatalog): string[] {
  let names = lookalikes.get(catalog);
  if (!names) lookalikes.set(catalog, (names = computeLookalikes(catalog)));
  return names;
}

function computeLookalikes(catalog: CookieCatalog): string[] {
  const xsrfLower = new Set(catalog.xsrf.map((c) => c.name.toLowerCase()));
  const out = new Set<string>();
  for (const { name } of catalog.xsrf) {
    for (const n of [`${name}2`, `x${name}`, `${name}.other`, `${name}_`, name.replace(/\./g, 'x')]) {
      if (!xsrfLower.has(n.toLowerCase())) out.add(n);
    }
  }
  return [...out];
}

/** Non-XSRF cookie names a fix proof runs: the catalog's sessions, look-alikes and plain names. */
export function nonXsrfProbeNames(catalog: CookieCatalog): string[] {
  const xsrfLower = new Set(catalog.xsrf.map((c) => c.name.toLowerCase()));
  const names = [...catalog.session.map((c) => c.name), ...lookalikeNames(catalog), cookieNameOf(PROBE_SAMPLE), 'a', 'Z9'];
  return [...new Set(names)].filter((n) => !xsrfLower.has(n.toLowerCase()));
}

function cookieNameOf(sample: string): string {
  return sample.slice(0, sample.indexOf('='));
}
