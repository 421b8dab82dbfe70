/**
 * The tokenizer and directive checks against `nginx -t`: for each input, nginx's first error
 * (message and line) must be the linter's first syntax problem, or both must accept the file.
 * Messages the linter extends with a hint must start with nginx's wording.
 */
import { afterAll, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import { createSourceFile, positionAt } from '../../src/source.js';
import { makePrefix, nginxVersion, removePrefixes, testConfig, writeFiles } from '../servers/nginx.js';
import { memoryIO } from './memory-io.js';
import { describeRealServer } from '../helpers/skips.js';

const nginx = nginxVersion();

const HTTP = 'events {}\nhttp {\n    client_body_temp_path tmp/b; proxy_temp_path tmp/p; fastcgi_temp_path tmp/f; uwsgi_temp_path tmp/u; scgi_temp_path tmp/s;\n';

/** [name, text, line where nginx and the linter agree the error is (undefined: nginx's line is EOF)]. */
const CASES: readonly [string, string][] = [
  ['comment only at token start', `${HTTP}    server { location / { return 200 foo#bar; } }\n}\n`],
  ['quote inside a word', `${HTTP}    server { location / { add_header X foo"bar"; } }\n}\n`],
  ['garbage after a closing quote', `${HTTP}    server { location / { add_header X "a"b; } }\n}\n`],
  ['")" after a closing quote', `${HTTP}    server { location / { if ($uri = "/x") { return 204; } } }\n}\n`],
  ['escapes kept and unescaped', `${HTTP}    server { location / { add_header X a\\;b; add_header Y "\\d\\t"; } }\n}\n`],
  ['${var} does not open a block', `${HTTP}    server { set $a 1; location / { add_header X \${a}b; } }\n}\n`],
  ['"{" ends an unquoted regex', `${HTTP}    server { location / { proxy_pass http://127.0.0.1:9; proxy_cookie_flags ~^a{2}$ httponly; } }\n}\n`],
  ['"}" inside a word', `${HTTP}    server { location / { add_header X a}b; } }\n}\n`],
  ['stray ";"', `${HTTP};\n}\n`],
  ['stray "{"', `${HTTP}    { }\n}\n`],
  ['"}" after words', `${HTTP}    server { listen 80 }\n}\n`],
  ['extra "}"', `${HTTP}}\n}\n`],
  ['unclosed block', `${HTTP}    server {\n`],
  ['unterminated string', `${HTTP}    server { location / { add_header X "abc; } }\n}\n`],
  ['unterminated statement', `${HTTP}}\nworker_processes 1`],
  ['too long parameter', `${HTTP}    server { location / { add_header X ${'a'.repeat(5000)}; } }\n}\n`],
  ['proxy_cookie_flags in if', `${HTTP}    server { location / { proxy_pass http://127.0.0.1:9; if ($uri) { proxy_cookie_flags ~ httponly; } } }\n}\n`],
  ['four flags', `${HTTP}    server { location / { proxy_pass http://127.0.0.1:9; proxy_cookie_flags ~ secure httponly nosamesite samesite=lax; } }\n}\n`],
  ['flags without a flag', `${HTTP}    server { location / { proxy_pass http://127.0.0.1:9; proxy_cookie_flags JSESSIONID; } }\n}\n`],
  ['~* is not a flags form', `${HTTP}    server { location / { proxy_pass http://127.0.0.1:9; proxy_cookie_flags ~*session httponly; } }\n}\n`],
  ['off then entries', `${HTTP}    server { location / { proxy_pass http://127.0.0.1:9; proxy_cookie_path off; proxy_cookie_path / /a/; } }\n}\n`],
  ['add_header bad flag', `${HTTP}    server { location / { add_header Set-Cookie a=1 sometimes; } }\n}\n`],
  ['valid tricky file', `${HTTP}    server {\n        location / {\n            proxy_pass http://127.0.0.1:9;\n            proxy_cookie_flags "~^(?!(?:XSRF-TOKEN)$)" httponly;\n            proxy_cookie_path ~*^/APP(.*)$ "/x$1; Secure";\n            add_header Set-Cookie 'a="b"; Path=/' always;\n        }\n    }\n}\n`],
];

function nginxError(output: string): { message: string; line: number } | null {
  const m = /\[emerg\] (?:\d+#\d+: )?(.*) in \S+:(\d+)/.exec(output);
  return m ? { message: m[1]!, line: Number(m[2]) } : null;
}

describeRealServer('nginx -t agrees with the linter', nginx.ok ? null : nginx.reason, () => {
  afterAll(removePrefixes);
  for (const [name, text] of CASES) {
    it(name, () => {
      const prefix = makePrefix();
      writeFiles(prefix, { 'nginx.conf': text });
      const t = testConfig(prefix);
      const real = t.ok ? null : nginxError(t.output);
      if (!t.ok) expect(real, t.output).not.toBeNull();
      const model = buildNginxModel('/x/nginx.conf', memoryIO({ '/x/nginx.conf': text }), { nginxVersion: nginx.ok ? nginx.version : '1.22.1' });
      const source = createSourceFile('/x/nginx.conf', text);
      // nginx stops at the first error it meets while reading; an unclosed block is met at the end.
      const metAt = (p: { message: string; span: { start: number } }) => (/^unexpected end of file/.test(p.message) ? text.length : p.span.start);
      const first = [...model.problems].filter((p) => p.kind === 'syntax' || p.kind === 'refused').sort((a, b) => metAt(a) - metAt(b))[0];
      if (!real) {
        expect(first?.message).toBeUndefined();
        return;
      }
      expect(first, `nginx: ${real.message}`).toBeDefined();
      expect(first!.message.startsWith(real.message), `linter: ${first!.message}\nnginx:  ${real.message}`).toBe(true);
      const line = positionAt(source, first!.span.start).line;
      // nginx reports end-of-file errors at the last line; the linter at what is left open.
      if (!/^unexpected end of file/.test(real.message)) expect(line).toBe(real.line);
    });
  }
});
