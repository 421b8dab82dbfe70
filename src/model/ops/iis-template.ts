/**
 * IIS URL Rewrite substitution strings and condition inputs: literal text with `{R:n}` (rule
 * pattern back-references), `{C:n}` (condition back-references), `{SERVER_VARIABLE}` and
 * `{Function:...}` (ToLower, UrlEncode, UrlDecode, HtmlEncode; rewrite maps use the same form).
 * MicrosoftDocs/iis-docs url-rewrite-module-configuration-reference.md "Using server variables",
 * "Using back-references" ("N is from 0 to 9"), "String functions";
 * url-rewrite-module-20-configuration-reference.md (HtmlEncode, "Accessing Response Headers").
 *
 * Only the Set-Cookie value itself is known to the simulation; every other server variable,
 * function of one, or rewrite map is unknown and evaluates to its own text, flagged `unknown`.
 */

import type { KeyPart } from '../signature.js';

export type TemplateSegment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'rule'; readonly index: number }
  | { readonly kind: 'cond'; readonly index: number }
  | { readonly kind: 'var'; readonly name: string; readonly raw: string }
  | { readonly kind: 'func'; readonly name: string; readonly args: readonly TemplateSegment[]; readonly raw: string };

/** What a template does, as plain data for semantic keys (src/model/signature.ts). */
export function templateKey(segments: readonly TemplateSegment[]): KeyPart {
  return segments.map((s): KeyPart => {
    switch (s.kind) {
      case 'text':
        return ['t', s.text];
      case 'rule':
        return ['R', s.index];
      case 'cond':
        return ['C', s.index];
      case 'var':
        return ['v', s.name];
      default:
        return ['f', s.name, templateKey(s.args)];
    }
  });
}

export interface Template {
  readonly source: string;
  readonly segments: readonly TemplateSegment[];
}

/** Nesting beyond this is read as literal text (`{ToLower:{UrlEncode:{R:1}}}` is depth 3). */
const MAX_NESTING = 8;

interface Parsed {
  readonly segments: TemplateSegment[];
  readonly end: number;
}

function pushText(out: TemplateSegment[], text: string): void {
  const last = out[out.length - 1];
  if (last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + text };
  else if (text !== '') out.push({ kind: 'text', text });
}

/** One `{...}` starting at `source[at] === '{'`, or null when it is not one (then `{` is literal). */
function parseBrace(source: string, at: number, depth: number): { segment: TemplateSegment; end: number } | null {
  if (depth >= MAX_NESTING) return null;
  let j = at + 1;
  while (j < source.length && source[j] !== ':' && source[j] !== '}' && source[j] !== '{') j++;
  const name = source.slice(at + 1, j);
  if (name === '' || j >= source.length || source[j] === '{') return null;
  if (source[j] === '}') return { segment: { kind: 'var', name, raw: source.slice(at, j + 1) }, end: j + 1 };
  // name:...
  if (/^[RC]$/i.test(name)) {
    const m = /^([0-9])\}/.exec(source.slice(j + 1, j + 3));
    if (!m) return null;
    const index = Number(m[1]);
    return { segment: name.toUpperCase() === 'R' ? { kind: 'rule', index } : { kind: 'cond', index }, end: j + 3 };
  }
  const inner = parseSegments(source, j + 1, depth + 1, true);
  if (inner.end >= source.length || source[inner.end] !== '}') return null;
  return { segment: { kind: 'func', name, args: inner.segments, raw: source.slice(at, inner.end + 1) }, end: inner.end + 1 };
}

function parseSegments(source: string, from: number, depth: number, inFunction: boolean): Parsed {
  const segments: TemplateSegment[] = [];
  let i = from;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '}' && inFunction) return { segments, end: i };
    if (c === '{') {
      const brace = parseBrace(source, i, depth);
      if (brace) {
        segments.push(brace.segment);
        i = brace.end;
        continue;
      }
    }
    pushText(segments, c);
    i++;
  }
  return { segments, end: i };
}

export function parseTemplate(source: string): Template {
  return { source, segments: parseSegments(source, 0, 0, false).segments };
}

/** `RESPONSE_Set_Cookie` in any case; `RESPONSE_X_Y` names header `X-Y` (2.0 reference). */
export function isSetCookieVariable(name: string): boolean {
  return name.toUpperCase().replace(/-/g, '_') === 'RESPONSE_SET_COOKIE';
}

export const UNKNOWN = 'unknown' as const;

export interface TemplateContext {
  /** Captures of the rule pattern (`[0]` = whole match); null when there are none (negated match). */
  readonly rule: readonly string[] | null;
  /** Captures `{C:n}` refers to, or unknown when a condition before could not be evaluated. */
  readonly cond: readonly string[] | typeof UNKNOWN;
  /** The value `{RESPONSE_Set_Cookie}` stands for, when known. */
  readonly setCookie: string | typeof UNKNOWN;
}

export interface Evaluated {
  readonly text: string;
  /** Some part depends on something the simulation does not know (a request variable...). */
  readonly unknown: boolean;
}

function htmlEncode(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function urlDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

const FUNCTIONS: Readonly<Record<string, (s: string) => string>> = {
  tolower: (s) => s.toLowerCase(),
  urlencode: (s) => encodeURIComponent(s).replace(/%20/g, '+'),
  urldecode: urlDecode,
  htmlencode: htmlEncode,
};

function evaluateSegments(segments: readonly TemplateSegment[], ctx: TemplateContext): Evaluated {
  let text = '';
  let unknown = false;
  for (const s of segments) {
    switch (s.kind) {
      case 'text':
        text += s.text;
        break;
      case 'rule':
        text += ctx.rule?.[s.index] ?? '';
        break;
      case 'cond':
        if (ctx.cond === UNKNOWN) unknown = true;
        else text += ctx.cond[s.index] ?? '';
        break;
      case 'var':
        if (isSetCookieVariable(s.name) && ctx.setCookie !== UNKNOWN) text += ctx.setCookie;
        else {
          unknown = true;
          text += s.raw;
        }
        break;
      case 'func': {
        const fn = FUNCTIONS[s.name.toLowerCase()];
        const inner = evaluateSegments(s.args, ctx);
        if (!fn || inner.unknown) {
          unknown = true;
          text += fn ? fn(inner.text) : s.raw;
        } else text += fn(inner.text);
        break;
      }
    }
  }
  return { text, unknown };
}

export function evaluateTemplate(template: Template, ctx: TemplateContext): Evaluated {
  return evaluateSegments(template.segments, ctx);
}

function walk(segments: readonly TemplateSegment[], visit: (s: TemplateSegment) => boolean): boolean {
  return segments.some((s) => visit(s) || (s.kind === 'func' && walk(s.args, visit)));
}

/** Whether the template reads anything besides the Set-Cookie value and back-references. */
export function readsUnknowns(template: Template): boolean {
  return walk(template.segments, (s) => (s.kind === 'var' && !isSetCookieVariable(s.name)) || (s.kind === 'func' && !(s.name.toLowerCase() in FUNCTIONS)));
}

export function readsConditionCaptures(template: Template): boolean {
  return walk(template.segments, (s) => s.kind === 'cond');
}
