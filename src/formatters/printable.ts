/**
 * Text from configuration files reaches CI logs through messages, file names and code frames. A
 * newline inside an nginx quoted string put `::error ...` at the start of a log line, which GitHub
 * Actions runs as a workflow command; ESC and OSC sequences retitled terminals and forged links.
 * Human formats therefore show every control character as an escape: C0 (newline, carriage
 * return, ESC...), DEL, C1 (including the one-character CSI and OSC), the line and paragraph
 * separators, and the bidirectional overrides that reorder what a reader sees.
 */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]/g;
const UNSAFE_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of safe text: every control character as `\n`, `\x1b`, `\u2028`... */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** Like {@link printable}, keeping tabs (code frames expand them to spaces). */
export function printableKeepTabs(text: string): string {
  return text.replace(UNSAFE_BUT_TAB, escapeOne);
}

/**
 * A file name at the start of a log line, made safe: escaped like any text, and `./` before a name
 * that starts with `:` (a file named `::error file=x::...` would otherwise be a workflow command).
 */
export function printablePath(path: string): string {
  const shown = printable(path);
  return shown.startsWith(':') ? `./${shown}` : shown;
}
