/**
 * The ap_expr check without a server: each expression with what httpd 2.4.71 said about it
 * (`apache2 -t` on `<If "...">`; the same families run on the real server in
 * real-server-errors.test.ts). `null`: accepted. A syntax error is reported as "syntax error",
 * the start of httpd's bison message.
 */
import { describe, expect, it } from 'vitest';
import { exprError } from '../../src/dialects/apache/expr-check.js';

const BOOLEAN: readonly [string, string | null][] = [
  ['true', null],
  ["%{REQUEST_URI} == '/a' || %{QUERY_STRING} == 'b'", null],
  ["%{request_uri} -strmatch '/a*' and not -z %{HTTP:X-Forwarded-For}", null],
  ["tolower(%{REQUEST_URI}) == 'a' && md5(req('Host')) != 'x'", null],
  ["%{REQUEST_METHOD} in {'GET', 'HEAD'} || %{REQUEST_METHOD} -in {'POST'}", null],
  ["%{REMOTE_ADDR} -ipmatch '192.168.0.0/255.255.0.0' || -R '10.1'", null],
  ["%{REQUEST_URI} =~ m#^/a#i && %{REQUEST_URI} !~ m!^/b!", null],
  ["-1 -eq 1 && 'a' . 'b' == 'ab' && $1 == ''", null],
  ["'a\\'b' == 'x\\101\\q'", null],
  ["%{HTTP:a%{REQUEST_URI}b} == 'a' && %{SSL_PROTOCOL} == 'TLSv1.3'", null],
  ["%{HTTP_X_FORWARDED_FOR} == 'a'", "Variable 'HTTP_X_FORWARDED_FOR' does not exist"],
  ["%{SERVER_ADDR} == 'a'", "Variable 'SERVER_ADDR' does not exist"],
  ["%{H2_PUSH} == 'on'", "Variable 'H2_PUSH' does not exist"],
  ["nosuch(%{REQUEST_URI}) == 'a'", "Function 'nosuch' does not exist"],
  ["%{nosuchfn:X} == 'a'", "Function 'nosuchfn' does not exist"],
  ["%{REQUEST_URI} in tolower('a')", "List-returning function 'tolower' does not exist"],
  ["-l '/x'", "Unary operator '-l' does not exist"],
  ["%{REQUEST_URI} -foo 'a'", "Binary operator '-foo' does not exist"],
  ['%{REQUEST_URI} -EQ 1', "Binary operator '-EQ' does not exist"],
  ["-R 'bad'", 'parsing of subnet/netmask failed'],
  ["%{REMOTE_ADDR} -ipmatch '10.0.0.1/33'", 'parsing of subnet/netmask failed'],
  ["'x' -ipmatch %{REQUEST_URI}", '-ipmatch requires subnet/netmask as constant argument'],
  ["%{REQUEST_URI} == 'a", 'Unterminated string or variable'],
  ["'a' == 'x\\9'", 'Bad escape sequence'],
  ["'a' == 'x\\777'", 'Escape sequence out of bound'],
  ['@', "Parse error near '@'"],
  ["%{X} =~ /(/", "Failed to compile regular expression: Variable 'X' does not exist"],
  ["'a' =~ /(/ && %{X} == 'a'", 'Failed to compile regular expression'],
  ["%{REQUEST_URI} =~ /(/ & true", 'Failed to compile regular expression'],
  ["%{X} == 'a' && %{Y} == 'b'", "Variable 'Y' does not exist"],
  ["-R 'bad' && %{X} == 'a'", "Variable 'X' does not exist"],
  ["%{HTTP:a'b} == 'a'", 'flex scanner jammed'],
  ["tolower('a', 'b') == 'a'", 'syntax error'],
  ["%{REQUEST_URI} in {'a' 'b'}", 'syntax error'],
  ["%{REQUEST_URI} <> 'a'", 'syntax error'],
  ["'a' =~ m{b}", 'syntax error'],
  ["'a' =~ m#b#x", 'syntax error'],
  ["%{REQUEST_URI} == 'a' & true", 'syntax error'],
  ['True', 'syntax error'],
  ['1 -eq 2 -eq 3', 'syntax error'],
  ["(%{REQUEST_URI}) == 'x'", 'syntax error'],
];

/** `Header set X "expr=…"`: string expressions. */
const STRING: readonly [string, string | null][] = [
  ['', null],
  ["%{REQUEST_URI} == 'a' && $1 %{tolower:%{HTTP:X}}", null],
  ['%{HTTP_X_FORWARDED_FOR}', "Variable 'HTTP_X_FORWARDED_FOR' does not exist"],
  ['abc\\9', 'Bad escape sequence'],
  ['%{REQUEST_URI', 'syntax error'],
];

describe('ap_expr as httpd 2.4 parses it at startup', () => {
  it.each(BOOLEAN)('%s', (expr, expected) => {
    expect(exprError(expr)?.message ?? null).toBe(expected);
  });
  it.each(STRING)('string expression %s', (expr, expected) => {
    expect(exprError(expr, true)?.message ?? null).toBe(expected);
  });
});
