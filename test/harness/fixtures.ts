/**
 * Reading fixtures: `fixtures/<rule-id>/<dialect>/{invalid,valid}-<name>.<ext>` with inline
 * expectations. An expectation is a comment line under the offending line whose caret run
 * starts at the reported column and covers the span on that line, then the rule id (or `fatal`
 * for a syntax error), optionally followed by a quoted text the message must contain:
 *
 *     Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"
 *     #                      ^^^^^^ xsrf-cookie-httponly "atl.xsrf.token"
 *
 * In XML: `<!--   ^^^^ rule-id -->`; in nginx also `--   ^^^^ rule-id` (a Lua comment, inside Lua blocks). `invalid-<name>.fixed.<ext>` is the exact `--fix` output.
 * A comment `fixture: key=value` sets run options (nginxVersion, nginxDirectives, context, serverRoot, type,
 * xsrfCookie, products — as the configuration file's `products`, comma-separated — allProducts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../../src/model/header-rewrite.js';

export interface Expectation {
  readonly ruleId: string | null;
  /** 1-based line of the offending code. */
  readonly line: number;
  readonly column: number;
  readonly length: number;
  readonly contains?: string;
  /** 1-based line of the marker itself, for error messages. */
  readonly markerLine: number;
}

export interface Fixture {
  readonly ruleId: string;
  readonly dialect: Dialect;
  readonly kind: 'invalid' | 'valid';
  readonly name: string;
  readonly path: string;
  /** `invalid-x.fixed.ext` when it exists. */
  readonly fixedPath?: string;
}

export const FIXTURES_DIR = new URL('../../fixtures/', import.meta.url).pathname;

const MARKER_HASH = /^(\s*#\s*)(\^+)\s+(\S+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*$/;
/** nginx also takes `--` markers: Lua comments, inside `*_by_lua_block` code the real nginx runs. */
const MARKER_HASH_OR_LUA = /^(\s*(?:#|--)\s*)(\^+)\s+(\S+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*$/;
const MARKER_XML = /^(\s*<!--\s*)(\^+)\s+(\S+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*-->\s*$/;

export function parseExpectations(text: string, dialect: Dialect): Expectation[] {
  const lines = text.split(/\r\n|\r|\n/);
  const marker = dialect === 'iis' ? MARKER_XML : dialect === 'nginx' ? MARKER_HASH_OR_LUA : MARKER_HASH;
  const out: Expectation[] = [];
  let target = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = marker.exec(lines[i]!);
    if (!m) {
      target = i + 1;
      continue;
    }
    if (target === 0) throw new Error(`marker on line ${i + 1} has no line above it`);
    const base = { ruleId: m[3] === 'fatal' ? null : m[3]!, line: target, column: m[1]!.length + 1, length: m[2]!.length, markerLine: i + 1 };
    out.push(m[4] === undefined ? base : { ...base, contains: m[4].replace(/\\(.)/g, '$1') });
  }
  return out;
}

export function fixtureOptions(text: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const m of text.matchAll(/fixture:\s*([A-Za-z]+)=(\S+?)(?:\s*-->)?\s*$/gm)) options[m[1]!] = m[2]!;
  return options;
}

const DIALECTS: readonly Dialect[] = ['apache', 'nginx', 'iis', 'haproxy', 'caddy'];

export function listFixtures(): Fixture[] {
  const out: Fixture[] = [];
  if (!existsSync(FIXTURES_DIR)) return out;
  for (const ruleId of readdirSync(FIXTURES_DIR).sort()) {
    if (ruleId === 'examples') continue;
    for (const dialect of DIALECTS) {
      const dir = join(FIXTURES_DIR, ruleId, dialect);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      for (const file of readdirSync(dir).sort()) {
        const m = /^(invalid|valid)-(.+?)\.((?:[^.]+\.)*[^.]+)$/.exec(file);
        if (!m || /\.fixed\./.test(file)) continue;
        const path = join(dir, file);
        const ext = file.slice(file.indexOf('.'));
        const fixedPath = join(dir, `${file.slice(0, file.indexOf('.'))}.fixed${ext}`);
        const base = { ruleId, dialect, kind: m[1] as 'invalid' | 'valid', name: file, path };
        out.push(existsSync(fixedPath) ? { ...base, fixedPath } : base);
      }
    }
  }
  return out;
}
