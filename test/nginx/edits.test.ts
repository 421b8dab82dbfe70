/** Fix builders: quoting, lookahead rewriting, layout (indentation, line endings), refusals. */
import { applyEdits } from '../../src/source.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withLookahead } from '../../src/dialects/nginx/edits.js';
import { nginxArg, roundTrips } from '../../src/dialects/nginx/quote.js';
import { compileNginxRegex } from '../../src/model/ops/nginx-regex.js';
import { fixText, lintText } from './lint-helpers.js';
import { nginxDialect } from '../../src/dialects/nginx/index.js';
import { isFixRefusal } from '../../src/dialects/dialect.js';
import { memoryIO } from './memory-io.js';

describe('nginxArg', () => {
  it('writes arguments that read back as the same value', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\\', '"', "'", ' ', ';', '{', '}', '#', '$', 't', 'n', '\t', '~', '^') }), (v) => {
        expect(roundTrips(v, nginxArg(v))).toBe(true);
        expect(roundTrips(v, nginxArg(v, "'"))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(nginxArg('~^(?:atl\\.xsrf\\.token)$')).toBe('~^(?:atl\\.xsrf\\.token)$');
    expect(nginxArg('a b')).toBe('"a b"');
  });
});

describe('withLookahead', () => {
  const names = ['atl.xsrf.token', 'XSRF-TOKEN'];
  const probes = ['atl.xsrf.token', 'ATL.XSRF.TOKEN', 'XSRF-TOKEN', 'xsrf-token2', 'JSESSIONID', 'atlxxsrfxtoken', 'sessionid', 'a', 'my-xsrf-token', 'XSRF-TOKEN.x', ''];
  for (const source of ['', '^', 'token', '^J', '(?i)^sess', 'a|^X', '^(x)|token$', 'SESSION$', '^(?:a|b)']) {
    it(`keeps what "${source}" matches, minus the excluded names`, () => {
      const before = compileNginxRegex(source, true);
      const after = compileNginxRegex(withLookahead(source, names), true);
      if (!before.ok || !after.ok) throw new Error('compile');
      for (const p of probes) {
        const excluded = names.some((n) => n.toLowerCase() === p.toLowerCase());
        expect(after.regex.test(p), `${withLookahead(source, names)} on ${p}`).toBe(!excluded && before.regex.test(p));
      }
    });
  }
});

describe('nginx fixes', () => {
  it('keeps indentation and CRLF line endings', () => {
    const text = 'location / {\r\n\tproxy_pass http://a;\r\n\tproxy_cookie_flags ~ httponly;\r\n}\r\n';
    expect(fixText(text, {}, '/etc/nginx/x.conf')).toBe(
      'location / {\r\n\tproxy_pass http://a;\r\n\tproxy_cookie_flags ~^(?:atl\\.xsrf\\.token|atl\\.xsrf\\.token\\.slash|atlassian\\.xsrf\\.token|XSRF-TOKEN|csrftoken|sc|NX-ANTI-CSRF-TOKEN)$ nohttponly;\r\n\tproxy_cookie_flags ~ httponly;\r\n}\r\n',
    );
  });

  it('inserts before a directive that shares its line', () => {
    const out = fixText('location / { proxy_pass http://a; proxy_cookie_flags ~ httponly; }\n', {}, '/etc/nginx/x.conf');
    expect(out).toMatch(/^location \/ \{ proxy_pass http:\/\/a; proxy_cookie_flags ~\^\(\?:.*\)\$ nohttponly; proxy_cookie_flags ~ httponly; \}\n$/);
  });

  it('offers the exclusion first and the negative lookahead second; both hold', () => {
    const text = 'location / {\n    proxy_pass http://a;\n    proxy_cookie_flags "~token" httponly;\n}\n';
    const { model, fixers } = nginxDialect.build('/etc/nginx/x.conf', memoryIO({ '/etc/nginx/x.conf': text }), { nginxVersion: '1.30.1' });
    const op = model.endpoints[0]!.pipeline[0]!;
    const built = fixers.excludeCookies({ op, cause: op.parts[0]!.span, names: ['XSRF-TOKEN', 'csrftoken'], options: { nginxVersion: '1.30.1' } });
    if (isFixRefusal(built)) throw new Error(built.reason);
    expect(built.map((c) => c.description)).toEqual([
      'exclude XSRF-TOKEN, csrftoken with a proxy_cookie_flags directive placed before it (nginx applies the first match)',
      'exclude XSRF-TOKEN, csrftoken with a negative lookahead in the cookie regex',
    ]);
    const second = applyEdits(text, built[1]!.edits);
    expect(second).toContain('proxy_cookie_flags "~^(?!(?:XSRF-TOKEN|csrftoken)$).*?(?:token)" httponly;');
    // The scope now names XSRF-TOKEN and csrftoken and nothing points at another product: silent.
    const left = lintText(second, {}, '/etc/nginx/x.conf').messages.find((m) => m.ruleId === 'xsrf-cookie-httponly');
    expect(left?.message).toBeUndefined();
  });

  it('fixes the path hack where new proxy_cookie_flags would reach a location with its own proxy_cookie_path, by turning them off there', () => {
    const text = 'proxy_cookie_path / "/; HttpOnly";\nlocation /a/ { proxy_pass http://a; }\nlocation /b/ { proxy_pass http://a; proxy_cookie_path /b/ /; }\n';
    const r = lintText(text, { context: 'server' }, '/etc/nginx/x.conf');
    const m = r.messages.find((x) => x.ruleId === 'nginx-cookie-path-flag-injection')!;
    expect(m.fix).toBeDefined();
    const fixed = applyEdits(text, m.fix!.edits);
    expect(fixed).toContain('location /b/ { proxy_pass http://a; proxy_cookie_path /b/ /; proxy_cookie_flags off; }');
    expect(fixed).not.toContain('"/; HttpOnly"');
  });

  it('refuses to move SameSite from a rewrite of some paths to proxy_cookie_flags, which would reach every cookie', () => {
    const text = 'location /a/ { proxy_pass http://a; proxy_cookie_path /a/ "/; SameSite=Strict"; }\n';
    const r = lintText(text, { context: 'server' }, '/etc/nginx/x.conf');
    const m = r.messages.find((x) => x.ruleId === 'nginx-cookie-path-flag-injection')!;
    expect(m.fix).toBeUndefined();
    expect(m.message).toContain('No automatic fix');
    expect(String(m.data?.noFix)).toMatch(/proxy_cookie_flags cannot limit SameSite to the cookies/);
  });

  it('says why a Set-Cookie line written by the proxy cannot be fixed', () => {
    const r = lintText('location / { proxy_pass http://a; more_set_headers "Set-Cookie: XSRF-TOKEN=x; HttpOnly"; }', { context: 'server' }, '/etc/nginx/x.conf');
    // Both the overwrite and the HttpOnly on the CSRF cookie it writes: the browser gets it either way.
    expect(r.messages.map((m) => m.ruleId).sort()).toEqual(['cookie-header-overwrite', 'xsrf-cookie-httponly']);
    const xsrf = r.messages.find((m) => m.ruleId === 'xsrf-cookie-httponly')!;
    expect(xsrf.fix).toBeUndefined();
    expect(xsrf.message).toContain('No automatic fix');
  });
});

describe('path-hack fixes and the locations that set their own proxy_cookie_flags', () => {
  it('keep Secure on cookies the rewritten path gave it to, where a location does not inherit the new flags (found by the differential test)', () => {
    const text = [
      'server {',
      '    listen 80;',
      '    proxy_cookie_path ~*^/APP "/x; secure";',
      '    location = /l0/ {',
      '        proxy_cookie_flags ~ samesite=lax;',
      '        proxy_pass http://127.0.0.1:9000;',
      '    }',
      '}',
      '',
    ].join('\n');
    // Moving `secure` to a server-level proxy_cookie_flags would not reach /l0/, whose own flags
    // replace the server's: a cookie with Path=/app and no Secure would lose the Secure it gets.
    const fixed = fixText(text, { context: 'http' }, '/etc/nginx/x.conf');
    expect(fixed).toContain('proxy_cookie_path ~*^/APP "/x; secure";');
  });
});
