/**
 * Byte-level mutations of real configurations. A mutation is plain data (what to insert, where,
 * how deep), so fast-check can shrink it and a failure report reads as a recipe; positions are
 * taken modulo the current length, so every generated mutation applies to every seed.
 */
import fc from 'fast-check';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { decode } from '../../src/source.js';
import { seedsFor, type Seed } from './corpus.js';

/** Text (written as UTF-8) or raw bytes (invalid UTF-8 on purpose). */
export type Token = { readonly text: string } | { readonly raw: readonly number[] };

/** Where a truncation or nearby insertion lands: just before or after a character of a class. */
export type PositionClass = keyof typeof POSITION_CLASSES;

export type Mutation =
  | { readonly kind: 'insert'; readonly at: number; readonly token: Token }
  | { readonly kind: 'insert-near'; readonly cls: PositionClass; readonly nth: number; readonly after: boolean; readonly token: Token }
  | { readonly kind: 'in-value'; readonly nth: number; readonly text: string }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly cls: PositionClass; readonly nth: number; readonly after: boolean }
  | { readonly kind: 'eol'; readonly to: 'crlf' | 'cr' | 'mixed' }
  | { readonly kind: 'long-line'; readonly at: number; readonly length: number; readonly unit: string }
  | { readonly kind: 'nest'; readonly at: number; readonly depth: number; readonly closed: boolean }
  | { readonly kind: 'utf16'; readonly bigEndian: boolean };

const POSITION_CLASSES = {
  dquote: (b: number) => b === 0x22,
  squote: (b: number) => b === 0x27,
  backslash: (b: number) => b === 0x5c,
  brace: (b: number) => b === 0x7b || b === 0x7d,
  semicolon: (b: number) => b === 0x3b,
  hash: (b: number) => b === 0x23,
  angle: (b: number) => b === 0x3c || b === 0x3e,
  amp: (b: number) => b === 0x26,
  equals: (b: number) => b === 0x3d,
  newline: (b: number) => b === 0x0a || b === 0x0d,
  space: (b: number) => b === 0x20 || b === 0x09,
  dollar: (b: number) => b === 0x24,
  paren: (b: number) => b === 0x28 || b === 0x29,
  slash: (b: number) => b === 0x2f,
  letter: (b: number) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a),
  digit: (b: number) => b >= 0x30 && b <= 0x39,
  /** Inside a multi-byte UTF-8 sequence (or a UTF-16 code unit): cuts make invalid text. */
  nonAscii: (b: number) => b >= 0x80,
  nul: (b: number) => b === 0,
} as const;

const CLASS_NAMES = Object.keys(POSITION_CLASSES) as PositionClass[];

const COMMON_TOKENS: readonly Token[] = [
  ...['"', "'", '\\', '#', '\n', '\r\n', '\r', '\0', ' ', '\t', '$', '${', '%{', '(', ')', ';', '\\\n', '\\"', '\uFEFF', 'é', '\u2028', '\u{1F600}', '\u0085'].map((text) => ({ text })),
  // Invalid UTF-8: stray continuation, truncated sequences, overlong, surrogate, beyond U+10FFFF.
  ...[[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xff], [0xef, 0xbb]].map((raw) => ({ raw })),
];

const DIALECT_TOKENS: Readonly<Record<Dialect, readonly string[]>> = {
  apache: [
    '<VirtualHost *:80>\n', '</VirtualHost>\n', '<Location />\n', '</Location>\n', '<IfModule mod_headers.c>\n', '</IfModule>\n', '<If "true">\n', '</If>\n',
    '<LocationMatch "^/(a+)+$">\n', '</LocationMatch>\n', '<', '>', '</', '<>', '"\n',
    'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n', 'Header always edit* Set-Cookie (.*) "$1;HttpOnly"\n', 'Header edit Set-Cookie "^(a+)+$" "$0; HttpOnly"\n',
    'Header set Set-Cookie "XSRF-TOKEN=x; HttpOnly"\n', 'Header onsuccess unset Set-Cookie\n', 'ProxyPass / http://127.0.0.1:8080/\n', 'ProxyPassReverseCookiePath / "/; HttpOnly"\n',
    'Include missing.conf\n', 'IncludeOptional /nonexistent/*.conf\n', 'Define X "(.*)"\n', '${X}', '\\\n', 'env=!x', 'expr=%{REQUEST_URI} =~ m#(a+)+$#',
  ],
  nginx: [
    '{', '}', ';', '"', "'", '\\"', '\\', 'location / {', 'location ~ ^/(a+)+$ {', 'server {', 'http {', 'if ($x) {', 'if ($http_cookie ~ "(a+)+$") {', 'events {}',
    'proxy_cookie_flags ~ httponly;', 'proxy_cookie_flags ~^(a+)+$ httponly secure;', 'proxy_cookie_flags off;', 'proxy_cookie_path / "/; HttpOnly";', 'proxy_cookie_path ~^(.*)$ "$1; HttpOnly";',
    'proxy_pass http://127.0.0.1:8080;', 'include *.conf;', 'include missing.conf;', 'add_header Set-Cookie "XSRF-TOKEN=x; HttpOnly" always;', 'more_set_headers "Set-Cookie: a=1; HttpOnly";',
    'header_filter_by_lua_block {', 'set $x "(";', '${', '$1', 'proxy_cookie_domain ~^(?<d>.*)$ $d;',
  ],
  iis: [
    '<', '>', '&', '&amp;', '&lt;', '&#0;', '&#x41;', '&#xD800;', '&#1114112;', '&bogus;', '&#;', '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '<!DOCTYPE x>',
    '</rule>', '<rule name="r">', '<rule name="r" stopProcessing="true">', '<match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />', '<match serverVariable="RESPONSE_Set_Cookie" pattern="(a+)+$" />',
    '<action type="Rewrite" value="{R:0}; HttpOnly" />', '<conditions logicalGrouping="MatchAny">', '</conditions>', '<add input="{R:0}" pattern="(.*)*x" />', '"', "'", '=', '/>', '</configuration>',
    '<location path="a">', '</location>', 'xmlns="urn:x"', '<clear />', '<remove name="Add HttpOnly" />', '<httpCookies httpOnlyCookies="true" />', '<outboundRules>', '</outboundRules>',
    '<system.webServer>', '</system.webServer>', '<rewrite>', '</rewrite>', '<?pi x?>', 'pattern=""', ' a="1" a="2"',
  ],
  haproxy: [
    'frontend fe\n', 'backend be\n', 'listen app\n', 'defaults\n', 'defaults base\n', 'global\n', '.if defined(X)\n', '.elif 1\n', '.else\n', '.endif\n',
    'mode http\n', 'mode tcp\n', 'default_backend be\n', 'use_backend be if { path_beg /a }\n', 'acl a res.hdr(set-cookie) -m beg XSRF\n', 'cookie SRV insert httponly\n',
    'server s1 127.0.0.1:8080 cookie s1\n', 'http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"\n', 'http-response replace-value Set-Cookie ^(a+)+$ "\\1"\n',
    'http-response set-header Set-Cookie "XSRF-TOKEN=x; HttpOnly"\n', 'http-response del-header Set-Cookie\n', 'rspirep ^Set-Cookie:\\ (.*) \\1\n', ' if ', ' unless ', '{ ', ' }', '"${X}"', '\\x4', '%[', '%%',
  ],
  caddy: [
    '{', '}', '\n', '"', '`', '\\', '(snip) {\n', 'import snip\n', 'import missing.caddy\n', 'http://a {\n', 'handle /x* {\n', 'route {\n', '@m path /x*\n',
    'header Set-Cookie (.*) "$1; HttpOnly"\n', 'header >Set-Cookie "^(?!XSRF)(.*)$" "$1; HttpOnly"\n', 'header {\n', 'defer\n', 'header -Set-Cookie\n', 'header ?Set-Cookie a=1\n',
    'reverse_proxy 127.0.0.1:8080 {\n', 'header_down Set-Cookie "(a+)+$" "$1; HttpOnly"\n', '{$VAR}', '{args[0]}',
  ],
};

/**
 * Pieces of regexes and replacements that keep a quoted value quoted (and, in XML, well formed):
 * inserted just after an opening `"` they reach patterns, replacements and cookie names.
 */
const VALUE_TOKENS: readonly string[] = [
  '(a+)+$', '(.*)*x', '^(a|aa)+$', '(\\w+\\s?)+$', '(?!XSRF-TOKEN)', '(?i)', '(?-i)', '\\w+', '[^;]*', '.*', '^', '$', '|', '(', ')', '[', ']', '*', '+', '?', '{2,1}', '\\',
  '$1', '$0', '$9', '${x}', '; HttpOnly', ';HttpOnly', ' HttpOnly', 'httponly', '; Secure', 'XSRF-TOKEN', 'atl.xsrf.token', 'JSESSIONID', '=', ' ', '\t', 'é', '\u00a0',
];

const VALUE_TOKENS_BY_DIALECT: Readonly<Record<Dialect, readonly string[]>> = {
  apache: [...VALUE_TOKENS, '%{REQUEST_URI}e', '\\"', 'env=x'],
  nginx: [...VALUE_TOKENS, '$arg_x', '${arg_x}', '\\"', '{', '}', ';'],
  haproxy: [...VALUE_TOKENS, '\\1', '\\0', '\\x41', '%[res.hdr(x)]', '%%', '${X}', '\\"'],
  iis: [
    ...VALUE_TOKENS.map((t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;')),
    '{R:0}', '{R:1}', '{R:10}', '{C:1}', '{HTTP_X}', '{ToLower:{R:0}}', '{UrlEncode:{R:1}}', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#59;', '&#x22;', '&#xA;', '&#9;',
  ],
  caddy: [...VALUE_TOKENS, '${1}', '$1x', '$$', '\\"', '{http.request.host}', '`'],
};

/** How each dialect nests: an opener and its closer. */
const NESTING: Readonly<Record<Dialect, readonly [string, string]>> = {
  apache: ['<Location /n>\n', '</Location>\n'],
  nginx: ['location /n {\n', '}\n'],
  iis: ['<location path="n"><system.webServer>', '</system.webServer></location>'],
  haproxy: ['.if 1\n', '.endif\n'],

  caddy: ['handle /n* {\n', '}\n'],
};

function tokenBytes(token: Token): Buffer {
  return 'text' in token ? Buffer.from(token.text, 'utf8') : Buffer.from(token.raw);
}

function at(buf: Buffer, position: number): number {
  return position % (buf.length + 1);
}

/** The offset just before (or after) the `nth` byte of a class; the end of the file when there is none. */
function classOffset(buf: Buffer, cls: PositionClass, nth: number, after: boolean): number {
  const test = POSITION_CLASSES[cls];
  const hits: number[] = [];
  for (let i = 0; i < buf.length; i++) if (test(buf[i]!)) hits.push(i);
  if (hits.length === 0) return buf.length;
  const i = hits[nth % hits.length]!;
  return after ? i + 1 : i;
}

/**
 * Just after the `nth` opening quote of a value (`="` in XML, ` "` in Apache and nginx), past
 * the XML declaration, whose version and encoding are not the values we are after.
 */
function valueOffset(buf: Buffer, nth: number): number {
  const declEnd = buf.subarray(0, 5).toString('latin1') === '<?xml' ? buf.indexOf('?>') + 2 : 0;
  const hits: number[] = [];
  for (let i = Math.max(1, declEnd); i < buf.length; i++) {
    const before = buf[i - 1]!;
    if (buf[i] === 0x22 && (before === 0x3d || before === 0x20 || before === 0x09)) hits.push(i + 1);
  }
  return hits.length === 0 ? buf.length : hits[nth % hits.length]!;
}

function splice(buf: Buffer, start: number, end: number, insert: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([buf.subarray(0, start), insert, buf.subarray(end)]);
}

function applyOne(buf: Buffer, m: Mutation, dialect: Dialect): Buffer {
  switch (m.kind) {
    case 'insert':
      return splice(buf, at(buf, m.at), at(buf, m.at), tokenBytes(m.token));
    case 'insert-near': {
      const i = classOffset(buf, m.cls, m.nth, m.after);
      return splice(buf, i, i, tokenBytes(m.token));
    }
    case 'in-value': {
      const i = valueOffset(buf, m.nth);
      return splice(buf, i, i, Buffer.from(m.text, 'utf8'));
    }
    case 'delete': {
      const i = at(buf, m.at);
      return splice(buf, i, Math.min(buf.length, i + m.length));
    }
    case 'duplicate': {
      const i = at(buf, m.at);
      const chunk = buf.subarray(i, Math.min(buf.length, i + m.length));
      return splice(buf, i, i, Buffer.from(chunk));
    }
    case 'truncate':
      return buf.subarray(0, classOffset(buf, m.cls, m.nth, m.after));
    case 'eol': {
      const lf = buf.toString('latin1').replace(/\r\n?/g, '\n');
      let n = 0;
      const out = m.to === 'crlf' ? lf.replace(/\n/g, '\r\n') : m.to === 'cr' ? lf.replace(/\n/g, '\r') : lf.replace(/\n/g, () => ['\n', '\r\n', '\r'][n++ % 3]!);
      return Buffer.from(out, 'latin1');
    }
    case 'long-line': {
      const i = at(buf, m.at);
      return splice(buf, i, i, Buffer.from(m.unit.repeat(Math.ceil(m.length / m.unit.length)), 'utf8'));
    }
    case 'nest': {
      const [open, close] = NESTING[dialect];
      const i = at(buf, m.at);
      const text = open.repeat(m.depth) + (m.closed ? close.repeat(m.depth) : '');
      return splice(buf, i, i, Buffer.from(text, 'utf8'));
    }
    case 'utf16': {
      // Re-encode the (decoded) text as UTF-16 with a BOM, the way Windows editors save it.
      const { text } = decode(buf);
      const le = Buffer.from(text, 'utf16le');
      if (m.bigEndian) le.swap16();
      return Buffer.concat([Buffer.from(m.bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), le]);
    }
  }
}

export function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[], dialect: Dialect): Uint8Array {
  let buf: Buffer = Buffer.from(bytes);
  for (const m of mutations) buf = applyOne(buf, m, dialect);
  return new Uint8Array(buf);
}

function tokenArb(dialect: Dialect): fc.Arbitrary<Token> {
  return fc.oneof(fc.constantFrom(...COMMON_TOKENS), fc.constantFrom(...DIALECT_TOKENS[dialect]).map((text): Token => ({ text })));
}

/** One mutation, the common kinds weighted up; whole-file rewrites (EOL, UTF-16) are rarer. */
function mutationArb(dialect: Dialect): fc.Arbitrary<Mutation> {
  const cls = fc.constantFrom(...CLASS_NAMES);
  const nth = fc.nat({ max: 1000 });
  const pos = fc.nat();
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: pos, token: tokenArb(dialect) }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('insert-near' as const), cls, nth, after: fc.boolean(), token: tokenArb(dialect) }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('in-value' as const), nth, text: fc.constantFrom(...VALUE_TOKENS_BY_DIALECT[dialect]) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: pos, length: fc.integer({ min: 1, max: 24 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: pos, length: fc.integer({ min: 1, max: 200 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('truncate' as const), cls, nth, after: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('eol' as const), to: fc.constantFrom('crlf' as const, 'cr' as const, 'mixed' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('long-line' as const), at: pos, length: fc.integer({ min: 1_000, max: 200_000 }), unit: fc.constantFrom('a', 'x=1; ', '(', '\\', '"', 'é', '{', '<a>', '&amp;') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), at: pos, depth: fc.oneof(fc.integer({ min: 2, max: 300 }), fc.integer({ min: 300, max: 5_000 })), closed: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('utf16' as const), bigEndian: fc.boolean() }) },
  );
}

export interface MutatedCase {
  /** The seed's name (fixtures/-relative): counterexamples print as a recipe, not as bytes. */
  readonly seed: string;
  readonly mutations: readonly Mutation[];
}

/** A corpus seed of `dialect` with one to `max` mutations to apply ({@link materialize}). */
export function mutatedSeedArb(dialect: Dialect, max = 5): fc.Arbitrary<MutatedCase> {
  const names = seedsFor(dialect).map((s) => s.name);
  return fc.record({ seed: fc.constantFrom(...names), mutations: fc.array(mutationArb(dialect), { minLength: 1, maxLength: max }) });
}

/** The seed a case starts from and its mutated bytes. */
export function materialize(dialect: Dialect, c: MutatedCase): { readonly seed: Seed; readonly bytes: Uint8Array } {
  const seed = seedsFor(dialect).find((s) => s.name === c.seed)!;
  return { seed, bytes: applyMutations(seed.bytes, c.mutations, dialect) };
}

/** Truncations just before and after the first, middle and last character of each class: a deterministic sweep of one seed. */
export function truncations(bytes: Uint8Array): { readonly label: string; readonly bytes: Uint8Array }[] {
  const buf = Buffer.from(bytes);
  const out: { label: string; bytes: Uint8Array }[] = [];
  const seen = new Set<number>();
  for (const cls of CLASS_NAMES) {
    const test = POSITION_CLASSES[cls];
    const hits: number[] = [];
    for (let i = 0; i < buf.length; i++) if (test(buf[i]!)) hits.push(i);
    // First, middle and last occurrence, before and after.
    for (const i of new Set([hits[0], hits[hits.length >> 1], hits[hits.length - 1]])) {
      if (i === undefined) continue;
      for (const cut of [i, i + 1]) {
        if (seen.has(cut)) continue;
        seen.add(cut);
        out.push({ label: `${cls}@${cut}`, bytes: new Uint8Array(buf.subarray(0, cut)) });
      }
    }
  }
  return out;
}
