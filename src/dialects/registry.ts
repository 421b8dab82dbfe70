/**
 * Dialects are loaded on demand: linting one nginx file never loads the Apache or IIS code
 * (startup time matters for a tool run on every commit).
 */
import type { Dialect } from '../model/header-rewrite.js';
import type { DialectModule } from './dialect.js';

const LOADERS: Readonly<Record<Dialect, () => Promise<DialectModule>>> = {
  apache: async () => (await import('./apache/index.js')).apacheDialect,
  nginx: async () => (await import('./nginx/index.js')).nginxDialect,
  iis: async () => (await import('./iis/index.js')).iisDialect,
  haproxy: async () => (await import('./haproxy/index.js')).haproxyDialect,
  caddy: async () => (await import('./caddy/index.js')).caddyDialect,
};

export async function loadDialects(wanted: ReadonlySet<Dialect>): Promise<Map<Dialect, DialectModule>> {
  const loaded = await Promise.all([...wanted].map(async (d) => [d, await LOADERS[d]()] as const));
  return new Map(loaded);
}
