/**
 * The CSRF cookies the xsrf-cookie-httponly fixes of a fixture exempt (the `data.exempt` of its
 * findings): the real-server suites check that these lose HttpOnly and that every other cookie —
 * other products' CSRF cookies included — is delivered exactly as before, HttpOnly and all.
 */
import { readFileSync } from 'node:fs';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { run } from '../../src/run/run.js';
import { fixtureOptions } from './fixtures.js';

/** Per scope label (`data.scopes[].scope`), the cookies the fixes acting there exempt; `*`: all of them. */
export type Exemptions = Map<string, Set<string>>;

/** `text`: lint it as the file `path` (standard input) rather than read the file. */
export async function exemptedCookies(path: string, dialect: Dialect, text?: string): Promise<Exemptions> {
  const o = fixtureOptions(text ?? readFileSync(path, 'utf8'));
  const products = o.products === undefined ? undefined : o.products === 'all' ? ('all' as const) : o.products.split(',');
  const outcome = await run({
    cwd: process.cwd(),
    ...(text === undefined ? { paths: [path] } : { paths: [], stdin: { text, filename: path } }),
    type: (o.type as Dialect | undefined) ?? dialect,
    ...(o.nginxVersion ? { nginxVersion: o.nginxVersion } : {}),
    ...(o.nginxDirectives ? { nginxDirectives: o.nginxDirectives.split(',') } : {}),
    ...(o.context ? { context: o.context as 'http' } : {}),
    ...(o.serverRoot ? { serverRoot: o.serverRoot } : {}),
    ...(o.xsrfCookie ? { xsrfCookies: o.xsrfCookie.split(',') } : {}),
    ...(products ? { productSettings: { products } } : {}),
    wantFixes: true,
  });
  const out: Exemptions = new Map([['*', new Set<string>()]]);
  const add = (key: string, names: readonly string[]) => {
    let set = out.get(key);
    if (!set) out.set(key, (set = new Set()));
    for (const n of names) set.add(n);
  };
  for (const r of outcome.results) {
    for (const m of r.messages) {
      if (m.ruleId !== 'xsrf-cookie-httponly' || !m.fix) continue;
      const names = (m.data?.exempt as string[] | undefined) ?? [];
      add('*', names);
      for (const s of (m.data?.scopes as { scope: string }[] | undefined) ?? []) add(s.scope, names);
    }
  }
  return out;
}
