/**
 * The Apache fix for a `Header [cond] edit|edit* Set-Cookie <regex> <replacement> [env]` that adds
 * HttpOnly to XSRF cookies: the regex gets an anchored negative lookahead on the cookie names
 * (`^(.*)$` → `^(?!(?:atl\.xsrf\.token|XSRF-TOKEN)=)(.*)$`, the recommended shape verified on
 * httpd 2.4.71, proxy-semantics.md §1.3). Everything else is kept byte for byte: quoting, inline
 * flags such as `(?i)` (the lookahead goes after them), the replacement, the env clause.
 *
 * - anchored patterns (`^...`) get the lookahead right after the `^`;
 * - patterns whose leftmost match always starts at 0 (`(.*)`, `.*$`) are anchored first, which
 *   changes nothing for other cookies;
 * - other patterns (`$`, `;\s*Path`) are rewritten to `^(?!...)([\s\S]*?)(?:pattern)`: the lazy
 *   prefix finds the same leftmost match; it is captured, so the replacement becomes `$1` + the
 *   old one with every `$n` renumbered (refused beyond `$9`, or when the pattern numbers its own
 *   back-references);
 * - when the replacement adds more than HttpOnly (`"$1; HttpOnly; Secure"`), a companion
 *   directive is inserted on the next line, same indentation, condition word and env clause,
 *   that matches only the XSRF cookies (positive lookahead) and adds the other attributes.
 * Refused: regexes or replacements made by `${VAR}` substitution, `expr=` replacements,
 * patterns the simulator cannot analyse.
 */
import type { ExcludeCookiesRequest, FixCandidate, FixRefusal, Lowering } from '../dialect.js';
import { samplesFor } from '../../cookies/samples.js';
import { createApacheHeaderOp, type ApacheHeaderOp } from '../../model/ops/apache-header.js';
import { opOfKind } from '../../model/ops/index.js';
import { parseFormat } from '../../model/ops/apache-format.js';
import { rewriteCookieValue, type ApacheRewriteCookieOp } from '../../model/ops/apache-rewrite-cookie.js';
import { backendLine, hasHttpOnly } from '../../model/set-cookie.js';
import { escapeRegexLiteral, patternShape, type CompiledRegex } from '../../regex/index.js';
import { dominantEol, indentationAt, type SourceFile, type TextEdit } from '../../source.js';
import type { HeaderDirective } from './header-directive.js';
import type { ApacheSyntax } from './lower.js';
import { groupRefs, httpOnlyRanges } from './replacement.js';
import { withoutHttpOnly } from './rewrite-cookies.js';
import { editWord, type ValueEdit } from './token-edit.js';
import type { Word } from './words.js';

interface PatternRewrite {
  /** Edits of the pattern's value, given the lookahead to insert. */
  readonly patternEdits: (lookahead: string) => ValueEdit[];
  /** Group numbers shift by this much (the captured prefix). */
  readonly shift: number;
  /** The old `$0` becomes this group (general case with `$0` in the replacement). */
  readonly zeroTo?: number;
}

/** Numbered back-references inside the pattern would change meaning when a group is added in front. */
function hasNumberedBackrefs(pattern: string): boolean {
  return /\\(?:[1-9]|g\{?[-+]?\d|k?\{?\d)|\(\?(?:[-+]?\d|R|&)|\(\?P>/.test(pattern);
}

function planRewrite(regex: CompiledRegex, replacementValue: string): PatternRewrite | string {
  const shape = patternShape(regex.source, regex.options);
  if (!shape) return 'the pattern cannot be analysed';
  const flagsEnd = shape.leadingFlagsEnd;
  if (shape.startAnchor && !shape.topLevelAlternation) {
    const at = shape.startAnchor.end;
    return { patternEdits: (l) => [{ start: at, end: at, text: l }], shift: 0 };
  }
  const end = regex.source.length;
  const wrap = shape.topLevelAlternation;
  if (shape.alwaysMatchesAtStartIfAnywhere) {
    return {
      patternEdits: (l) => [
        { start: flagsEnd, end: flagsEnd, text: `^${l}${wrap ? '(?:' : ''}` },
        ...(wrap ? [{ start: end, end, text: ')' }] : []),
      ],
      shift: 0,
    };
  }
  if (hasNumberedBackrefs(regex.source.slice(flagsEnd))) return 'the pattern uses numbered back-references, which a captured prefix would renumber';
  const refs = groupRefs(replacementValue);
  if (!refs) return 'the replacement cannot be renumbered exactly';
  const usesZero = refs.some((r) => r.group === 0);
  const shift = usesZero ? 2 : 1;
  if (refs.some((r) => (r.group === 0 ? 2 : r.group + shift) > 9)) return 'the replacement would need a group reference beyond $9';
  return {
    patternEdits: (l) => [
      { start: flagsEnd, end: flagsEnd, text: `^${l}([\\s\\S]*?)${usesZero ? '(' : wrap ? '(?:' : ''}` },
      ...(usesZero || wrap ? [{ start: end, end, text: ')' }] : []),
    ],
    shift,
    ...(usesZero ? { zeroTo: 2 } : {}),
  };
}

/** Replacement value edits: `$1` in front (the prefix) and every `$n` renumbered. */
function replacementEdits(plan: PatternRewrite, value: string): ValueEdit[] | null {
  if (plan.shift === 0) return [];
  const refs = groupRefs(value);
  if (!refs) return null;
  return [
    { start: 0, end: 0, text: '$1' },
    ...refs.map((r) => ({ start: r.at, end: r.at + 1, text: String(r.group === 0 ? plan.zeroTo! : r.group + plan.shift) })),
  ];
}

/** Merges edit lists on one word: insertions at the same offset keep their order. */
function combine(...lists: ValueEdit[][]): ValueEdit[] {
  return lists.flat().sort((a, b) => a.start - b.start || a.end - b.end);
}

function fileText(file: SourceFile, w: Word): string {
  return file.text.slice(w.span.start, w.span.end);
}

/** Whether the replacement without HttpOnly still changes the XSRF cookies (other flags to keep). */
function needsCompanion(op: ApacheHeaderOp, regex: CompiledRegex, stripped: string, names: readonly string[]): boolean {
  const format = parseFormat(stripped);
  if ('error' in format) return true;
  const probe = createApacheHeaderOp({
    span: op.span,
    label: op.label,
    condition: null,
    action: op.action,
    table: 'onsuccess',
    early: false,
    header: 'Set-Cookie',
    actionSpan: op.actionSpan,
    pattern: { source: regex.source, span: op.span, regex },
    format,
    formatEnv: { env: () => undefined },
  });
  for (const name of names) {
    for (const sample of samplesFor(name)) {
      const lines = [backendLine(sample, 'http', 'onsuccess')];
      try {
        if (probe.apply(lines, { backend: 'http', status: 200 })?.crash) return true;
      } catch {
        return true;
      }
      if (lines[0]?.value !== sample) return true;
    }
  }
  return false;
}

function suggestion(op: ApacheHeaderOp, h: HeaderDirective, alternation: string): string {
  const cond = h.conditionWord ? `${h.conditionWord.value} ` : '';
  return `Header ${cond}${h.action} Set-Cookie "^(?!(?:${alternation})=)(.*)$" "${op.replacement?.text.replace(/"/g, '\\"') ?? '$1; HttpOnly'}"`;
}

const NOT_AN_EDIT: FixRefusal = { reason: 'only a Header edit directive can be rewritten to skip cookies' };

/** mod_rewrite's `CO` flags that write a CSRF cookie with HttpOnly: their httponly field becomes `0`. */
function rewriteCookieFix(op: ApacheRewriteCookieOp, names: readonly string[], file: SourceFile | undefined): FixCandidate[] | FixRefusal {
  const span = op.cookies[0]?.span;
  if (!file || !span) return { reason: 'the flags are not in a file the linter read' };
  const written = file.text.slice(span.start, span.end);
  let text = written;
  let from = 0;
  const changed: string[] = [];
  for (const c of op.cookies) {
    const value = rewriteCookieValue(c.spec);
    const name = value?.slice(0, value.indexOf('='));
    if (!value || !name || !names.includes(name) || !hasHttpOnly(value)) continue;
    const at = text.indexOf(c.spec, from);
    const fixed = withoutHttpOnly(c.spec);
    if (at < 0 || fixed === null) return { reason: 'the CO flag is not written as httpd reads it (quotes, escapes or a ${VAR} in it)' };
    text = text.slice(0, at) + fixed + text.slice(at + c.spec.length);
    from = at + fixed.length;
    changed.push(name);
  }
  if (changed.length === 0) return { reason: 'no CO flag of the rule writes those cookies with HttpOnly' };
  return [{ edits: [{ file: file.path, start: span.start, end: span.end, text }], description: `set the httponly field of the CO flag for ${changed.join(', ')} to 0` }];
}

export function excludeCookies({ model, syntax }: Lowering<ApacheSyntax>, request: ExcludeCookiesRequest): FixCandidate[] | FixRefusal {
  const { op, names } = request;
  if (opOfKind(op, 'apache-rewrite-cookie')) return rewriteCookieFix(op, names, model.files.get(op.span.file));
  if (!opOfKind(op, 'apache-header') || (op.action !== 'edit' && op.action !== 'edit*')) return NOT_AN_EDIT;
  const h = syntax.headers.get(op);
  if (!h) return NOT_AN_EDIT;
  const alternation = names.map((n) => escapeRegexLiteral(n, 'pcre')).join('|');
  const refuse = (reason: string): FixRefusal => ({ reason, suggestion: suggestion(op, h, alternation) });
  const patternWord = h.valueWord;
  const subsWord = h.subsWord;
  const regex = op.pattern?.regex;
  const file = model.files.get(op.span.file);
  if (!patternWord || !subsWord || !file) return refuse('the directive has no pattern');
  if (patternWord.macroParameter) return refuse(`the regex contains a <Macro> parameter (${fileText(file, patternWord)}), so one edit of the macro body would not fit every Use`);
  if (patternWord.substituted) return refuse('the regex comes from a ${VAR} substitution, so the text to change is not on this line');
  if (!regex) return refuse('the regex cannot be simulated');
  const plan = planRewrite(regex, subsWord.value);
  if (typeof plan === 'string') return refuse(plan);
  const replEdits = replacementEdits(plan, subsWord.value);
  if (!replEdits) return refuse('the replacement cannot be renumbered exactly');
  if (replEdits.length > 0 && subsWord.macroParameter) return refuse('the replacement contains a <Macro> parameter, so one edit of the macro body would not fit every Use');
  if (replEdits.length > 0 && subsWord.substituted) return refuse('the replacement comes from a ${VAR} substitution');
  const negative = `(?!(?:${alternation})=)`;
  const edits: TextEdit[] = [{ file: file.path, start: patternWord.span.start, end: patternWord.span.end, text: editWord(patternWord, plan.patternEdits(negative)) }];
  if (replEdits.length > 0) edits.push({ file: file.path, start: subsWord.span.start, end: subsWord.span.end, text: editWord(subsWord, replEdits) });
  let description = `exclude ${names.join(', ')} from ${h.action} with a negative lookahead`;

  const removals = httpOnlyRanges(subsWord.value);
  const strippedValue = removals ? applyValueEdits(subsWord.value, removals.map((r) => ({ ...r, text: '' }))) : subsWord.value;
  if (needsCompanion(op, regex, strippedValue, names)) {
    if (!removals || removals.length === 0) return refuse('the replacement adds HttpOnly in a way that cannot be separated from its other changes');
    const words = [h.node.nameWord, h.conditionWord, h.actionWord, h.headerWord, h.envWord].filter((w): w is Word => w !== undefined);
    if (words.some((w) => w.macroParameter) || subsWord.macroParameter) return refuse('the directive uses <Macro> parameters, so one edit of the macro body would not fit every Use');
    if (words.some((w) => w.substituted) || subsWord.substituted) return refuse('the directive uses ${VAR} substitutions');
    const positive = `(?=(?:${alternation})=)`;
    const companionPattern = editWord(patternWord, plan.patternEdits(positive));
    const companionRepl = editWord(subsWord, combine(replEdits, removals.map((r) => ({ ...r, text: '' }))));
    const parts = [
      fileText(file, h.node.nameWord),
      ...(h.conditionWord ? [fileText(file, h.conditionWord)] : []),
      fileText(file, h.actionWord),
      fileText(file, h.headerWord),
      companionPattern,
      companionRepl,
      ...(h.envWord ? [fileText(file, h.envWord)] : []),
    ];
    const eol = dominantEol(file.text);
    const at = h.node.line.line.lineEnd;
    edits.push({ file: file.path, start: at, end: at, text: `${eol}${indentationAt(file, h.node.span.start)}${parts.join(' ')}` });
    description += ', and add a directive that gives them the other attributes without HttpOnly';
  }
  return [{ edits, description }];
}

function applyValueEdits(value: string, edits: readonly ValueEdit[]): string {
  let out = '';
  let pos = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    out += value.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + value.slice(pos);
}
