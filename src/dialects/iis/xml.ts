/**
 * A small, lossless, non-validating XML 1.0 reader for IIS configuration files.
 *
 * Why not a library: the linter needs the exact span of every element, attribute name and raw
 * attribute value (messages point at an attribute value, fixes insert text inside one), and it
 * must never expand an entity or open another file. So this reader keeps offsets into
 * `SourceFile.text`, knows only the five predefined entities and character references, refuses
 * any DOCTYPE, and stops at the first well-formedness error with a positioned message (XML 1.0
 * §1.2: a fatal error ends normal processing; IIS answers 500.19 for such a file).
 *
 * It is iterative (no recursion) and linear in the input, so hostile files (deep nesting,
 * truncation, binary data) end quickly with a message.
 *
 * Security note: `configSource` (config-source.ts) is an IIS configuration feature, not an XML
 * external entity. This reader still expands no entity and opens no file; the dialect follows a
 * configSource attribute itself, through ConfigIO, only to a file in the configuration's own
 * directory or below, and reads that file with this same reader.
 */
import type { CommentToken, Problem } from '../../model/header-rewrite.js';
import type { SourceFile, Span } from '../../source.js';
import { checkEncoding, type DeclaredEncoding } from './encoding.js';
import { attributeValue, firstInvalidChar, isNameChar, isNameStart, isXmlSpace, readReference } from './xml-text.js';

export interface XmlAttribute {
  readonly name: string;
  readonly nameSpan: Span;
  /** The value after reference replacement and white-space normalization (XML 1.0 §3.3.3). */
  readonly value: string;
  /** The raw value between the quotes. */
  readonly valueSpan: Span;
  readonly quote: '"' | "'";
}

export interface XmlElement {
  readonly name: string;
  /** From `<` to the end of the end tag (or of `/>`). */
  readonly span: Span;
  /** From `<` to the `>` of the start tag, inclusive. */
  readonly startTag: Span;
  readonly nameSpan: Span;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  readonly selfClosing: boolean;
  /** Between the start tag and the end tag; undefined for `<x/>`. */
  readonly content: Span | undefined;
  readonly parent: XmlElement | null;
}

export interface XmlDocument {
  readonly file: SourceFile;
  /** Null when the file is not well formed (then {@link fatal} says why). */
  readonly root: XmlElement | null;
  readonly comments: readonly CommentToken[];
  readonly fatal?: Problem;
  readonly encoding?: DeclaredEncoding;
}

/** Deeper nesting is refused: IIS configuration is a dozen levels deep, hostile files are not. */
export const MAX_DEPTH = 256;

class Fatal extends Error {
  constructor(
    readonly at: number,
    readonly end: number,
    message: string,
  ) {
    super(message);
  }
}

interface MutableElement {
  name: string;
  span: { file: string; start: number; end: number };
  startTag: Span;
  nameSpan: Span;
  attributes: XmlAttribute[];
  children: MutableElement[];
  selfClosing: boolean;
  content: { file: string; start: number; end: number } | undefined;
  parent: MutableElement | null;
}

function describeChar(text: string, at: number): string {
  const cp = text.codePointAt(at) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

const DECLARATION_ATTR = /[ \t\r\n]+(version|encoding|standalone)[ \t\r\n]*=[ \t\r\n]*(?:"([^"<&]*)"|'([^'<&]*)')/y;

function readDeclaration(text: string): { end: number; encoding?: DeclaredEncoding } | null {
  if (!text.startsWith('<?xml') || !(isXmlSpace(text[5]) || text.startsWith('?>', 5))) return null;
  const close = text.indexOf('?>', 5);
  if (close === -1) throw new Fatal(0, 5, 'The XML declaration is never closed with ?>');
  let pos = 5;
  let encoding: DeclaredEncoding | undefined;
  const seen: string[] = [];
  DECLARATION_ATTR.lastIndex = pos;
  for (let m = DECLARATION_ATTR.exec(text); m && m.index < close; m = DECLARATION_ATTR.exec(text)) {
    seen.push(m[1]!);
    if (m[1] === 'encoding') {
      const value = m[2] ?? m[3] ?? '';
      const start = m.index + m[0].length - value.length - 1;
      encoding = { name: value, start, end: start + value.length };
    }
    pos = DECLARATION_ATTR.lastIndex;
  }
  const rest = text.slice(pos, close);
  const order = ['version', 'encoding', 'standalone'];
  if (rest.trim() !== '' || seen[0] !== 'version' || seen.some((s, i) => i > 0 && order.indexOf(s) <= order.indexOf(seen[i - 1]!))) {
    throw new Fatal(0, close + 2, 'Malformed XML declaration: expected <?xml version="1.0" encoding="..."?>');
  }
  return encoding ? { end: close + 2, encoding } : { end: close + 2 };
}

/** Reads `file`; never throws. */
export function parseXml(file: SourceFile): XmlDocument {
  const comments: CommentToken[] = [];
  let encoding: DeclaredEncoding | undefined;
  try {
    const decl = readDeclaration(file.text);
    encoding = decl?.encoding;
    const issue = checkEncoding(file, encoding);
    if (issue) throw new Fatal(issue.at, issue.end, issue.message);
    const bad = firstInvalidChar(file.text);
    if (bad !== -1) {
      throw new Fatal(bad, bad + 1, `Character ${describeChar(file.text, bad)} is not allowed in XML: this does not look like a text configuration file`);
    }
    const root = readDocument(file, decl?.end ?? 0, comments);
    return encoding ? { file, root, comments, encoding } : { file, root, comments };
  } catch (e) {
    if (!(e instanceof Fatal)) throw e;
    // "The file ends inside ..." errors point one past the last character: clamp to the file,
    // a span past the end has no line and column for the formatters.
    const n = file.text.length;
    const start = Math.min(e.at, n);
    const fatal: Problem = { span: { file: file.path, start, end: Math.min(Math.max(e.end, start), n) }, message: e.message, kind: 'syntax', severity: 'error' };
    return encoding ? { file, root: null, comments, fatal, encoding } : { file, root: null, comments, fatal };
  }
}

function readDocument(file: SourceFile, from: number, comments: CommentToken[]): XmlElement {
  const text = file.text;
  const n = text.length;
  const path = file.path;
  const span = (start: number, end: number): Span => ({ file: path, start, end });
  const stack: MutableElement[] = [];
  let root: MutableElement | null = null;
  let i = from;

  const checkReference = (at: number): number => {
    const ref = readReference(text, at);
    if (!ref.ok) throw new Fatal(at, ref.end, ref.message);
    return ref.end;
  };

  const readName = (at: number, what: string): number => {
    if (!isNameStart(text[at])) {
      throw new Fatal(at, at + 1, at >= n ? `The file ends inside ${what}` : `Expected ${what}, found ${JSON.stringify(text[at])}`);
    }
    let j = at + 1;
    while (j < n && isNameChar(text[j])) j++;
    return j;
  };

  const skipSpace = (at: number): number => {
    let j = at;
    while (j < n && isXmlSpace(text[j])) j++;
    return j;
  };

  while (i < n) {
    const c = text[i];
    if (c !== '<') {
      // Character data: up to the next markup. Outside the root only white space is allowed.
      const lt = text.indexOf('<', i);
      const end = lt === -1 ? n : lt;
      if (stack.length === 0) {
        for (let j = i; j < end; j++) {
          if (!isXmlSpace(text[j])) {
            const where = root ? 'after the root element' : 'before the root element';
            throw new Fatal(j, j + 1, `Text is not allowed ${where}: this is not a well-formed XML file`);
          }
        }
      } else {
        // Searches stay inside this run of text: scanning past it would make many runs quadratic.
        const run = text.slice(i, end);
        for (let amp = run.indexOf('&'); amp !== -1; amp = run.indexOf('&', amp + 1)) checkReference(i + amp);
        const cdataEnd = run.indexOf(']]>');
        if (cdataEnd !== -1) throw new Fatal(i + cdataEnd, i + cdataEnd + 3, "']]>' is not allowed in text: write ]]&gt;");
      }
      i = end;
      continue;
    }
    const next = text[i + 1];
    if (next === '!') {
      if (text.startsWith('<!--', i)) {
        const close = text.indexOf('-->', i + 4);
        if (close === -1) throw new Fatal(i, i + 4, 'This comment is never closed with -->');
        // XML 1.0 §2.5: no '--' inside, and the body may not end in '-' (`--->`).
        const body = text.slice(i + 4, close);
        const dashes = body.endsWith('-') ? body.length - 1 : body.indexOf('--');
        if (dashes !== -1) throw new Fatal(i + 4 + dashes, i + 6 + dashes, "'--' is not allowed inside an XML comment");
        comments.push({ span: span(i, close + 3), text: text.slice(i + 4, close) });
        i = close + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        if (stack.length === 0) throw new Fatal(i, i + 9, 'A CDATA section is only allowed inside an element');
        const close = text.indexOf(']]>', i + 9);
        if (close === -1) throw new Fatal(i, i + 9, 'This CDATA section is never closed with ]]>');
        i = close + 3;
      } else if (text.startsWith('<!DOCTYPE', i)) {
        throw new Fatal(
          i,
          i + 9,
          'A DOCTYPE is not allowed in an IIS configuration file. lint-proxy-config does not read DTDs: it never expands their entities nor opens the files they name',
        );
      } else {
        throw new Fatal(i, i + 2, "Unexpected '<!': expected a comment <!-- -->");
      }
      continue;
    }
    if (next === '?') {
      const nameEnd = readName(i + 2, 'a processing instruction name');
      const target = text.slice(i + 2, nameEnd);
      if (target.toLowerCase() === 'xml') {
        throw new Fatal(i, nameEnd, 'The XML declaration <?xml ...?> is only allowed at the very start of the file (nothing, not even white space, may precede it)');
      }
      const close = text.indexOf('?>', nameEnd);
      if (close === -1) throw new Fatal(i, nameEnd, 'This processing instruction is never closed with ?>');
      i = close + 2;
      continue;
    }
    if (next === '/') {
      const nameEnd = readName(i + 2, 'an element name in the end tag');
      const name = text.slice(i + 2, nameEnd);
      const gt = skipSpace(nameEnd);
      if (text[gt] !== '>') throw new Fatal(i, gt, gt >= n ? `The file ends inside the end tag </${name}>` : `Expected '>' to close the end tag </${name}>`);
      const open = stack.pop();
      if (!open) throw new Fatal(i, gt + 1, `</${name}> closes an element that was never opened`);
      if (open.name !== name) {
        throw new Fatal(i, gt + 1, `</${name}> does not match the open element <${open.name}> (element names are case-sensitive)`);
      }
      open.content = span(open.startTag.end, i);
      open.span.end = gt + 1;
      i = gt + 1;
      continue;
    }
    // A start tag.
    if (!isNameStart(next)) {
      throw new Fatal(i, i + 1, next === undefined ? 'The file ends after <' : "'<' must start an element or be written &lt;");
    }
    if (stack.length === 0 && root) throw new Fatal(i, i + 1, `Only one root element is allowed; <${root.name}> is already closed`);
    if (stack.length >= MAX_DEPTH) throw new Fatal(i, i + 1, `Elements are nested more than ${MAX_DEPTH} deep; lint-proxy-config stops reading here`);
    const nameEnd = readName(i + 1, 'an element name');
    const name = text.slice(i + 1, nameEnd);
    const attributes: XmlAttribute[] = [];
    let j = nameEnd;
    let selfClosing = false;
    for (;;) {
      const afterSpace = skipSpace(j);
      if (afterSpace >= n) throw new Fatal(i, nameEnd, `The file ends inside the start tag <${name}>`);
      if (text[afterSpace] === '>') {
        j = afterSpace + 1;
        break;
      }
      if (text.startsWith('/>', afterSpace)) {
        selfClosing = true;
        j = afterSpace + 2;
        break;
      }
      if (afterSpace === j) throw new Fatal(j, j + 1, `Expected white space, '>' or '/>' in the start tag <${name}>`);
      const attrEnd = readName(afterSpace, 'an attribute name');
      const attrName = text.slice(afterSpace, attrEnd);
      let k = skipSpace(attrEnd);
      if (k < n && text[k] !== '=') throw new Fatal(afterSpace, attrEnd, `Attribute ${attrName} needs a value: ${attrName}="..."`);
      k = skipSpace(k + 1);
      if (k >= n) throw new Fatal(i, nameEnd, `The file ends inside the start tag <${name}>`);
      const quote = text[k];
      if (quote !== '"' && quote !== "'") throw new Fatal(k, k + 1, `The value of attribute ${attrName} must be in quotes`);
      const close = text.indexOf(quote, k + 1);
      if (close === -1) throw new Fatal(k, k + 1, `The value of attribute ${attrName} is never closed (the file ends first)`);
      const raw = text.slice(k + 1, close);
      const lt = raw.indexOf('<');
      if (lt !== -1) throw new Fatal(k + 1 + lt, k + 2 + lt, `'<' is not allowed in an attribute value: write &lt;`);
      for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', amp + 1)) checkReference(k + 1 + amp);
      if (attributes.some((a) => a.name === attrName)) throw new Fatal(afterSpace, attrEnd, `Attribute ${attrName} appears twice in <${name}>`);
      attributes.push({
        name: attrName,
        nameSpan: span(afterSpace, attrEnd),
        value: attributeValue(raw),
        valueSpan: span(k + 1, close),
        quote,
      });
      j = close + 1;
    }
    const parent = stack[stack.length - 1] ?? null;
    const element: MutableElement = {
      name,
      span: { file: path, start: i, end: j },
      startTag: span(i, j),
      nameSpan: span(i + 1, nameEnd),
      attributes,
      children: [],
      selfClosing,
      content: undefined,
      parent,
    };
    if (parent) parent.children.push(element);
    else root = element;
    if (!selfClosing) stack.push(element);
    i = j;
  }
  const open = stack[stack.length - 1];
  if (open) throw new Fatal(open.startTag.start, open.startTag.end, `<${open.name}> is never closed: the file ends first (is it truncated?)`);
  if (!root) throw new Fatal(0, 0, 'The file has no root element: it is empty or not XML');
  return root;
}

/** The attribute named exactly `name` (IIS attribute names are case-sensitive). */
export function attribute(element: XmlElement, name: string): XmlAttribute | undefined {
  return element.attributes.find((a) => a.name === name);
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}
