/**
 * iis-regex-unsupported: a URL Rewrite pattern IIS cannot use. Patterns are ECMAScript regular
 * expressions (MicrosoftDocs/iis-docs url-rewrite-module-20-configuration-reference.md "Rule
 * Pattern Syntax"), so PCRE habits such as inline flags `(?i)`, lookbehind `(?<=...)` and named
 * groups `(?<name>...)` make the rule invalid, as does a plain syntax error. The IIS dialect
 * compiles every outbound rule, condition and pre-condition pattern with the ECMAScript flavor of
 * the regex engine and reports what it refuses.
 */
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'iis-regex-unsupported',
    severity: 'error',
    fixable: false,
    dialects: ['iis'],
    description: 'An IIS URL Rewrite pattern uses syntax ECMAScript regular expressions do not have ((?i), lookbehind, named groups) or does not compile.',
    claims: ['regex-unsupported'],
  },
});
