/**
 * Hand-picked patterns and Set-Cookie values for the differential tests: what proxy configs
 * really contain, plus constructs whose semantics differ between engines.
 */

/** Backend cookies from the lab (reference Appendix A) and variations. */
export const COOKIE_VALUES: readonly string[] = [
  'JSESSIONID=abc; Path=/; Secure',
  'atl.xsrf.token=tok123; Path=/',
  'XSRF-TOKEN=x1; path=/app; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
  'xsrf-token=1; HttpOnly',
  'csrftoken=Zm9v; Path=/; SameSite=Lax; httponly',
  'a=b',
  '',
  'PHPSESSID=; Max-Age=0',
  'name=naïve; Path=/ünï',
];

export const CORPUS_PATTERNS: readonly string[] = [
  '^(.*)$',
  '(.*)',
  '.*',
  '^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$',
  '^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)$)',
  '(?i)path=/app',
  '^([^=]+)=',
  '^([^=]+)=([^;]*)',
  '(;|$)',
  ';\\s*HttpOnly',
  '(?i);\\s*httponly\\b',
  '^(?:XSRF-TOKEN|atl\\.xsrf\\.token)=',
  'Path=([^;]*)',
  '(?i)^(?!.*;\\s*httponly)(.*)$',
  '^(JSESSIONID|PHPSESSID)=(.*)$',
  'Secure;?',
  '\\bHttpOnly\\b',
  '^(?!XSRF)',
  '(a|ab)(c|bcd)(d*)',
  '(a*)+b',
  '(?:(a)|b)*',
  '((a)|b)+',
  '(a|)+',
  '(?:a?)*?b',
  '^(?:a|ab)*c',
  '([a-z]+)=\\1?',
  '(?:(t)|x)+?e',
  '(?:;\\s*)?$',
];
