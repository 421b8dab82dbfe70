/**
 * Representative Set-Cookie headers. Verdicts come from running these through a pipeline, so
 * they cover the shapes real backends send: with and without Path (nginx's path rewrites only
 * touch cookies that have one), sub-paths (the path hack corrupts them), lower-case attribute
 * names, Expires dates with commas, flags already present.
 */
import type { CookieCatalog } from './catalog.js';

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

export function samplesFor(name: string, options: { withHttpOnly?: boolean; attributes?: readonly string[] } = {}): string[] {
  const shapes = options.withHttpOnly ? [...SHAPES, ...HTTPONLY_SHAPES] : SHAPES;
  const extra = (options.attributes ?? []).map((a, i) => `NAME=lpcp${i}; ${a}`);
  return [...shapes, ...extra].map((s) => s.replace('NAME', name));
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
  const names = [...catalog.session.map((c) => c.name), ...lookalikeNames(catalog), 'lpc_probe', 'a', 'Z9'];
  return [...new Set(names)].filter((n) => !xsrfLower.has(n.toLowerCase()));
}
