/**
 * The mod_headers operation (src/model/ops/apache-header.ts) as one op: which producers it can
 * reach, where its findings point, which fields it carries, and the parts of its behaviour the
 * end-to-end cases in mod-headers.test.ts cannot tell apart (lines without a table, a pattern
 * that cannot be simulated, the edit cache, early lines among others).
 */
import { describe, expect, it } from 'vitest';
import type { CookieOp, SetCookieLine } from '../../src/model/header-rewrite.js';
import { createApacheHeaderOp, EDIT_STAR_CRASH, isSetCookie, type ApacheHeaderOp } from '../../src/model/ops/apache-header.js';
import { RegexBudgetError } from '../../src/regex/index.js';
import { simulate } from '../../src/model/simulate.js';
import { modelOf } from './helpers.js';

const ENV = { backend: 'http', status: 200 } as const;

/** The Header ops of a vhost holding `directives`, in source order, and the file's text. */
function opsOf(directives: string): { ops: ApacheHeaderOp[]; text: string } {
  const model = modelOf(`<VirtualHost *:80>\n    ProxyPass / http://app/\n${directives}\n</VirtualHost>\n`);
  expect(model.problems).toEqual([]);
  const ops = model.ops.filter((o): o is ApacheHeaderOp => o.kind === 'apache-header');
  return { ops, text: model.files.get(model.root)!.text };
}

function only(directive: string): { op: ApacheHeaderOp; text: string } {
  const { ops, text } = opsOf(`    ${directive}`);
  expect(ops).toHaveLength(1);
  return { op: ops[0]!, text };
}

/** A backend line, as the simulator makes them (table given or left out). */
function line(value: string, table?: 'onsuccess' | 'always', producer: SetCookieLine['producer'] = 'http'): SetCookieLine {
  return { value, producer, origin: value, history: [], ...(table ? { table } : {}) };
}

describe('what a Header directive reaches', () => {
  it('reaches the producers of its table, only for Set-Cookie, never when early or for echo and note', () => {
    expect(only('Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"').op.reaches).toEqual(['http', 'ajp', 'uwsgi', 'grpc', 'module']);
    expect(only('Header onsuccess unset Set-Cookie').op.reaches).toEqual(['http', 'ajp', 'uwsgi', 'grpc', 'module']);
    expect(only('Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"').op.reaches).toEqual(['fastcgi', 'scgi', 'cgi']);
    expect(only('Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" early').op.reaches).toEqual([]);
    const edit = only('Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"').op;
    expect(createApacheHeaderOp({ ...edit, header: 'X-Cookie', formatEnv: { env: () => undefined } }).reaches).toEqual([]);
    expect(only('Header note Set-Cookie n').op.reaches).toEqual([]);
    expect(only('Header echo Set-Cookie').op.reaches).toEqual([]);
  });

  it('tells the Set-Cookie header by its name in any case, and nothing else', () => {
    expect(isSetCookie('Set-Cookie')).toBe(true);
    expect(isSetCookie('SET-COOKIE')).toBe(true);
    expect(isSetCookie('set-cookie')).toBe(true);
    expect(isSetCookie('Set-Cookie2')).toBe(false);
    expect(isSetCookie('X-Set-Cookie')).toBe(false);
  });

  it('leaves other headers alone even when their value looks like a cookie', () => {
    const edit = only('Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"').op;
    const op = createApacheHeaderOp({ ...edit, header: 'X-Cookie', formatEnv: { env: () => undefined } });
    const lines = [line('a=1', 'onsuccess')];
    op.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['a=1']);
  });
});

describe('where findings point and which fields the op carries', () => {
  it('points at the pattern of an edit, the value of a set, the action word otherwise', () => {
    const at = (d: string) => {
      const { op, text } = only(d);
      return text.slice(op.focus!.start, op.focus!.end);
    };
    expect(at('Header edit Set-Cookie "^(.*)$" "$1; HttpOnly"')).toBe('"^(.*)$"');
    expect(at('Header set Set-Cookie "a=1; HttpOnly"')).toBe('"a=1; HttpOnly"');
    expect(at('Header always unset Set-Cookie')).toBe('unset');
  });

  it('carries a condition word, pattern, replacement and value only when written', () => {
    const unset = only('Header unset Set-Cookie').op;
    for (const field of ['conditionSpan', 'pattern', 'replacement', 'value']) expect(unset).not.toHaveProperty(field);
    const { op, text } = only('Header always edit* Set-Cookie "^a" "b"');
    expect(text.slice(op.conditionSpan!.start, op.conditionSpan!.end)).toBe('always');
    expect(op.pattern?.source).toBe('^a');
    expect(op.replacement?.text).toBe('b');
    expect(op).not.toHaveProperty('value');
    const set = only('Header set Set-Cookie "v=1"').op;
    expect(set.value?.text).toBe('v=1');
    expect(set).not.toHaveProperty('pattern');
    expect(set).not.toHaveProperty('replacement');
    expect([op.kind, op.dialect, op.action, op.table, op.early, op.header]).toEqual(['apache-header', 'apache', 'edit*', 'always', false, 'Set-Cookie']);
    expect(only('Header set Set-Cookie: "v=1" early').op.header).toBe('Set-Cookie');
    expect(only('Header set Set-Cookie: "v=1" early').op.early).toBe(true);
  });
});

describe('applying one op to lines', () => {
  it('treats a line that names no table as headers_out (Header [onsuccess])', () => {
    const onsuccess = only('Header edit Set-Cookie ^(.*)$ "$1; S"').op;
    const lines = [line('a=1'), line('b=2', 'always')];
    onsuccess.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['a=1; S', 'b=2']);
    const always = only('Header always edit Set-Cookie ^(.*)$ "$1; A"').op;
    always.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['a=1; S', 'b=2; A']);
  });

  it('records each change with the op, the directive and the value before and after', () => {
    const { op } = only('Header edit Set-Cookie ^(a=1)$ "$1; HttpOnly"');
    const lines = [line('a=1', 'onsuccess'), line('b=2', 'onsuccess')];
    op.apply(lines, ENV);
    expect(lines[0]!.history).toEqual([{ op, cause: op.span, before: 'a=1', after: 'a=1; HttpOnly' }]);
    // A pattern that does not match changes nothing and leaves no history.
    expect(lines[1]!.history).toEqual([]);
  });

  it('edits every line of the table with the same replacement, the first call as the later ones', () => {
    const { op } = only('Header edit Set-Cookie ^([^;]*)(.*)$ "$1$2; HttpOnly"');
    const lines = [line('a=1', 'onsuccess'), line('b=2; Path=/', 'onsuccess'), line('a=1', 'onsuccess')];
    op.apply(lines, ENV);
    op.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['a=1; HttpOnly; HttpOnly', 'b=2; Path=/; HttpOnly; HttpOnly', 'a=1; HttpOnly; HttpOnly']);
  });

  it('refuses to guess when the pattern cannot be simulated, saying why', () => {
    const { op } = only('Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"');
    const rebuilt = (pattern: ApacheHeaderOp['pattern']) => createApacheHeaderOp({ ...op, pattern, formatEnv: { env: () => undefined } });
    const error = (o: ApacheHeaderOp) => {
      try {
        o.apply([line('a=1', 'onsuccess')], ENV);
      } catch (e) {
        return e instanceof RegexBudgetError ? [e.pattern, e.unsupported] : e;
      }
      return 'no error';
    };
    expect(error(rebuilt({ ...op.pattern!, regex: null, error: 'uses \\C' }))).toEqual(['^(.*)$', 'uses \\C']);
    expect(error(rebuilt({ ...op.pattern!, regex: null }))).toEqual(['^(.*)$', 'the pattern cannot be simulated']);
    expect(error(rebuilt(undefined))).toEqual(['', 'the pattern cannot be simulated']);
    // Only an edit needs its pattern.
    const unset = createApacheHeaderOp({ ...only('Header unset Set-Cookie').op, formatEnv: { env: () => undefined } });
    expect(error(unset)).toBe('no error');
  });

  it('says why edit* crashes the worker', () => {
    const { ops } = opsOf('    Header edit* Set-Cookie "x*" "y"');
    const r = simulate('apache', ops as CookieOp[], ENV, ['a=1']);
    expect(r.crash).toEqual({ op: ops[0], message: EDIT_STAR_CRASH });
    expect(EDIT_STAR_CRASH).toMatch(/segfaults/);
  });

  it('removes and replaces lines of its own table only, keeping the position of the first one it replaces', () => {
    const { op } = only('Header set Set-Cookie "n=1"');
    const lines = [line('c=0', 'always'), line('a=1', 'onsuccess'), line('d=0', 'always'), line('b=2', 'onsuccess')];
    op.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['c=0', 'n=1', 'd=0']);
    expect(lines[1]!.table).toBe('onsuccess');
    const unset = only('Header always unset Set-Cookie').op;
    unset.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['n=1']);
  });

  it('adds after every line, or for early directives after the early lines and before the producers', () => {
    const { ops } = opsOf('    Header add Set-Cookie "e1=1" early\n    Header add Set-Cookie "e2=1" early\n    Header add Set-Cookie "late=1"');
    const lines = [line('a=1', 'onsuccess')];
    for (const op of ops) op.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['e1=1', 'e2=1', 'a=1', 'late=1']);
    // Among several producer lines too: each early line goes right after the previous early one.
    const many = [line('p=1', 'onsuccess'), line('q=2', 'onsuccess'), line('r=3', 'onsuccess')];
    for (const op of ops.slice(0, 2)) op.apply(many, ENV);
    expect(many.map((l) => l.value)).toEqual(['e1=1', 'e2=1', 'p=1', 'q=2', 'r=3']);
    // An early edit sees only what early directives added.
    const edit = only('Header edit Set-Cookie ^(.*)$ "$1; E" early').op;
    edit.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['e1=1; E', 'e2=1; E', 'a=1', 'late=1']);
  });

  it('set on an empty table adds its line after the others', () => {
    const { op } = only('Header always set Set-Cookie "n=1"');
    const lines = [line('a=1', 'onsuccess'), line('b=2', 'onsuccess')];
    op.apply(lines, ENV);
    expect(lines.map((l) => l.value)).toEqual(['a=1', 'b=2', 'n=1']);
  });

  it('setifempty adds only to an empty table, counting its own table only', () => {
    const { op } = only('Header always setifempty Set-Cookie "f=1"');
    const lines = [line('a=1', 'onsuccess')];
    op.apply(lines, ENV);
    expect(lines.map((l) => [l.value, l.table])).toEqual([
      ['a=1', 'onsuccess'],
      ['f=1', 'always'],
    ]);
    op.apply(lines, ENV);
    expect(lines).toHaveLength(2);
  });

  it('append and merge add a line of their own table when it has none, and join the first one otherwise', () => {
    for (const action of ['append', 'merge']) {
      const { op } = only(`Header always ${action} Set-Cookie "a=1"`);
      const lines = [line('b=2', 'onsuccess')];
      op.apply(lines, ENV);
      expect(lines.map((l) => [l.value, l.table])).toEqual([
        ['b=2', 'onsuccess'],
        ['a=1', 'always'],
      ]);
      op.apply(lines, ENV);
      expect(lines.map((l) => l.value)).toEqual(['b=2', action === 'append' ? 'a=1, a=1' : 'a=1']);
    }
  });

  it('merge reads tokens separated by commas after any blank, quotes spanning commas', () => {
    const merge = (first: string, value: string) => {
      const { op } = only(`Header merge Set-Cookie "${value}"`);
      const lines = [line(first, 'onsuccess')];
      op.apply(lines, ENV);
      return lines[0]!.value;
    };
    // [first line, merged value, result]: a value already there as a token is not added again.
    const cases: [string, string, string][] = [
      ['a=1,\tb', 'b', 'a=1,\tb'],
      ['a=1,\nb', 'b', 'a=1,\nb'],
      ['a=1,\r\fb', 'b', 'a=1,\r\fb'],
      ['a=1,\vb', 'b', 'a=1,\vb'],
      ['b', 'b', 'b'],
      ['xb', 'b', 'xb, b'],
      ['bx', 'b', 'bx, b'],
      ['a, "b"', 'b', 'a, "b", b'],
      ['"a,b",b', 'b', '"a,b",b'],
      ['"a,b"x,b', 'b', '"a,b"x,b'],
      ['a,', 'b', 'a,, b'],
      [',b', 'b', ',b'],
      ['a,,b', 'b', 'a,,b'],
    ];
    expect(cases.map(([first, value]) => merge(first, value))).toEqual(cases.map(([, , result]) => result));
  });
});
