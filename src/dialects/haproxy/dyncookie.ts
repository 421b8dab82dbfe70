/**
 * `cookie ... dynamic` (HAProxy 2.6 `srv_set_dyncookie`, src/server.c): a server without a
 * `cookie` value of its own gets, when the backend has a `dynamic-cookie-key`, the XXH64 (seed 0)
 * of the key, the server's IPv4 address (4 bytes) and its port (4 bytes, network order), written
 * as 16 hex digits [LAB haproxy 2.6.12: key `mysecret`, 127.0.0.1:18082 → 156422ed9b019f79].
 */

const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: number): bigint => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & M;
const round = (acc: bigint, lane: bigint): bigint => (rotl((acc + lane * P2) & M, 31) * P1) & M;
const merge = (h: bigint, v: bigint): bigint => (((h ^ round(0n, v)) * P1 + P4) & M);

/** XXH64 of the bytes with seed 0 (the reference algorithm, little-endian lanes). */
export function xxh64(b: Uint8Array): bigint {
  const u64 = (i: number) => {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]!);
    return v;
  };
  const u32 = (i: number) => BigInt(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) + (BigInt(b[i + 3]!) << 24n);
  let i = 0;
  let h: bigint;
  if (b.length >= 32) {
    const v = [(P1 + P2) & M, P2, 0n, (M + 1n - P1) & M];
    for (; i + 32 <= b.length; i += 32) for (let j = 0; j < 4; j++) v[j] = round(v[j]!, u64(i + 8 * j));
    h = (rotl(v[0]!, 1) + rotl(v[1]!, 7) + rotl(v[2]!, 12) + rotl(v[3]!, 18)) & M;
    for (const x of v) h = merge(h, x);
  } else h = P5;
  h = (h + BigInt(b.length)) & M;
  for (; i + 8 <= b.length; i += 8) h = (rotl(h ^ round(0n, u64(i)), 27) * P1 + P4) & M;
  if (i + 4 <= b.length) {
    h = (rotl(h ^ ((u32(i) * P1) & M), 23) * P2 + P3) & M;
    i += 4;
  }
  for (; i < b.length; i++) h = (rotl(h ^ ((BigInt(b[i]!) * P5) & M), 11) * P1) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  return h ^ (h >> 32n);
}

/**
 * The dynamic cookie of a server at `address` (`127.0.0.1:8080`, `ipv4@10.0.0.1:80`): 16 hex
 * digits, or `xxxxxxxxxxxxxxxx` for an address resolved at startup (a host name, IPv6), whose
 * hash the linter cannot know.
 */
export function dynamicCookie(key: string, address: string): string {
  const m = /^(?:ipv4@)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?$/.exec(address);
  if (!m) return 'x'.repeat(16);
  const port = Number(m[5] ?? 0);
  const bytes = [...new TextEncoder().encode(key), ...m.slice(1, 5).map(Number), (port >>> 24) & 255, (port >>> 16) & 255, (port >>> 8) & 255, port & 255];
  return xxh64(Uint8Array.from(bytes)).toString(16).padStart(16, '0');
}
