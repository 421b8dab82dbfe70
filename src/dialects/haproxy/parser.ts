/**
 * haproxy.cfg's structure, as `readcfgfile()` (src/cfgparse.c) reads it: a section keyword at the
 * start of a line opens a section that runs to the next one; every other non-empty line is a
 * statement of the current section. `.if`/`.elif`/`.else`/`.endif` blocks are evaluated as
 * HAProxy 2.6 does (`cfg_eval_condition`, src/cfgcond.c) when the linter can decide them; a block
 * whose condition depends on the environment of the deployment is kept, with its statements
 * marked as conditional. `.diag`/`.notice`/`.warning` are ignored, `.alert` in a taken block stops
 * HAProxy.
 */
import type { CommentToken, Problem } from '../../model/header-rewrite.js';
import type { Span } from '../../source.js';
import { lexFile, type EnvLookup, type Line, type Word } from './lexer.js';

export type SectionKind = 'global' | 'defaults' | 'frontend' | 'backend' | 'listen' | 'other';

/** HAProxy 2.6's section keywords (`cfg_register_section` calls). */
const SECTIONS: ReadonlyMap<string, SectionKind> = new Map<string, SectionKind>([
  ['global', 'global'],
  ['defaults', 'defaults'],
  ['frontend', 'frontend'],
  ['backend', 'backend'],
  ['listen', 'listen'],
  ...['userlist', 'peers', 'mailers', 'resolvers', 'program', 'http-errors', 'ring', 'cache', 'fcgi-app', 'log-forward'].map((k) => [k, 'other'] as [string, SectionKind]),
]);

/** A non-empty line of a section. */
export interface Statement {
  readonly line: Line;
  readonly words: readonly Word[];
  /** The `.if` conditions (as written) this statement depends on, when the linter cannot decide them. */
  readonly guards: readonly string[];
}

export interface Section {
  readonly kind: SectionKind;
  /** The section keyword as written (`frontend`, `userlist`...). */
  readonly keyword: string;
  readonly header: Statement;
  /** The section's name (`defaults` may have none). */
  readonly name?: Word;
  /** `from <defaults>` on the header line. */
  readonly from?: Word;
  readonly statements: Statement[];
}

export interface ParsedConfig {
  readonly sections: readonly Section[];
  readonly comments: readonly CommentToken[];
  readonly problems: readonly Problem[];
}

type Truth = boolean | 'unknown';

const VERSION: readonly number[] = [2, 6, 12];

function compareVersion(text: string): number | null {
  const parts = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!parts) return null;
  const v = [Number(parts[1]), Number(parts[2] ?? 0), Number(parts[3] ?? 0)];
  for (let i = 0; i < 3; i++) if (VERSION[i]! !== v[i]!) return VERSION[i]! - v[i]!;
  return 0;
}

/** Nesting of `(` and `!` in a `.if` condition that is evaluated (as deep as regex groups). */
const MAX_CONDITION_DEPTH = 250;

/**
 * One `.if` argument list: terms joined by `&&`/`||` (`&&` first), `!` negation, parentheses.
 * Terms: a number (non-zero is true), an empty word (false), `defined(NAME)`, `streq(a,b)`,
 * `strneq(a,b)`, `version_atleast(v)`, `version_before(v)` (against 2.6), `feature(...)` and the
 * OpenSSL tests (unknown: they depend on the build that runs the configuration).
 */
export function evalCondition(words: readonly Word[], known: (name: string) => boolean | undefined): Truth {
  const text = words.map((w) => w.value).join(' ');
  if (words.some((w) => w.substituted)) return 'unknown';
  const tokens = text.match(/&&|\|\||!|\(|\)|[A-Za-z_][A-Za-z0-9_]*\([^)]*\)|[^\s()!&|]+/g) ?? [''];
  let pos = 0;
  // Parentheses and `!` nested deeper than this are not evaluated (each is a recursion here):
  // the condition is then unknown, and both branches are read.
  let depth = 0;
  const and = (a: Truth, b: Truth): Truth => (a === false || b === false ? false : a === true && b === true ? true : 'unknown');
  const or = (a: Truth, b: Truth): Truth => (a === true || b === true ? true : a === false && b === false ? false : 'unknown');
  const nested = (read: () => Truth): Truth => {
    if (depth >= MAX_CONDITION_DEPTH) {
      pos = tokens.length;
      return 'unknown';
    }
    depth++;
    const v = read();
    depth--;
    return v;
  };
  const term = (): Truth => {
    const t = tokens[pos++] ?? '';
    if (t === '!') {
      const v = nested(term);
      return v === 'unknown' ? v : !v;
    }
    if (t === '(') {
      const v = nested(expr);
      if (tokens[pos] === ')') pos++;
      return v;
    }
    if (t === '') return false;
    if (/^-?\d+$/.test(t)) return Number(t) !== 0;
    const call = /^([A-Za-z_][A-Za-z0-9_]*)\(([^)]*)\)$/.exec(t);
    if (!call) return 'unknown';
    const args = call[2]!.split(',').map((a) => a.trim());
    switch (call[1]) {
      case 'defined':
        return known(args[0] ?? '') ?? 'unknown';
      case 'streq':
        return args[0] === args[1];
      case 'strneq':
        return args[0] !== args[1];
      case 'version_atleast': {
        const c = compareVersion(args[0] ?? '');
        return c === null ? 'unknown' : c >= 0;
      }
      case 'version_before': {
        const c = compareVersion(args[0] ?? '');
        return c === null ? 'unknown' : c < 0;
      }
      default:
        return 'unknown';
    }
  };
  const conj = (): Truth => {
    let v = term();
    while (tokens[pos] === '&&') {
      pos++;
      v = and(v, term());
    }
    return v;
  };
  const expr = (): Truth => {
    let v = conj();
    while (tokens[pos] === '||') {
      pos++;
      v = or(v, conj());
    }
    return v;
  };
  return expr();
}

interface Block {
  /** Whether the current branch is taken. */
  state: Truth;
  /** Some earlier branch's condition is true: later branches are never taken. */
  taken: boolean;
  /** Some earlier branch may have been taken. */
  maybe: boolean;
  /** Whether the enclosing context is live at all. */
  readonly parentLive: boolean;
  elseSeen: boolean;
  guard: string;
  readonly opened: Span;
}

export function parseConfig(file: string, text: string, env: EnvLookup, known: (name: string) => boolean | undefined): ParsedConfig {
  const lines = lexFile(file, text, env);
  const sections: Section[] = [];
  const comments: CommentToken[] = [];
  const problems: Problem[] = [];
  const blocks: Block[] = [];
  let current: Section | undefined;
  const live = () => blocks.every((b) => b.state !== false);
  const guards = () => blocks.filter((b) => b.state === 'unknown').map((b) => b.guard);
  const spanOf = (w: Word): Span => w.span;
  for (const line of lines) {
    if (line.comment) comments.push(line.comment);
    if (line.error) {
      // HAProxy tokenizes every line before it looks at `.if` blocks: a broken line in a dropped
      // block stops it too [LAB haproxy 2.6.12: unmatched quote inside `.if 0`].
      problems.push({ span: { file, start: line.error.offset, end: Math.min(line.error.offset + 1, line.span.end) }, message: `${line.error.message}.`, kind: 'syntax' });
      continue;
    }
    const words = line.words;
    if (words.length === 0) continue;
    const kw = words[0]!.value;
    if (kw === '.if') {
      const parentLive = live();
      const v = parentLive ? evalCondition(words.slice(1), known) : false;
      blocks.push({ state: v, taken: v === true, maybe: v !== false, parentLive, elseSeen: false, guard: `.if ${words.slice(1).map((w) => w.value).join(' ')}`, opened: line.span });
      continue;
    }
    if (kw === '.elif' || kw === '.else' || kw === '.endif') {
      const b = blocks[blocks.length - 1];
      if (!b) {
        problems.push({ span: spanOf(words[0]!), message: `lone '${kw}' with no matching '.if'.`, kind: 'syntax' });
        continue;
      }
      if (kw === '.endif') {
        blocks.pop();
        continue;
      }
      if (b.elseSeen) {
        problems.push({ span: spanOf(words[0]!), message: `'${kw}' after '.else' is not permitted.`, kind: 'syntax' });
        continue;
      }
      if (!b.parentLive || b.taken) b.state = false;
      else if (kw === '.else') {
        b.state = b.maybe ? 'unknown' : true;
        b.elseSeen = true;
        b.guard = `.else of ${b.guard}`;
      } else {
        const v = evalCondition(words.slice(1), known);
        b.state = v === false ? false : b.maybe ? 'unknown' : v;
        b.guard = `.elif ${words.slice(1).map((w) => w.value).join(' ')}`;
        // A true condition ends the chain even when an earlier undecided branch may win first.
        if (v === true) b.taken = true;
      }
      if (b.state === true) b.taken = true;
      if (b.state !== false) b.maybe = true;
      continue;
    }
    if (!live()) continue;
    if (kw === '.diag' || kw === '.notice' || kw === '.warning') continue;
    if (kw === '.alert') {
      problems.push({ span: line.span, message: `.alert: ${words.slice(1).map((w) => w.value).join(' ')}`, kind: 'refused' });
      continue;
    }
    const statement: Statement = { line, words, guards: guards() };
    const kind = SECTIONS.get(kw);
    if (kind) {
      const fromAt = words.findIndex((w, i) => i >= 1 && w.value === 'from');
      const name = kind === 'defaults' ? (words[1] && words[1].value !== 'from' ? words[1] : undefined) : words[1];
      current = {
        kind,
        keyword: kw,
        header: statement,
        ...(name ? { name } : {}),
        ...(fromAt > 0 && words[fromAt + 1] ? { from: words[fromAt + 1]! } : {}),
        statements: [],
      };
      sections.push(current);
      continue;
    }
    if (!current) {
      problems.push({ span: spanOf(words[0]!), message: `unknown keyword '${kw}' out of section.`, kind: 'syntax' });
      continue;
    }
    current.statements.push(statement);
  }
  for (const b of blocks) problems.push({ span: b.opened, message: `unterminated '.if' block.`, kind: 'syntax' });
  return { sections, comments, problems };
}
