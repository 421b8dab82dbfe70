/**
 * The HAProxy fix for an `http-response replace-header|replace-value Set-Cookie <regex> <fmt>`
 * that adds HttpOnly to XSRF cookies: the regex gets a negative lookahead on the cookie names,
 * so those lines no longer match and HAProxy leaves them alone (a line the regex does not match
 * is not rewritten at all):
 *
 * - `^...` patterns get `(?!(?:NAMES)=)` right after the `^`;
 * - patterns whose leftmost match always starts at 0 (`(.*)`) get `^(?!(?:NAMES)=)` in front;
 * - any other pattern P becomes `^(?!(?:NAMES)=)[\s\S]*?(?:P)`: the lazy prefix finds the same
 *   leftmost match a search finds and captures nothing, so `\1`... keep their meaning.
 * When the format adds more than HttpOnly (`"\1; HttpOnly; Secure"`), a companion rule on the
 * next line, with the same condition, matches only the XSRF cookies (positive lookahead) and adds
 * the other attributes. The regex word keeps its quoting; inserted text is escaped for it.
 */
import { samplesFor } from '../../cookies/samples.js';
import { createHaproxyHttpResponseOp, parseLogFormat, type HaproxyHttpResponseOp } from '../../model/ops/haproxy-http-response.js';
import { opOfKind } from '../../model/ops/index.js';
import { backendLine } from '../../model/set-cookie.js';
import { compileRegex, escapeRegexLiteral, patternShape } from '../../regex/index.js';
import { dominantEol, indentationAt, type TextEdit } from '../../source.js';
import type { ExcludeCookiesRequest, FixCandidate, FixRefusal, Lowering } from '../dialect.js';
import { lexLine, type QuoteContext, type Word } from './lexer.js';
import type { HaproxySyntax } from './lower.js';

interface Insertion {
  /** Offset in the word's value. */
  readonly at: number;
  readonly text: string;
}

const BACKSLASH_SPECIAL = new Set([' ', '\\', '#', "'", '"', 't', 'n', 'r', 'x']);

/** `text` written so that `parse_line` reads it back in quoting context `ctx`. */
function encodeFor(ctx: QuoteContext, text: string, next: string | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const after = i + 1 < text.length ? text[i + 1] : next;
    if (ctx === 'single') out += c === "'" ? "'\\''" : c;
    else if (c === '\\') out += after !== undefined && (BACKSLASH_SPECIAL.has(after) || (ctx === 'double' && after === '$')) ? '\\\\' : '\\';
    else if (c === '"') out += '\\"';
    else if (ctx === 'none' && (c === ' ' || c === '\t' || c === '#' || c === "'")) out += `\\${c}`;
    else if (ctx === 'double' && c === '$') out += '\\$';
    else out += c;
  }
  return out;
}

/** The word's raw text with `insertions` made in its value. */
function editWord(word: Word, insertions: readonly Insertion[]): string {
  const base = word.span.start;
  let out = '';
  let pos = 0;
  for (const ins of [...insertions].sort((a, b) => a.at - b.at)) {
    const raw = word.rawAt[ins.at]! - base;
    out += word.raw.slice(pos, raw) + encodeFor(word.contextAt[ins.at]!, ins.text, word.value[ins.at]);
    pos = raw;
  }
  return out + word.raw.slice(pos);
}

function applyInsertions(value: string, insertions: readonly Insertion[]): string {
  let out = '';
  let pos = 0;
  for (const ins of [...insertions].sort((a, b) => a.at - b.at)) {
    out += value.slice(pos, ins.at) + ins.text;
    pos = ins.at;
  }
  return out + value.slice(pos);
}

/** Whether `exp_replace` would insert the whole match (`\0`) for this format. */
function usesWholeMatch(format: string): boolean {
  for (let i = 0; i < format.length; i++) if (format[i] === '\\' && format[++i] === '0') return true;
  return false;
}

function regexInsertions(source: string, assertion: string, wholeMatch: boolean): Insertion[] | string {
  const shape = patternShape(source, { flavor: 'pcre' });
  if (!shape) return 'the pattern cannot be analysed';
  if (shape.startAnchor && !shape.topLevelAlternation) return [{ at: shape.startAnchor.end, text: assertion }];
  const at = shape.leadingFlagsEnd;
  if (shape.alwaysMatchesAtStartIfAnywhere && !shape.topLevelAlternation) return [{ at, text: `^${assertion}` }];
  // A prefix that finds the same match would also become part of `\0`.
  if (!shape.alwaysMatchesAtStartIfAnywhere && wholeMatch) return 'the format inserts the whole match (\\0), which a lookahead prefix would change';
  const prefix = shape.alwaysMatchesAtStartIfAnywhere ? '' : '[\\s\\S]*?';
  return [
    { at, text: `^${assertion}${prefix}(?:` },
    { at: source.length, text: ')' },
  ];
}

/** The format word without its HttpOnly attribute (`; HttpOnly`), or null when it cannot be separated. */
function withoutHttpOnly(word: Word): string | null {
  const stripped = word.raw.replace(/[ \t]*;[ \t]*httponly(?=[ \t]*(?:;|"|'|$))/gi, '');
  if (stripped === word.raw || /httponly/i.test(stripped)) return null;
  return stripped;
}

/**
 * Whether the XSRF cookies would still be changed by the rule with HttpOnly taken out of its
 * format (other attributes to keep): then only the candidate with a companion rule can hold, and
 * proving the other one first would double the cost of the proof.
 */
function needsCompanion(op: HaproxyHttpResponseOp, positiveSource: string, strippedFormat: string, names: readonly string[]): boolean {
  const compiled = compileRegex(positiveSource, { flavor: 'pcre' });
  if (!compiled.ok) return true;
  const probe = createHaproxyHttpResponseOp({
    span: op.span,
    label: op.label,
    action: op.action,
    header: 'Set-Cookie',
    regex: compiled.regex,
    patternSource: positiveSource,
    format: parseLogFormat(strippedFormat),
    actionSpan: op.actionSpan,
    condition: null,
  });
  for (const name of names) {
    for (const sample of samplesFor(name)) {
      const lines = [backendLine(sample, 'http')];
      try {
        probe.apply(lines, { backend: 'http', status: 200 });
      } catch {
        return true;
      }
      if (lines[0]?.value !== sample) return true;
    }
  }
  return false;
}

export function excludeCookies({ model, syntax }: Lowering<HaproxySyntax>, request: ExcludeCookiesRequest): FixCandidate[] | FixRefusal {
  const { op, names } = request;
  const alternation = names.map((n) => escapeRegexLiteral(n, 'pcre')).join('|');
  const writesWholeLine: FixRefusal = {
    reason: `${op.label} writes the whole Set-Cookie line itself`,
    suggestion: `http-response replace-header Set-Cookie ^(?!(?:${alternation})=)(.*)$ "\\1; HttpOnly"`,
  };
  if (!opOfKind(op, 'haproxy-http-response') || (op.action !== 'replace-header' && op.action !== 'replace-value')) return writesWholeLine;
  const rule = syntax.rules.get(op);
  if (!rule) return writesWholeLine;
  const file = model.files.get(op.span.file);
  const pattern = rule.patternWord;
  const format = rule.formatWord;
  if (!file || !pattern || !format) return { reason: 'the rule has no pattern' };
  if (pattern.substituted) return { reason: 'the regex comes from an environment variable, so the text to change is not on this line' };
  if (!op.regex) return { reason: 'the regex cannot be simulated' };
  const wholeMatch = usesWholeMatch(op.format?.text ?? '');
  const negative = regexInsertions(pattern.value, `(?!(?:${alternation})=)`, wholeMatch);
  if (typeof negative === 'string') return { reason: negative, suggestion: `http-response ${op.action} Set-Cookie '^(?!(?:${alternation})=)(.*)' "\\1; HttpOnly"` };
  const edits: TextEdit[] = [{ file: file.path, start: pattern.span.start, end: pattern.span.end, text: editWord(pattern, negative) }];
  const simple: FixCandidate = { edits: [...edits], description: `exclude ${names.join(', ')} from ${op.action} with a negative lookahead` };
  const stripped = withoutHttpOnly(format);
  if (stripped === null || format.substituted) return [simple];
  const positive = regexInsertions(pattern.value, `(?=(?:${alternation})=)`, wholeMatch) as Insertion[];
  const positiveSource = applyInsertions(pattern.value, positive);
  const strippedValue = lexLine(file.path, stripped, 0, stripped.length, () => undefined).words[0]?.value ?? '';
  if (!needsCompanion(op, positiveSource, strippedValue, names)) return [simple];
  const words = rule.statement.words;
  const lineStart = words[0]!.span.start;
  const lineEnd = words[words.length - 1]!.span.end;
  const companion =
    file.text.slice(lineStart, pattern.span.start) +
    editWord(pattern, positive) +
    file.text.slice(pattern.span.end, format.span.start) +
    stripped +
    file.text.slice(format.span.end, lineEnd);
  const at = rule.statement.line.span.end;
  const withCompanion: FixCandidate = {
    edits: [...edits, { file: file.path, start: at, end: at, text: `${dominantEol(file.text)}${indentationAt(file, lineStart)}${companion}` }],
    description: `${simple.description}, and add a rule that gives them the other attributes without HttpOnly`,
  };
  return [withCompanion];
}
