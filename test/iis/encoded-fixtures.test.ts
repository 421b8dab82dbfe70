/**
 * The byte-exact encoding fixtures of xsrf-cookie-httponly/iis are derived from
 * invalid-classic.config (and its .fixed file): UTF-16 LE and BE with a byte order mark, and
 * UTF-8 with a BOM and CRLF line endings. This test fails when they drift from their source;
 * `LPC_WRITE_FIXTURES=1 npx vitest run test/iis/encoded-fixtures.test.ts` rewrites them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encode, type Encoding } from '../../src/source.js';
import { skipAfterRewrite } from '../helpers/skips.js';

const DIR = new URL('../../fixtures/xsrf-cookie-httponly/iis/', import.meta.url).pathname;

interface Variant {
  readonly name: string;
  readonly encoding: Encoding;
  readonly bom: boolean;
  readonly eol: '\n' | '\r\n';
  readonly declared: string;
  readonly what: string;
}

const VARIANTS: readonly Variant[] = [
  { name: 'utf16le-bom', encoding: 'utf16le', bom: true, eol: '\r\n', declared: 'utf-16', what: 'UTF-16 LE with a byte order mark and CRLF line endings' },
  { name: 'utf16be-bom', encoding: 'utf16be', bom: true, eol: '\n', declared: 'utf-16', what: 'UTF-16 BE with a byte order mark' },
  { name: 'utf8-bom-crlf', encoding: 'utf8', bom: true, eol: '\r\n', declared: 'utf-8', what: 'UTF-8 with a byte order mark and CRLF line endings' },
];

function derive(sourceName: string, v: Variant): Buffer {
  const text = readFileSync(join(DIR, sourceName), 'utf8')
    .replace('encoding="utf-8"', `encoding="${v.declared}"`)
    .replace('?>\n', `?>\n<!-- Generated from invalid-classic.config by test/iis/encoded-fixtures.test.ts: ${v.what}. -->\n`)
    .replace(/\n/g, v.eol);
  return encode(text, v.encoding, v.bom);
}

describe('encoded fixtures', () => {
  for (const v of VARIANTS) {
    for (const [source, target] of [
      ['invalid-classic.config', `invalid-${v.name}.config`],
      ['invalid-classic.fixed.config', `invalid-${v.name}.fixed.config`],
    ] as const) {
      it(`${target} is ${v.what}, derived from ${source}`, (ctx) => {
        const bytes = derive(source, v);
        const path = join(DIR, target);
        if (process.env.LPC_WRITE_FIXTURES === '1') {
          writeFileSync(path, bytes);
          skipAfterRewrite(ctx, 'LPC_WRITE_FIXTURES', target);
        }
        expect(existsSync(path), `${target} is missing: run with LPC_WRITE_FIXTURES=1`).toBe(true);
        expect(readFileSync(path).equals(bytes), `${target} differs from its source: run with LPC_WRITE_FIXTURES=1`).toBe(true);
      });
    }
  }
});
