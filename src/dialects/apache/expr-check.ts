/**
 * What httpd 2.4 refuses in an ap_expr (`<If>`, `<ElseIf>`, `Header ... expr=`, a `Header` value
 * `"expr=…"`, `SetEnvIfExpr`, `RewriteCond expr`, `Require expr`) when it reads
 * the configuration: a scanner and parser following server/util_expr_scan.l and
 * util_expr_parse.y, with the lookups ap_expr makes while parsing (variables, functions,
 * operators, `-R`/`-ipmatch` subnets, regexes). Checked on 2.4.71 (test/apache/
 * real-server-errors.test.ts); httpd's words, so the report can be compared with its output.
 *
 * - Scanner: `'…'`/`"…"` strings with `%{…}` variables, `$0`–`$9` and backslash escapes
 *   (`\NNN` octal up to \377, `\9` is a bad escape); `%{NAME}` and `%{func:arg}`; regex literals
 *   `/re/` and `m<d>re<d>` for d in `/#$%^,;:?|-!.'"` (no escapes: `/^\/api\//` is `^\`),
 *   `i` after one; `-x` is a unary operator, `-name` a binary one, `-eq`…`-ge` and `-in`
 *   keywords, `-1` a number; `true false and or not in` lower-case only; anything else is
 *   "Parse error near 'c'".
 * - Grammar: `!`, `&&`, `||`, parentheses over comparisons `word op word` (`==` `=` `!=` `<`
 *   `<=` `>` `>=`, the numeric `-eq`…, `-binary`, `in {w, …}` or `in listfunc(w)`, `=~`/`!~`
 *   regex) and `-unary word`; a word is a number, string, variable, `$N` or `func(word)`,
 *   joined by `.`.
 * - Messages: httpd keeps the first parse error (a syntax error, a regex that does not compile)
 *   and the last lookup or scanner error, and prints "first: last". A syntax error is reported
 *   as "syntax error" (bison's ", unexpected …" is not reproduced): httpd's message starts with it.
 *
 * Variables and functions of the other modules that add some (mod_ssl's `SSL_*`, `%{SSL:…}`
 * and `PeerExtList`, mod_proxy_hcheck's `hc()`; Debian's modules, checked with their
 * `ap_hook_expr_lookup`) are accepted whether or not the module is loaded.
 */
import { APACHE_DEFAULT_REGEX_FLAGS, compileApacheRegex } from './regex-options.js';

/** ap_expr's core variables (util_expr_eval.c), compared case-insensitively. */
const VARIABLES: ReadonlySet<string> = new Set([
  // request_var_names
  'REQUEST_METHOD', 'REQUEST_SCHEME', 'REQUEST_URI', 'REQUEST_FILENAME', 'REMOTE_HOST', 'REMOTE_IDENT', 'REMOTE_USER',
  'SERVER_ADMIN', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL', 'SCRIPT_FILENAME', 'PATH_INFO', 'QUERY_STRING',
  'IS_SUBREQ', 'DOCUMENT_ROOT', 'AUTH_TYPE', 'THE_REQUEST', 'CONTENT_TYPE', 'HANDLER', 'REQUEST_LOG_ID', 'SCRIPT_USER',
  'SCRIPT_GROUP', 'DOCUMENT_URI', 'LAST_MODIFIED', 'CONTEXT_PREFIX', 'CONTEXT_DOCUMENT_ROOT', 'REQUEST_STATUS',
  'REMOTE_ADDR', 'REMOTE_PORT',
  // req_header_var_names
  'HTTP_USER_AGENT', 'HTTP_PROXY_CONNECTION', 'HTTP_REFERER', 'HTTP_COOKIE', 'HTTP_FORWARDED', 'HTTP_HOST', 'HTTP_ACCEPT',
  // misc_var_names
  'TIME_YEAR', 'TIME_MON', 'TIME_DAY', 'TIME_HOUR', 'TIME_MIN', 'TIME_SEC', 'TIME_WDAY', 'TIME', 'SERVER_SOFTWARE', 'API_VERSION',
  // conn_var_names
  'HTTPS', 'IPV6', 'CONN_LOG_ID', 'CONN_REMOTE_ADDR', 'HTTP2',
]);

/** Variables of modules the linter does not track (mod_ssl's; mod_http2 adds none: `%{H2_PUSH}` is refused with it). */
const MODULE_VARIABLE = /^SSL_/i;

/** String functions (`func(word)`, `%{func:arg}`), compared case-insensitively. */
const FUNCTIONS: ReadonlySet<string> = new Set([
  'http', 'resp', 'req', 'req_novary', 'reqenv', 'note', 'env', 'osenv', 'tolower', 'toupper', 'escape', 'unescape',
  'file', 'filesize', 'base64', 'unbase64', 'sha1', 'md5', 'ldap',
  // mod_ssl, mod_proxy_hcheck
  'ssl', 'hc',
]);

/** List functions (`in func(word)`): none in the core; mod_ssl's `PeerExtList`. */
const LIST_FUNCTIONS: ReadonlySet<string> = new Set(['peerextlist']);

/** Unary operators (case-sensitive: `-L` exists, `-l` does not). */
const UNARY = new Set(['d', 'e', 'f', 's', 'L', 'h', 'x', 'F', 'U', 'A', 'n', 'z', 'T', 'R']);

/** Binary operators named with a dash, compared case-insensitively. */
const BINARY = new Set(['ipmatch', 'strmatch', 'strcmatch', 'fnmatch']);

const REGEX_DELIMITERS = '/#$%^,;:?|-!.\'"';

type TokenType =
  | 'TRUE' | 'FALSE' | 'NOT' | 'AND' | 'OR' | 'CMP' | 'IN' | 'REG' | 'UNARY' | 'BINARY' | 'CONCAT' | 'DIGIT' | 'ID'
  | 'STR_BEGIN' | 'STR_END' | 'STRING' | 'VAR_BEGIN' | 'VAR_END' | 'COLON' | 'BACKREF' | 'REGEX'
  | '(' | ')' | '{' | '}' | ',' | 'ERROR' | 'EOF';

interface Token {
  readonly type: TokenType;
  /** Operator or function name, string content, regex source. */
  readonly text: string;
}

/** httpd gives up at once ("flex scanner jammed"): a quote inside `%{func:…}`. */
class Jammed extends Error {}

/** `str` with no quote: a string expression (`Header set X "expr=…"`), text up to the end. */
type Mode = { readonly kind: 'initial' } | { readonly kind: 'str'; readonly quote: string | null } | { readonly kind: 'var' } | { readonly kind: 'vararg' };

/** util_expr_scan.l: tokens on demand (the mode depends on what was read). */
class Scanner {
  private pos = 0;
  private readonly modes: Mode[];
  private readonly pending: Token[] = [];
  /** The last scanner error (httpd's `error2`, which later lookups overwrite). */
  error?: string;

  constructor(
    private readonly src: string,
    stringExpr = false,
  ) {
    this.modes = [stringExpr ? { kind: 'str', quote: null } : { kind: 'initial' }];
  }

  next(): Token {
    const queued = this.pending.shift();
    if (queued) return queued;
    const mode = this.modes[this.modes.length - 1]!;
    if (mode.kind === 'initial') return this.initial();
    if (mode.kind === 'var') return this.variable();
    return this.text(mode);
  }

  private fail(message: string): Token {
    this.error = message;
    this.pos = this.src.length;
    return { type: 'ERROR', text: message };
  }

  private initial(): Token {
    const s = this.src;
    while (this.pos < s.length && /[ \t\n]/.test(s[this.pos]!)) this.pos++;
    if (this.pos >= s.length) return { type: 'EOF', text: '' };
    const rest = s.slice(this.pos);
    const c = rest[0]!;
    const take = (n: number, type: TokenType, text = rest.slice(0, n)): Token => {
      this.pos += n;
      return { type, text };
    };
    if (c === '"' || c === "'") {
      this.modes.push({ kind: 'str', quote: c });
      return take(1, 'STR_BEGIN');
    }
    if (rest.startsWith('%{')) {
      this.modes.push({ kind: 'var' });
      return take(2, 'VAR_BEGIN');
    }
    if (/^\$[0-9]/.test(rest)) return take(2, 'BACKREF');
    const dash = /^-[a-zA-Z_][a-zA-Z_0-9]*/.exec(rest)?.[0];
    if (dash) {
      if (/^-(?:eq|ne|lt|le|gt|ge)$/.test(dash)) return take(dash.length, 'CMP');
      if (dash === '-in') return take(3, 'IN');
      return take(dash.length, dash.length === 2 ? 'UNARY' : 'BINARY', dash.slice(1));
    }
    const digits = /^-?[0-9]+/.exec(rest)?.[0];
    if (digits) return take(digits.length, 'DIGIT');
    if (c === '/' || (c === 'm' && rest.length > 1 && REGEX_DELIMITERS.includes(rest[1]!))) return this.regex(c === '/' ? 1 : 2, rest[c === '/' ? 0 : 1]!);
    const id = /^[a-zA-Z][a-zA-Z0-9_]*/.exec(rest)?.[0];
    if (id) {
      const keyword: Readonly<Record<string, TokenType>> = { true: 'TRUE', false: 'FALSE', and: 'AND', or: 'OR', not: 'NOT', in: 'IN' };
      return take(id.length, keyword[id] ?? 'ID');
    }
    const op = /^(?:==|=~|!=|!~|<=|>=|&&|\|\|)/.exec(rest)?.[0];
    if (op) return take(2, op === '=~' || op === '!~' ? 'REG' : op === '&&' ? 'AND' : op === '||' ? 'OR' : 'CMP');
    if (c === '=' || c === '<' || c === '>') return take(1, 'CMP');
    if (c === '!') return take(1, 'NOT');
    if (c === '.') return take(1, 'CONCAT');
    if ('(){},'.includes(c)) return take(1, c as TokenType);
    return this.fail(`Parse error near '${c}'`);
  }

  /** A regex literal from `start` to the delimiter (no escapes), `i` after it; unterminated: the rest is eaten. */
  private regex(skip: number, delimiter: string): Token {
    const from = this.pos + skip;
    const end = this.src.indexOf(delimiter, from);
    if (end === -1) {
      this.pos = this.src.length;
      return { type: 'EOF', text: '' };
    }
    this.pos = end + 1;
    if (this.src[this.pos] === 'i') {
      this.pos++;
      return { type: 'REGEX', text: `${this.src.slice(from, end)}\u0000i` };
    }
    return { type: 'REGEX', text: this.src.slice(from, end) };
  }

  private variable(): Token {
    const s = this.src;
    if (this.pos >= s.length) return this.fail('Unterminated string or variable');
    const c = s[this.pos]!;
    const id = /^[a-zA-Z][a-zA-Z0-9_]*/.exec(s.slice(this.pos))?.[0];
    if (id) {
      this.pos += id.length;
      return { type: 'ID', text: id };
    }
    this.pos++;
    if (c === '}') {
      this.modes.pop();
      return { type: 'VAR_END', text: '}' };
    }
    if (c === ':') {
      this.modes[this.modes.length - 1] = { kind: 'vararg' };
      return { type: 'COLON', text: ':' };
    }
    return this.fail(`Invalid character in variable name '${c}'`);
  }

  /**
   * A string or a function argument: text is buffered and given out before a variable, `$N` or
   * the end; an error drops what is buffered (`'x\9'` fails as its first part).
   */
  private text(mode: Mode & { readonly kind: 'str' | 'vararg' }): Token {
    const s = this.src;
    let buffer = '';
    const flush = (then: Token): Token => {
      if (buffer === '') return then;
      this.pending.push(then);
      return { type: 'STRING', text: buffer };
    };
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (mode.kind === 'str' ? c === mode.quote : c === '}') {
        this.pos++;
        this.modes.pop();
        return flush(mode.kind === 'str' ? { type: 'STR_END', text: c } : { type: 'VAR_END', text: c });
      }
      if (mode.kind === 'vararg' && (c === '"' || c === "'")) throw new Jammed();
      if (s.startsWith('%{', this.pos)) {
        this.pos += 2;
        this.modes.push({ kind: 'var' });
        return flush({ type: 'VAR_BEGIN', text: '%{' });
      }
      if (c === '$' && /[0-9]/.test(s[this.pos + 1] ?? '')) {
        this.pos += 2;
        return flush({ type: 'BACKREF', text: s.slice(this.pos - 2, this.pos) });
      }
      if (c === '\\') {
        const digits = /^[0-9]+/.exec(s.slice(this.pos + 1))?.[0];
        const octal = /^[0-7]{1,3}/.exec(s.slice(this.pos + 1))?.[0];
        if (digits && (!octal || digits.length > octal.length)) return this.fail('Bad escape sequence');
        if (octal) {
          if (Number.parseInt(octal, 8) > 0xff) return this.fail('Escape sequence out of bound');
          buffer += String.fromCharCode(Number.parseInt(octal, 8));
          this.pos += 1 + octal.length;
          continue;
        }
        if (this.pos + 1 >= s.length) break;
        buffer += s[this.pos + 1];
        this.pos += 2;
        continue;
      }
      buffer += c;
      this.pos++;
    }
    // A string expression ends with the text.
    if (mode.kind === 'str' && mode.quote === null) return flush({ type: 'EOF', text: '' });
    return this.fail('Unterminated string or variable');
  }
}

/** A token the grammar does not take there (bison's "syntax error, unexpected …"). */
class ParseError extends Error {}

/** The parse stopped without a syntax error: on a scanner error where the grammar takes one, or a regex that does not compile. */
class Aborted extends Error {}

/** apr_ipsubnet_create on a constant `-R`/`-ipmatch` argument: whether httpd parses it. */
function validSubnet(text: string): boolean {
  const [ip, mask, extra] = text.split('/');
  if (extra !== undefined || !ip) return false;
  if (ip.includes(':')) return /^[0-9a-fA-F:.]+$/.test(ip) && (mask === undefined || (/^[0-9]+$/.test(mask) && Number(mask) <= 128));
  const octets = ip.split('.');
  if (octets.length > 4 || !octets.every((o) => /^[0-9]+$/.test(o) && Number(o) <= 255)) return false;
  if (mask === undefined) return true;
  if (/^[0-9]+$/.test(mask)) return Number(mask) <= 32;
  return /^(?:[0-9]+\.){3}[0-9]+$/.test(mask) && mask.split('.').every((o) => Number(o) <= 255);
}

/** A word as far as the checks need it: a constant string (`'10.0.0.0/8'`) or something else. */
type Word = { readonly constant?: string };

/** util_expr_parse.y by recursive descent, with the lookups of the reductions. */
class Parser {
  private token: Token;
  /** httpd's `error`: the first parse error. */
  first?: string;
  /** httpd's `error2`: the last lookup error. */
  last?: string;

  constructor(private readonly scanner: Scanner) {
    this.token = scanner.next();
  }

  private advance(): Token {
    const t = this.token;
    this.token = this.scanner.next();
    return t;
  }

  private expect(type: TokenType): Token {
    if (this.token.type !== type) throw new ParseError();
    return this.advance();
  }

  private lookupError(message: string): void {
    this.last = message;
  }

  root(): void {
    this.expr();
    if (this.token.type !== 'EOF') throw new ParseError();
  }

  /** `root: T_EXPR_STRING string`; an empty one is taken as it is. */
  stringRoot(): void {
    if (this.token.type === 'EOF') return;
    this.string();
    this.expect('EOF');
  }

  private expr(): void {
    this.and();
    while (this.token.type === 'OR') {
      this.advance();
      this.and();
    }
  }

  private and(): void {
    this.unary();
    while (this.token.type === 'AND') {
      this.advance();
      this.unary();
    }
  }

  private unary(): void {
    const t = this.token;
    switch (t.type) {
      case 'NOT':
        this.advance();
        this.unary();
        return;
      case 'TRUE':
      case 'FALSE':
        this.advance();
        return;
      case '(':
        this.advance();
        this.expr();
        this.expect(')');
        return;
      case 'ERROR':
        // `expr: T_ERROR { YYABORT; }`: the scanner's message alone.
        throw new Aborted();
      case 'UNARY': {
        this.advance();
        const w = this.word();
        if (!UNARY.has(t.text)) this.lookupError(`Unary operator '-${t.text}' does not exist`);
        else if (t.text === 'R') this.subnet('-R', w);
        return;
      }
      default:
        break;
    }
    this.word();
    const op = this.token;
    switch (op.type) {
      case 'CMP':
        this.advance();
        this.word();
        return;
      case 'BINARY': {
        this.advance();
        const right = this.word();
        const name = op.text.toLowerCase();
        if (!BINARY.has(name)) this.lookupError(`Binary operator '-${op.text}' does not exist`);
        else if (name === 'ipmatch') this.subnet('-ipmatch', right);
        return;
      }
      case 'IN':
        this.advance();
        this.wordList();
        return;
      case 'REG': {
        this.advance();
        if (this.token.type !== 'REGEX') throw new ParseError();
        // Compiled when the literal is reduced, before the next token is read (`/(/ & x`: no "Parse error near '&'").
        const [source, flag] = this.token.text.split('\u0000');
        const compiled = compileApacheRegex(source!, { ...APACHE_DEFAULT_REGEX_FLAGS, caseless: flag === 'i' });
        if (compiled.ok || compiled.error.code !== 'syntax') {
          this.advance();
          return;
        }
        // `YYERROR`: the parse ends there.
        this.first ??= 'Failed to compile regular expression';
        throw new Aborted();
      }
      default:
        throw new ParseError();
    }
  }

  private subnet(op: string, w: Word): void {
    if (w.constant === undefined) this.lookupError(`${op} requires subnet/netmask as constant argument`);
    else if (!validSubnet(w.constant)) this.lookupError('parsing of subnet/netmask failed');
  }

  private wordList(): void {
    if (this.token.type === 'ID') {
      const name = this.advance().text;
      this.expect('(');
      this.word();
      this.expect(')');
      if (!LIST_FUNCTIONS.has(name.toLowerCase())) this.lookupError(`List-returning function '${name}' does not exist`);
      return;
    }
    this.expect('{');
    this.word();
    while (this.token.type === ',') {
      this.advance();
      this.word();
    }
    this.expect('}');
  }

  private word(): Word {
    let w = this.atom();
    while (this.token.type === 'CONCAT') {
      this.advance();
      this.atom();
      w = {};
    }
    return w;
  }

  private atom(): Word {
    const t = this.token;
    switch (t.type) {
      case 'DIGIT':
      case 'BACKREF':
        this.advance();
        return {};
      case 'STR_BEGIN': {
        this.advance();
        if (this.token.type === 'STR_END') {
          this.advance();
          return { constant: '' };
        }
        const parts = this.string();
        this.expect('STR_END');
        return parts;
      }
      case 'VAR_BEGIN':
        this.variable();
        return {};
      case 'ID': {
        this.advance();
        this.expect('(');
        this.word();
        this.expect(')');
        this.func(t.text);
        return {};
      }
      default:
        throw new ParseError();
    }
  }

  private func(name: string): void {
    if (!FUNCTIONS.has(name.toLowerCase())) this.lookupError(`Function '${name}' does not exist`);
  }

  /** `string: strpart+ | T_ERROR` (the scanner's message alone when it is the first part). */
  private string(): Word {
    if (this.token.type === 'ERROR') throw new Aborted();
    let count = 0;
    let constant: string | undefined;
    for (;;) {
      const t = this.token;
      if (t.type === 'STRING') {
        this.advance();
        constant = count === 0 ? t.text : undefined;
      } else if (t.type === 'VAR_BEGIN') {
        this.variable();
        constant = undefined;
      } else if (t.type === 'BACKREF') {
        this.advance();
        constant = undefined;
      } else break;
      count++;
    }
    if (count === 0) throw new ParseError();
    return count === 1 && constant !== undefined ? { constant } : {};
  }

  private variable(): void {
    this.expect('VAR_BEGIN');
    const name = this.expect('ID').text;
    if (this.token.type === 'COLON') {
      this.advance();
      this.string();
      this.expect('VAR_END');
      this.func(name);
      return;
    }
    this.expect('VAR_END');
    if (!VARIABLES.has(name.toUpperCase()) && !MODULE_VARIABLE.test(name)) this.lookupError(`Variable '${name}' does not exist`);
  }
}

/**
 * httpd's message for an ap_expr it refuses at startup, or undefined when it accepts it;
 * `stringExpr`: a string expression (text with `%{…}` and `$N`), as `Header`'s `expr=` values.
 * `fatal`: httpd stops with this message alone ("flex scanner jammed"), without the directive's words.
 */
export function exprError(expr: string, stringExpr = false): { readonly message: string; readonly fatal?: boolean } | undefined {
  const scanner = new Scanner(expr, stringExpr);
  let parser: Parser | undefined;
  try {
    parser = new Parser(scanner);
    if (stringExpr) parser.stringRoot();
    else parser.root();
  } catch (e) {
    if (e instanceof Jammed) return { message: 'flex scanner jammed', fatal: true };
    if (e instanceof ParseError) parser!.first ??= 'syntax error';
    else if (!(e instanceof Aborted)) throw e;
  }
  const first = parser!.first;
  // The scanner's error is the latest error2 when the parse stopped on it.
  const last = scanner.error ?? parser!.last;
  if (first === undefined) return last === undefined ? undefined : { message: last };
  return { message: last === undefined || first === 'syntax error' ? first : `${first}: ${last}` };
}

/** The problem text for a refused expression: `<prefix>: <httpd's message>`. */
export function exprRefusal(prefix: string, expr: string, stringExpr = false): string | undefined {
  const e = exprError(expr, stringExpr);
  if (!e) return undefined;
  return e.fatal ? e.message : `${prefix}: ${e.message}`;
}
