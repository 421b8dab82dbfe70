/**
 * Which producer answers a request, from the directives that route it (proxy-semantics.md §1.5):
 * mod_proxy URLs by scheme (`ProxyPass`, `ProxyPassMatch`, `<Location> ProxyPass url`,
 * `RewriteRule ... [P]`, `SetHandler "proxy:fcgi://..."`, `unix:/socket|fcgi://...`, balancers
 * through their `BalancerMember`s), CGI (`ScriptAlias`, `SetHandler`/`AddHandler cgi-script`),
 * and in-process modules (mod_php handlers, mod_wsgi, mod_perl, mod_jk).
 */
import type { BackendKind } from '../../model/backends.js';
import type { PlacedDirective } from './scopes.js';

const SCHEMES: Readonly<Record<string, BackendKind>> = {
  http: 'http',
  https: 'http',
  h2: 'http',
  h2c: 'http',
  ws: 'http',
  wss: 'http',
  ajp: 'ajp',
  fcgi: 'fastcgi',
  scgi: 'scgi',
  uwsgi: 'uwsgi',
};

/** Handlers served inside httpd whose cookies land in `headers_out`. */
const MODULE_HANDLER = /^(?:application\/x-httpd-php(?:-source)?|x-httpd-php|php\d*-script|php-script|wsgi-script|perl-script|modperl|jakarta-servlet|passenger|python-program|mod_python)$/i;

/** Balancer name (lower-case, no trailing slash) → member kinds. */
export type Balancers = ReadonlyMap<string, readonly BackendKind[]>;

function balancerKey(url: string): string {
  const m = /^balancer:\/\/([^/]*)/i.exec(url);
  return m ? m[1]!.toLowerCase() : '';
}

/** The kinds a mod_proxy URL reaches (`[]` when the scheme is unknown). */
export function kindsOfUrl(url: string, balancers: Balancers): BackendKind[] {
  const pipe = url.indexOf('|');
  const target = /^unix:/i.test(url) && pipe !== -1 ? url.slice(pipe + 1) : url;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  if (!scheme) return [];
  if (scheme === 'balancer') {
    const members = balancers.get(balancerKey(target));
    return members && members.length > 0 ? [...members] : ['http'];
  }
  const kind = SCHEMES[scheme];
  return kind ? [kind] : [];
}

/** The kinds a `SetHandler`/`AddHandler` handler name produces, or `[]`. */
export function kindsOfHandler(handler: string, balancers: Balancers): BackendKind[] {
  if (/^proxy:/i.test(handler)) return kindsOfUrl(handler.slice(6), balancers);
  if (handler.toLowerCase() === 'cgi-script') return ['cgi'];
  if (MODULE_HANDLER.test(handler)) return ['module'];
  return [];
}

export function collectBalancers(directives: readonly PlacedDirective[]): Balancers {
  const out = new Map<string, BackendKind[]>();
  const add = (name: string, url: string) => {
    const key = balancerKey(name);
    const list = out.get(key) ?? [];
    for (const k of kindsOfUrl(url, new Map())) if (!list.includes(k)) list.push(k);
    out.set(key, list);
  };
  for (const { node, block } of directives) {
    if (node.lname !== 'balancermember') continue;
    const a = node.args.map((w) => w.value);
    if (a[0] && /^balancer:/i.test(a[0]) && a[1]) add(a[0], a[1]);
    else if (a[0] && block.kind === 'proxy' && /^balancer:/i.test(block.arg)) add(block.arg, a[0]);
  }
  return out;
}

/** Directives that declare a backend of any kind. */
export function declaresBackend(d: PlacedDirective): boolean {
  // Arguments only for the directives that need them: this runs on every directive.
  const values = (): string[] => d.node.args.map((w) => w.value);
  switch (d.node.lname) {
    case 'proxypass':
    case 'proxypassmatch':
      return values().some((v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^unix:/i.test(v));
    case 'scriptalias':
    case 'scriptaliasmatch':
    case 'jkmount':
    case 'wsgiscriptalias':
    case 'wsgiscriptaliasmatch':
    case 'balancermember':
      return true;
    case 'sethandler':
    case 'addhandler': {
      const first = values()[0];
      return first !== undefined && kindsOfHandler(first, new Map()).length > 0;
    }
    case 'addtype': {
      const first = values()[0];
      return first !== undefined && MODULE_HANDLER.test(first);
    }
    case 'rewriterule': {
      const a = values();
      return /\[(?:[^\]]*,)?\s*(?:p|proxy)\s*(?:,[^\]]*)?\]$/i.test(a[a.length - 1] ?? '');
    }
    default:
      return false;
  }
}
