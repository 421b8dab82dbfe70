/**
 * The products behind the catalog's CSRF cookies, and what in a configuration shows that one of
 * them sits behind a scope. One entry per product: its CSRF cookies, the words its host names and
 * context paths usually carry, and the ports it listens on out of the box. Extending the catalog
 * means adding an entry here (and its cookie to DEFAULT_XSRF_COOKIES when it is new).
 *
 * Ports are evidence only for HTTP and AJP backends: 9000 is Sentry's web port but also PHP-FPM's
 * FastCGI default, 8080 is Jira's but also many other Tomcats' (a port alone names the product
 * in the message's details, never more than that product's cookies).
 */
import type { BackendKind } from '../model/backends.js';

export interface ProductEntry {
  /** Lower-case id used in `products` settings and inline comments: `jira`. */
  readonly id: string;
  /** Display name: `Jira`. */
  readonly name: string;
  /** The CSRF cookies JavaScript of this product reads. */
  readonly cookies: readonly string[];
  /** Words that name the product in a host name (`jira.example.com`) or a path segment (`/jira`). */
  readonly words: readonly string[];
  /** Ports the product listens on by default (HTTP), as seen in a backend URL. */
  readonly ports: readonly number[];
}

export const PRODUCTS: readonly ProductEntry[] = [
  { id: 'jira', name: 'Jira', cookies: ['atlassian.xsrf.token'], words: ['jira'], ports: [8080] },
  { id: 'confluence', name: 'Confluence', cookies: ['atlassian.xsrf.token'], words: ['confluence'], ports: [8090] },
  { id: 'bitbucket', name: 'Bitbucket', cookies: ['atl.xsrf.token'], words: ['bitbucket', 'stash'], ports: [7990] },
  { id: 'atlassian-cloud', name: 'Atlassian Cloud', cookies: ['atl.xsrf.token'], words: ['atlassian'], ports: [] },
  { id: 'fisheye', name: 'Fisheye', cookies: ['atl.xsrf.token.slash'], words: ['fisheye', 'fecru'], ports: [8060] },
  { id: 'crucible', name: 'Crucible', cookies: ['atl.xsrf.token.slash'], words: ['crucible'], ports: [] },
  { id: 'angular', name: 'Angular', cookies: ['XSRF-TOKEN'], words: ['angular'], ports: [] },
  { id: 'axios', name: 'Axios', cookies: ['XSRF-TOKEN'], words: [], ports: [] },
  { id: 'laravel', name: 'Laravel', cookies: ['XSRF-TOKEN'], words: ['laravel'], ports: [] },
  { id: 'spring-security', name: 'Spring Security', cookies: ['XSRF-TOKEN'], words: ['spring'], ports: [] },
  { id: 'aspnet-core', name: 'ASP.NET Core SPA', cookies: ['XSRF-TOKEN'], words: [], ports: [] },
  { id: 'django', name: 'Django', cookies: ['csrftoken'], words: ['django'], ports: [] },
  { id: 'sentry', name: 'Sentry', cookies: ['sc'], words: ['sentry'], ports: [9000] },
  { id: 'nexus', name: 'Sonatype Nexus', cookies: ['NX-ANTI-CSRF-TOKEN'], words: ['nexus'], ports: [8081] },
];

/** Backend kinds whose URL port says which product listens there. */
export const PORT_EVIDENCE_KINDS: readonly BackendKind[] = ['http', 'ajp'];

/** A product by id (case-insensitive). */
export function findProduct(id: string): ProductEntry | undefined {
  const lower = id.toLowerCase();
  return PRODUCTS.find((p) => p.id === lower);
}

/** Ids a `products` setting accepts, for messages. */
export function productIds(): string[] {
  return PRODUCTS.map((p) => p.id);
}

/** Products whose CSRF cookies include `cookie`. */
export function productsOfCookie(cookie: string): ProductEntry[] {
  return PRODUCTS.filter((p) => p.cookies.includes(cookie));
}

/** The catalog as Markdown table rows, for the rule's README (kept in sync by a test). */
export function productTableRows(): string {
  return PRODUCTS.map((p) => {
    const words = p.words.length > 0 ? p.words.map((w) => `\`${w}\``).join(', ') : '—';
    const ports = p.ports.length > 0 ? p.ports.join(', ') : '—';
    return `| ${p.name} (\`${p.id}\`) | ${p.cookies.map((c) => `\`${c}\``).join(', ')} | ${words} | ${ports} |`;
  }).join('\n');
}
