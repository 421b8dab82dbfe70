/**
 * Reads a `Header` (or `RequestHeader`) directive the way mod_headers does at startup
 * (modules/metadata/mod_headers.c `header_cmd`, `header_inout_cmd`, `parse_format_string`), and
 * reports what makes httpd refuse to start in httpd's own words.
 *
 * Words: `[always|onsuccess] action header [value [replacement]] [envclause]`. The condition
 * word is recognised for `Header` only, case-insensitively. A sixth word is "Header has too many
 * arguments". For actions other than edit/edit*, the fourth word is the env clause, so a fifth
 * one is "Too many arguments to directive"; `unset`/`echo` take the env clause as third word.
 */
import { APACHE_HEADER_ACTIONS, type ApacheHeaderAction } from '../../model/ops/apache-header.js';
import { parseFormat, type FormatString } from '../../model/ops/apache-format.js';
import type { CompiledRegex } from '../../regex/index.js';
import type { Span } from '../../source.js';
import { exprRefusal } from './expr-check.js';
import { compileApacheRegex, type ApacheRegexFlags } from './regex-options.js';
import type { DirectiveNode } from './syntax.js';
import type { Word } from './words.js';

export interface HeaderDirective {
  readonly node: DirectiveNode;
  readonly conditionWord?: Word;
  readonly actionWord: Word;
  readonly action: ApacheHeaderAction;
  readonly table: 'onsuccess' | 'always';
  readonly headerWord: Word;
  /** Header name with `:` and what follows removed. */
  readonly header: string;
  readonly valueWord?: Word;
  readonly subsWord?: Word;
  readonly envWord?: Word;
  readonly early: boolean;
  readonly regex?: { readonly compiled: CompiledRegex | null; readonly error?: string };
  readonly format?: FormatString;
}

export interface HeaderError {
  readonly span: Span;
  /** httpd's message. */
  readonly message: string;
}

const REFUSES = 'Apache refuses to start';

function err(span: Span, serverMessage: string, detail = ''): HeaderError {
  return { span, message: `${REFUSES}: "${serverMessage}"${detail}.` };
}

export function readHeaderDirective(node: DirectiveNode, flags: ApacheRegexFlags): HeaderDirective | HeaderError {
  const result = read(node, flags);
  if ('message' in result && node.args.some((w) => w.quote === null && w.value.startsWith('#'))) {
    return { span: result.span, message: result.message.replace(/\.$/, ' (Apache has no trailing comments: "#" and what follows are arguments).') };
  }
  return result;
}

function read(node: DirectiveNode, flags: ApacheRegexFlags): HeaderDirective | HeaderError {
  const isHeader = node.lname === 'header';
  const cmdName = isHeader ? 'Header' : 'RequestHeader';
  const words = [...node.args];
  let conditionWord: Word | undefined;
  let table: 'onsuccess' | 'always' = 'onsuccess';
  const firstValue = words[0]?.value.toLowerCase();
  if (isHeader && (firstValue === 'always' || firstValue === 'onsuccess')) {
    conditionWord = words.shift();
    if (firstValue === 'always') table = 'always';
  }
  const [actionWord, headerWord, valueWord, subsWord, envWordRaw, extra] = words;
  if (extra) return err(extra.span, `${cmdName} has too many arguments`);
  const actionText = actionWord?.value.toLowerCase() ?? '';
  const action = APACHE_HEADER_ACTIONS.find((a) => a === actionText);
  if (!action || !actionWord) {
    return err(
      actionWord?.span ?? node.nameWord.span,
      "first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'.",
    );
  }
  const hw = headerWord ?? actionWord;
  let value = valueWord;
  let envWord = envWordRaw;
  let regex: HeaderDirective['regex'];
  if (action === 'edit' || action === 'edit*') {
    if (!subsWord || !value) return err(actionWord.span, 'Header edit requires a match and a substitution');
    const compiled = compileApacheRegex(value.value, flags);
    if (!compiled.ok) {
      // PCRE2 10.42 itself refuses these; 'unsupported' ones are valid but not simulated here.
      if (compiled.error.code === 'syntax' || compiled.error.code === 'lookbehind-not-fixed-length') {
        return err(value.span, 'Header edit regex could not be compiled', ` (PCRE2: ${compiled.error.message} at offset ${compiled.error.offset})`);
      }
      regex = { compiled: null, error: compiled.error.message };
    } else regex = { compiled: compiled.regex };
  } else {
    if (envWord) return err(envWord.span, 'Too many arguments to directive');
    envWord = subsWord;
  }
  if (action === 'unset' || action === 'echo') {
    if (value) {
      if (envWord) return err(envWord.span, action === 'unset' ? 'header unset takes two arguments' : 'Header echo takes two arguments');
      envWord = value;
      value = undefined;
    }
    if (action === 'echo' && !isHeader) return err(actionWord.span, 'Header echo only valid on Header directives');
  } else if (!value) {
    return err(actionWord.span, 'Header requires three arguments');
  }
  let early = false;
  if (envWord) {
    const clause = envWord.value;
    if (clause.toLowerCase() === 'early') early = true;
    else if (/^env=/i.test(clause)) {
      if (clause.length === 4 || clause === `${clause.slice(0, 4)}!`) {
        return err(envWord.span, 'error: missing environment variable name. envclause should be in the form env=envar ');
      }
    } else if (!/^expr=/i.test(clause)) return err(envWord.span, `Unknown parameter: ${clause}`);
    else {
      const refused = exprRefusal("Can't parse envclause/expression", clause.slice(5));
      if (refused) return err(envWord.span, refused);
    }
  }
  const rawHeader = hw === actionWord ? '' : hw.value;
  const colon = rawHeader.indexOf(':');
  const header = colon === -1 ? rawHeader : rawHeader.slice(0, colon);
  let format: FormatString | undefined;
  if (action !== 'unset' && action !== 'echo') {
    const source = action === 'edit' || action === 'edit*' ? subsWord! : value!;
    const parsed = parseFormat(source.value);
    if ('error' in parsed) return err(source.span, parsed.error);
    const refused = parsed.expr === undefined ? undefined : exprRefusal("Can't parse value expression ", parsed.expr, true);
    if (refused) return err(source.span, refused);
    format = parsed;
  }
  return {
    node,
    ...(conditionWord ? { conditionWord } : {}),
    actionWord,
    action,
    table,
    headerWord: hw,
    header,
    ...(value ? { valueWord: value } : {}),
    ...((action === 'edit' || action === 'edit*') && subsWord ? { subsWord } : {}),
    ...(envWord ? { envWord } : {}),
    early,
    ...(regex ? { regex } : {}),
    ...(format ? { format } : {}),
  };
}
