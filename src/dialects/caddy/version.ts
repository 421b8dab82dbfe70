/**
 * The Caddy version a configuration is checked against: semantics changed between releases
 * (`>` defers a header operation since 2.7.0; in 2.6 it is part of the field name).
 */
export type CaddyVersion = readonly [number, number, number];

/** The release current when this dialect was written (2.10.2); Debian 12 ships 2.6.2. */
export const DEFAULT_CADDY_VERSION = '2.10.2';

export function parseCaddyVersion(text: string | undefined): CaddyVersion | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function atLeast(v: CaddyVersion, min: CaddyVersion): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}
