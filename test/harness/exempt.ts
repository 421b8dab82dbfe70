/**
 * The CSRF cookies the xsrf-cookie-httponly fixes of a fixture exempt (the `data.exempt` of its
 * findings): the real-server suites check that these lose HttpOnly and that every other cookie —
 * other products' CSRF cookies included — is delivered exactly as before, HttpOnly and all.
 */
import { readFileSync } from 'node:fs';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { run } from '../../src/run.js';
import { fixtureOptions } from './fixtures.js';

export async function exemptedCookies(path: string, dialect: Dialect): Promise<Set<string>> {
  const o = fixtureOptions(readFileSync(path, 'utf8'));
  const products = o.products === undefined ? undefined : o.products === 'all' ? ('all' as const) : o.products.split(',');
  const outcome = await run({
    cwd: process.cwd(),
    paths: [path],
    type: (o.type as Dialect | undefined) ?? dialect,
    ...(o.nginxVersion ? { nginxVersion: o.nginxVersion } : {}),
    ...(o.context ? { context: o.context as 'http' } : {}),
    ...(o.serverRoot ? { serverRoot: o.serverRoot } : {}),
    ...(o.xsrfCookie ? { xsrfCookies: o.xsrfCookie.split(',') } : {}),
    ...(products ? { productSettings: { products } } : {}),
    wantFixes: true,
  });
  const names = new Set<string>();
  for (const r of outcome.results) {
    for (const m of r.messages) {
      if (m.ruleId !== 'xsrf-cookie-httponly' || !m.fix) continue;
      for (const n of (m.data?.exempt as string[] | undefined) ?? []) names.add(n);
    }
  }
  return names;
}
