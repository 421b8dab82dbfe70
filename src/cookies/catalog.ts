/**
 * Which cookies JavaScript must be able to read (CSRF tokens sent back in a header or form field)
 * and which should stay HttpOnly (sessions). Sources: proxy-semantics.md §5. The products behind
 * these cookies, and the evidence that one sits behind a scope, are in products.ts and scope.ts.
 */
import type { ProductSettings } from './selection.js';

export interface CookieEntry {
  readonly name: string;
  /** Products and frameworks that use the name, shown in messages and docs. */
  readonly products: readonly string[];
}

export interface CookieCatalog {
  /** Cookies read by JavaScript: must never gain HttpOnly. */
  readonly xsrf: readonly CookieEntry[];
  /** Session and login cookies: should be HttpOnly (good targets for a blanket rule). */
  readonly session: readonly CookieEntry[];
  /** Which products the user says sit behind the configuration (src/cookies/selection.ts). */
  readonly productSettings?: ProductSettings;
}

export const DEFAULT_XSRF_COOKIES: readonly CookieEntry[] = [
  { name: 'atl.xsrf.token', products: ['Bitbucket', 'Atlassian Cloud'] },
  { name: 'atl.xsrf.token.slash', products: ['Fisheye', 'Crucible'] },
  { name: 'atlassian.xsrf.token', products: ['Jira', 'Confluence'] },
  { name: 'XSRF-TOKEN', products: ['Angular', 'Axios', 'Laravel', 'Spring Security', 'ASP.NET Core SPA'] },
  { name: 'csrftoken', products: ['Django'] },
  { name: 'sc', products: ['Sentry'] },
  { name: 'NX-ANTI-CSRF-TOKEN', products: ['Sonatype Nexus'] },
];

export const DEFAULT_SESSION_COOKIES: readonly CookieEntry[] = [
  { name: 'JSESSIONID', products: ['Java servlet containers', 'Jira', 'Confluence'] },
  { name: 'FESESSIONID', products: ['Fisheye', 'Crucible'] },
  { name: 'seraph.rememberme.cookie', products: ['Jira', 'Confluence'] },
  { name: 'PHPSESSID', products: ['PHP'] },
  { name: 'ASP.NET_SessionId', products: ['ASP.NET'] },
  { name: '.ASPXAUTH', products: ['ASP.NET Forms authentication'] },
  { name: 'laravel_session', products: ['Laravel'] },
  { name: 'sessionid', products: ['Django'] },
  { name: 'NXSESSIONID', products: ['Sonatype Nexus'] },
  { name: 'grafana_session', products: ['Grafana'] },
];

/** The default catalog plus user additions (`--xsrf-cookie`, config `xsrfCookies` / `sessionCookies`). */
export function createCatalog(extraXsrf: readonly string[] = [], extraSession: readonly string[] = [], productSettings?: ProductSettings): CookieCatalog {
  const xsrf = [...DEFAULT_XSRF_COOKIES];
  for (const name of extraXsrf) {
    if (!xsrf.some((c) => c.name === name)) xsrf.push({ name, products: ['configured'] });
  }
  const session = DEFAULT_SESSION_COOKIES.filter((c) => !xsrf.some((x) => x.name === c.name));
  for (const name of extraSession) {
    if (!session.some((c) => c.name === name) && !xsrf.some((c) => c.name === name)) {
      session.push({ name, products: ['configured'] });
    }
  }
  return productSettings ? { xsrf, session, productSettings } : { xsrf, session };
}

/**
 * Names that are both session cookies (meant to stay HttpOnly) and CSRF cookies (meant to stay
 * readable): a configuration mistake. Compared caselessly, as nginx and IIS compare names.
 */
export function overlappingNames(xsrf: readonly string[], session: readonly string[]): { session: string; xsrf: string }[] {
  const all = [...DEFAULT_XSRF_COOKIES.map((c) => c.name), ...xsrf];
  const out: { session: string; xsrf: string }[] = [];
  for (const s of session) {
    const hit = all.find((x) => x.toLowerCase() === s.toLowerCase());
    if (hit !== undefined) out.push({ session: s, xsrf: hit });
  }
  return out;
}

/** Whether `name` is one of the catalog's XSRF cookies (exact, case-sensitive as browsers compare names). */
export function isXsrfCookie(catalog: CookieCatalog, name: string): boolean {
  return catalog.xsrf.some((c) => c.name === name);
}

/** `atl.xsrf.token (Bitbucket, Atlassian Cloud), XSRF-TOKEN (Angular, Axios)` for messages. */
export function describeCookies(catalog: CookieCatalog, names: readonly string[]): string {
  return names
    .map((n) => {
      const entry = catalog.xsrf.find((c) => c.name === n);
      if (!entry || entry.products[0] === 'configured') return n;
      return `${n} (${entry.products.slice(0, 2).join(', ')})`;
    })
    .join(', ');
}
