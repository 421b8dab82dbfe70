/**
 * Fixes for IIS outbound rules that add HttpOnly to CSRF cookies (proxy-semantics.md §3.1):
 *   - with `logicalGrouping="MatchAll"` (or no conditions): one more condition,
 *     `<add input="{R:0}" pattern="^(?:names)=" negate="true" />`, so the rule skips them;
 *   - otherwise (or when that cannot be proven): a negative lookahead at the start of the
 *     `<match>` pattern, wrapped so every `{R:n}` keeps its number;
 *   - when the rule also adds other attributes (Secure, SameSite), a companion rule right after
 *     it adds them, without HttpOnly, to the excluded cookies only.
 * Edits are exact text: indentation copied from the neighbours, the file's own line ending,
 * attribute values XML-escaped. The rule proves every candidate by re-simulation
 * (rules/xsrf-cookie-httponly/prove.ts) and offers the first that holds.
 */
import type { ExcludeCookiesRequest, FixCandidate, FixRefusal, Lowering } from '../dialect.js';
import { opOfKind } from '../../model/ops/index.js';
import { readsConditionCaptures } from '../../model/ops/iis-template.js';
import { dominantEol, type SourceFile, applyEdits, type TextEdit } from '../../source.js';
import type { IisSyntax } from './lower.js';
import type { OutboundRuleDef } from './outbound.js';
import { anchoredLookahead, cookieNamesLookahead, cookieNamesPattern } from './pattern-edit.js';
import { attribute, parseXml, type XmlAttribute, type XmlElement } from './xml.js';
import { decodeAttributeValue, escapeAttribute } from './xml-text.js';

interface Context {
  readonly file: SourceFile;
  readonly eol: string;
}

/** The white space before `offset` when nothing else precedes it on its line; null otherwise. */
function ownLineIndent(file: SourceFile, offset: number): string | null {
  let start = offset;
  while (start > 0 && file.text[start - 1] !== '\n' && file.text[start - 1] !== '\r') start--;
  const before = file.text.slice(start, offset);
  return /^[ \t]*$/.test(before) ? before : null;
}

/** One indentation step, from a parent and a child indentation, or a guess from the file. */
function indentUnit(file: SourceFile, parent: string | null, child: string | null): string {
  if (parent !== null && child !== null && child.startsWith(parent) && child.length > parent.length) return child.slice(parent.length);
  return /\n\t/.test(file.text) ? '\t' : '  ';
}

function addElement(input: string, pattern: string, negate: boolean): string {
  return `<add input="${escapeAttribute(input)}" pattern="${escapeAttribute(pattern)}"${negate ? ' negate="true"' : ''} />`;
}

/** Where a tag's attributes end: after the last attribute's closing quote, or after its name. */
function endOfAttributes(element: XmlElement): number {
  const last = element.attributes[element.attributes.length - 1];
  return last ? last.valueSpan.end + 1 : element.nameSpan.end;
}

/** Edits that add `add` (an `<add .../>` element) to the rule's conditions. */
function conditionEdits(ctx: Context, def: OutboundRuleDef, add: string): TextEdit[] {
  const { file, eol } = ctx;
  const path = file.path;
  const conditions = def.conditionsElement;
  const adds = conditions?.children.filter((c) => c.name === 'add') ?? [];
  // {C:n} means the last matched condition: a new last condition would change it, a first one not.
  const first = readsConditionCaptures(def.action.value) || def.conditions.entries.some((e) => readsConditionCaptures(e.input));
  if (conditions && adds.length > 0) {
    const anchor = first ? adds[0]! : adds[adds.length - 1]!;
    const indent = ownLineIndent(file, anchor.span.start);
    const gap = indent === null ? ' ' : `${eol}${indent}`;
    return first
      ? [{ file: path, start: anchor.span.start, end: anchor.span.start, text: `${add}${gap}` }]
      : [{ file: path, start: anchor.span.end, end: anchor.span.end, text: `${gap}${add}` }];
  }
  const ruleIndent = ownLineIndent(file, def.element.span.start);
  if (conditions) {
    const indent = ownLineIndent(file, conditions.span.start);
    const childIndent = indent === null ? null : indent + indentUnit(file, ruleIndent, indent);
    const inner = childIndent === null ? add : `${eol}${childIndent}${add}${eol}${indent}`;
    if (conditions.selfClosing) {
      return [{ file: path, start: endOfAttributes(conditions), end: conditions.span.end, text: `>${inner}</conditions>` }];
    }
    const content = conditions.content!;
    if (file.text.slice(content.start, content.end).trim() === '') return [{ file: path, start: content.start, end: content.end, text: inner }];
    return [{ file: path, start: content.start, end: content.start, text: childIndent === null ? add : `${eol}${childIndent}${add}` }];
  }
  const match = def.match!.element;
  const indent = ownLineIndent(file, match.span.start);
  if (indent === null) return [{ file: path, start: match.span.end, end: match.span.end, text: `<conditions>${add}</conditions>` }];
  const childIndent = indent + indentUnit(file, ruleIndent, indent);
  return [{ file: path, start: match.span.end, end: match.span.end, text: `${eol}${indent}<conditions>${eol}${childIndent}${add}${eol}${indent}</conditions>` }];
}

/** Edits that put `lookahead` at the start of the `<match>` pattern; null when there is no pattern attribute. */
function patternEdits(ctx: Context, def: OutboundRuleDef, lookahead: string): TextEdit[] | null {
  const attr = def.match?.patternAttr;
  if (!attr) return null;
  const raw = ctx.file.text.slice(attr.valueSpan.start, attr.valueSpan.end);
  const { value, offsets } = decodeAttributeValue(raw, attr.valueSpan.start);
  return anchoredLookahead(value, lookahead).map(([at, text]) => ({ file: ctx.file.path, start: offsets[at]!, end: offsets[at]!, text: escapeAttribute(text, attr.quote) }));
}

function replaceValue(ctx: Context, attr: XmlAttribute, value: string): TextEdit {
  return { file: ctx.file.path, start: attr.valueSpan.start, end: attr.valueSpan.end, text: escapeAttribute(value, attr.quote) };
}

function isHttpOnlySegment(segment: string): boolean {
  return segment.split('=')[0]!.trim().toLowerCase() === 'httponly';
}

/** The action value without its HttpOnly attribute, or null when it has no literal one. */
function valueWithoutHttpOnly(def: OutboundRuleDef): string | null {
  const segments = def.action.value.source.split(';');
  const kept = segments.filter((s) => !isHttpOnlySegment(s));
  return kept.length === segments.length ? null : kept.join(';');
}

/** Whether the action adds attributes besides HttpOnly (`{R:0}; HttpOnly; Secure`). */
function addsOtherAttributes(def: OutboundRuleDef): boolean {
  const rest = valueWithoutHttpOnly(def);
  return rest !== null && rest.split(';').filter((s) => s.trim() !== '').length > 1;
}

function ruleNames(files: Iterable<SourceFile>): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const stack = [parseXml(file).root];
    for (let el = stack.pop(); el !== undefined; el = stack.pop()) {
      if (!el) continue;
      if (el.name === 'rule') names.add((attribute(el, 'name')?.value ?? '').toLowerCase());
      stack.push(...el.children);
    }
  }
  return names;
}

/** The copy of a rule without its comments (they describe the original; lines they filled go too). */
function withoutComments(xml: string): string {
  return xml.replace(/(?:\r\n|\n|\r)[ \t]*<!--[\s\S]*?-->[ \t]*(?=\r\n|\n|\r)/g, '').replace(/<!--[\s\S]*?-->/g, '');
}

/**
 * A copy of the rule, inserted right after it, that applies only to the excluded cookies and
 * adds everything the original adds except HttpOnly.
 */
function companionEdit(ctx: Context, def: OutboundRuleDef, names: readonly string[], mode: 'condition' | 'lookahead', taken: Set<string>): TextEdit | null {
  const value = valueWithoutHttpOnly(def);
  const nameAttr = attribute(def.element, 'name');
  if (value === null || !nameAttr || !def.action.valueAttr) return null;
  let name = `${def.name} (CSRF cookies)`;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${def.name} (CSRF cookies ${n})`;
  const include = mode === 'condition' ? conditionEdits(ctx, def, addElement('{R:0}', cookieNamesPattern(names), false)) : patternEdits(ctx, def, cookieNamesLookahead(names, '='));
  if (!include) return null;
  const edits = [replaceValue(ctx, nameAttr, name), replaceValue(ctx, def.action.valueAttr, value), ...include];
  const { start, end } = def.element.span;
  const copy = applyEdits(
    ctx.file.text.slice(start, end),
    edits.map((e) => ({ ...e, start: e.start - start, end: e.end - start })),
  );
  const indent = ownLineIndent(ctx.file, start);
  const text = withoutComments(copy);
  return { file: ctx.file.path, start: end, end, text: indent === null ? ` ${text}` : `${ctx.eol}${indent}${text}` };
}

export function excludeCookies({ model, syntax }: Lowering<IisSyntax>, request: ExcludeCookiesRequest): FixCandidate[] | FixRefusal {
  const { op, names } = request;
  const def = opOfKind(op, 'iis-outbound-rule') ? syntax.rules.get(op) : undefined;
  const file = model.files.get(op.span.file);
  if (!def || !file || !def.match) return { reason: 'this is not an IIS outbound rule the linter can edit' };
  const exclusion = `${def.name === '' ? 'the rule' : `rule "${def.name}"`}`;
  const keep = `<rule name="Keep CSRF cookies readable" stopProcessing="true"><match serverVariable="RESPONSE_Set_Cookie" pattern="${escapeAttribute(cookieNamesPattern(names))}" /><action type="None" /></rule> before it (if no later rule must see those cookies)`;
  if (def.match.negate) return { reason: `${exclusion} matches with negate="true", so {R:0} is empty and the cookie name cannot be tested`, suggestion: keep };
  if (def.patternSyntax === 'ExactMatch') return { reason: `${exclusion} uses patternSyntax="ExactMatch", which cannot anchor a cookie name`, suggestion: keep };

  const ctx: Context = { file, eol: dominantEol(file.text) };
  const list = names.join(', ');
  const options: { edits: TextEdit[]; description: string; mode: 'condition' | 'lookahead' }[] = [];
  if (def.conditions.grouping === 'MatchAll') {
    options.push({ mode: 'condition', edits: conditionEdits(ctx, def, addElement('{R:0}', cookieNamesPattern(names), true)), description: `add a condition to ${exclusion} so it skips ${list}` });
  }
  const lookahead = patternEdits(ctx, def, cookieNamesLookahead(names, '!'));
  if (lookahead) options.push({ mode: 'lookahead', edits: lookahead, description: `exclude ${list} from ${exclusion} with a negative lookahead in its pattern` });
  if (options.length === 0) return { reason: `${exclusion} has no pattern attribute to restrict`, suggestion: keep };

  const candidates: FixCandidate[] = [];
  if (addsOtherAttributes(def)) {
    const taken = ruleNames(model.files.values());
    for (const o of options) {
      const companion = companionEdit(ctx, def, names, o.mode, taken);
      if (companion) candidates.push({ edits: [...o.edits, companion], description: `${o.description}, and add a companion rule that gives them the other attributes without HttpOnly` });
    }
  }
  candidates.push(...options.map((o) => ({ edits: o.edits, description: o.description })));
  return candidates;
}
