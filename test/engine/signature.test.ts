/**
 * Memo keys are complete: for every op kind, changing any one field that changes behaviour
 * changes the op's signature (src/model/signature.ts), and two copies of the same directive in
 * different places keep one signature (what lets large estates share simulations). Each case is
 * a configuration and its variants, one semantic field changed in each.
 */
import { describe, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { caddyDialect } from '../../src/dialects/caddy/index.js';
import { DEFAULT_NGINX_VERSION, type DialectModule } from '../../src/dialects/dialect.js';
import { iisDialect } from '../../src/dialects/iis/index.js';
import { haproxyDialect } from '../../src/dialects/haproxy/index.js';
import { nginxDialect } from '../../src/dialects/nginx/index.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { opSignature } from '../../src/model/signature.js';
import { memoryIO } from '../harness/memory-io.js';

function model(dialect: DialectModule, path: string, text: string, nginxVersion = DEFAULT_NGINX_VERSION): HeaderRewriteModel {
  return dialect.buildModel(path, memoryIO({ [path]: text }), { nginxVersion });
}

/** Signatures of the ops of `kind` in each text (one op per text expected). */
function signatures(dialect: DialectModule, path: string, kind: string, texts: readonly string[], nginxVersion?: string): string[] {
  return texts.map((t) => {
    const ops = model(dialect, path, t, nginxVersion).ops.filter((o) => o.kind === kind);
    expect(ops.length, t).toBeGreaterThan(0);
    return opSignature(ops[ops.length - 1]!);
  });
}

function expectAllDistinct(sigs: readonly string[], texts: readonly string[]): void {
  for (let i = 0; i < sigs.length; i++) {
    for (let j = i + 1; j < sigs.length; j++) {
      expect(sigs[i], `same key for:\n${texts[i]}\nand:\n${texts[j]}`).not.toBe(sigs[j]);
    }
  }
}

const vhost = (body: string) => `<VirtualHost *:443>\n    ServerName a.example.com\n    ProxyPass / http://127.0.0.1:8080/\n${body}\n</VirtualHost>\n`;

describe('apache-header: every semantic field is in the key', () => {
  const texts = [
    'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"',
    'Header edit Set-Cookie ^(.+)$ "$1; HttpOnly"', // pattern
    'Header edit Set-Cookie ^(.*)$ "$1; Secure"', // replacement
    'Header edit* Set-Cookie ^(.*)$ "$1; HttpOnly"', // action
    'Header always edit Set-Cookie ^(.*)$ "$1; HttpOnly"', // table
    'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!no_httponly', // condition
    'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" early', // early
    'Header set Set-Cookie "a=1; HttpOnly"', // action and value
    'Header add Set-Cookie "a=1; HttpOnly"',
    'Header append Set-Cookie "a=1"',
    'Header merge Set-Cookie "a=1"',
    'Header unset Set-Cookie',
  ].map(vhost);
  it('differs for each variant', () => expectAllDistinct(signatures(apacheDialect, '/c/a.conf', 'apache-header', texts), texts));
  it('is equal for the same directive in another scope', () => {
    const text = vhost('Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"') + vhost('    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"').replace('a.example', 'b.example');
    const ops = model(apacheDialect, '/c/a.conf', text).ops.filter((o) => o.kind === 'apache-header');
    expect(ops).toHaveLength(2);
    expect(opSignature(ops[0]!)).toBe(opSignature(ops[1]!));
  });
});

describe('apache-cookie-reverse: every mapping is in the key', () => {
  const texts = ['ProxyPassReverseCookiePath /app /', 'ProxyPassReverseCookiePath /app /x', 'ProxyPassReverseCookiePath /ap /', 'ProxyPassReverseCookieDomain /app /'].map(vhost);
  it('differs for each variant', () => expectAllDistinct(signatures(apacheDialect, '/c/a.conf', 'apache-cookie-reverse', texts), texts));
});

const loc = (body: string) => `http {\n  server {\n    listen 80;\n    location / {\n      proxy_pass http://127.0.0.1:8080;\n      ${body}\n    }\n  }\n}\n`;

describe('nginx-proxy-cookie: selector, flags, rewrites and version are in the key', () => {
  const texts = [
    'proxy_cookie_flags ~ httponly;',
    'proxy_cookie_flags ~ secure;', // flag
    'proxy_cookie_flags ~^a httponly;', // regex
    'proxy_cookie_flags "~(?i)^a" httponly;', // caseless regex
    'proxy_cookie_flags a httponly;', // literal
    'proxy_cookie_flags b httponly;',
    'proxy_cookie_path / "/; HttpOnly";', // path rewrite
    'proxy_cookie_path / "/; Secure";', // replacement
    'proxy_cookie_path /a "/; HttpOnly";', // pattern
    'proxy_cookie_domain / "/; HttpOnly";', // directive
    'proxy_cookie_flags ~ httponly; proxy_cookie_flags a nohttponly;', // order matters
    'proxy_cookie_flags a nohttponly; proxy_cookie_flags ~ httponly;',
  ].map(loc);
  it('differs for each variant', () => expectAllDistinct(signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-proxy-cookie', texts), texts));
  it('differs between nginx versions that evaluate it differently', () => {
    const text = loc('proxy_cookie_path / "/; HttpOnly";');
    const [now] = signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-proxy-cookie', [text]);
    const [old] = signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-proxy-cookie', [text], '1.18.0');
    expect(now).not.toBe(old);
  });
  it('differs for the values the variables of its arguments take (src/dialects/nginx/variables.ts)', () => {
    const texts = ['set $f httponly; proxy_cookie_flags ~ $f;', 'set $f secure; proxy_cookie_flags ~ $f;', 'set $n a; set $f httponly; proxy_cookie_flags $n $f;', 'set $n b; set $f httponly; proxy_cookie_flags $n $f;'].map(loc);
    expectAllDistinct(signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-proxy-cookie', texts), texts);
  });
});

describe('nginx add_header, headers-more and hide_header', () => {
  it('add_header: value and always', () => {
    const texts = ['add_header Set-Cookie "a=1; HttpOnly";', 'add_header Set-Cookie "a=2; HttpOnly";', 'add_header Set-Cookie "a=1; HttpOnly" always;'].map(loc);
    expectAllDistinct(signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-add-header', texts), texts);
  });
  it('more_set_headers: value, statuses', () => {
    // headers-more is a dynamic module: a main configuration loads it, or nginx refuses its directives.
    const loaded = (text: string) => `load_module modules/ngx_http_headers_more_filter_module.so;\n${text}`;
    const texts = ["more_set_headers 'Set-Cookie: a=1';", "more_set_headers 'Set-Cookie: a=2';", "more_set_headers -s 404 'Set-Cookie: a=1';", 'more_clear_headers Set-Cookie;'].map((t) => loaded(loc(t)));
    expectAllDistinct(signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-more-headers', texts), texts);
  });
  it('add_header reading the response cookies: the version that joins several lines or not', () => {
    const text = loc('add_header Set-Cookie "$upstream_http_set_cookie; HttpOnly";');
    const [now] = signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-add-header', [text]);
    const [old] = signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-add-header', [text], '1.22.1');
    expect(now).not.toBe(old);
  });
  it('hide_header: which upstream', () => {
    const texts = ['proxy_hide_header Set-Cookie;', 'fastcgi_hide_header Set-Cookie;'].map(loc);
    expectAllDistinct(signatures(nginxDialect, '/etc/nginx/nginx.conf', 'nginx-hide-header', texts), texts);
  });
});

const rule = (attrs: { match?: string; action?: string; rule?: string; conditions?: string; pre?: string }) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <system.webServer>\n    <rewrite>\n      <outboundRules>\n${attrs.pre ?? ''}` +
  `        <rule name="Add HttpOnly"${attrs.rule ?? ''}>\n          <match serverVariable="RESPONSE_Set_Cookie" ${attrs.match ?? 'pattern=".*"'} />\n${attrs.conditions ?? ''}` +
  `          <action type="Rewrite" value="{R:0}; HttpOnly" ${attrs.action ?? ''}/>\n        </rule>\n      </outboundRules>\n    </rewrite>\n  </system.webServer>\n</configuration>\n`;

describe('iis-outbound-rule: pattern, syntax, case, negation, conditions, pre-condition, action, stopProcessing', () => {
  const pre = '        <preConditions>\n          <preCondition name="html">\n            <add input="{RESPONSE_CONTENT_TYPE}" pattern="^text/html" />\n          </preCondition>\n        </preConditions>\n';
  const texts = [
    rule({}),
    rule({ match: 'pattern="^(?!XSRF-TOKEN=).*"' }), // pattern (the bug: two rules with one name shared a verdict)
    rule({ match: 'pattern=".*" ignoreCase="false"' }), // case
    rule({ match: 'pattern="^XSRF-TOKEN=" negate="true"' }), // negation
    rule({ match: 'pattern="^XSRF-TOKEN="' }),
    rule({ match: 'pattern="a" patternSyntax="ExactMatch"' }),
    rule({ conditions: '          <conditions>\n            <add input="{R:0}" pattern="^XSRF-TOKEN=" negate="true" />\n          </conditions>\n' }),
    rule({ conditions: '          <conditions>\n            <add input="{R:0}" pattern="^csrftoken=" negate="true" />\n          </conditions>\n' }),
    rule({ conditions: '          <conditions logicalGrouping="MatchAny">\n            <add input="{R:0}" pattern="^XSRF-TOKEN=" negate="true" />\n          </conditions>\n' }),
    rule({ pre, rule: ' preCondition="html"' }),
    rule({ rule: ' stopProcessing="true"' }),
  ];
  it('differs for each variant', () => expectAllDistinct(signatures(iisDialect, '/site/web.config', 'iis-outbound-rule', texts), texts));
  it('a rule’s name is not part of its behaviour', () => {
    const [a] = signatures(iisDialect, '/site/web.config', 'iis-outbound-rule', [rule({})]);
    const [b] = signatures(iisDialect, '/site/web.config', 'iis-outbound-rule', [rule({}).replace('Add HttpOnly', 'Another name')]);
    expect(a).toBe(b);
  });
});

describe('haproxy: action, header, regex, format, condition (named ACLs by definition), rule set, persistence cookie', () => {
  const cfg = (rules: string, acl = 'acl ok status 200', cookie = '') =>
    `defaults\n    mode http\n\nbackend app\n    ${acl}\n${cookie ? `    ${cookie}\n` : ''}    ${rules}\n    server a1 127.0.0.1:8080 cookie a1\n`;
  it('http-response rules', () => {
    const texts = [
      cfg('http-response replace-header Set-Cookie (.*) "\\1; HttpOnly"'),
      cfg('http-response replace-header Set-Cookie (.+) "\\1; HttpOnly"'), // regex
      cfg('http-response replace-header Set-Cookie (.*) "\\1; Secure"'), // format
      cfg('http-response replace-value Set-Cookie (.*) "\\1; HttpOnly"'), // action
      cfg('http-response replace-header Set-Cookie (.*) "\\1; HttpOnly" if ok'), // condition
      cfg('http-response replace-header Set-Cookie (.*) "\\1; HttpOnly" if ok', 'acl ok status 404'), // the ACL's definition
      cfg('http-response replace-header Set-Cookie (.*) "\\1; HttpOnly" unless ok'),
      cfg('http-after-response replace-header Set-Cookie (.*) "\\1; HttpOnly"'), // rule set
      cfg('http-response add-header Set-Cookie "a=1"'),
      cfg('http-response set-header Set-Cookie "a=1"'),
      cfg('http-response del-header Set-Cookie'),
      cfg('http-response del-header Set-C -m beg'),
    ];
    expectAllDistinct(signatures(haproxyDialect, '/etc/haproxy/haproxy.cfg', 'haproxy-http-response', texts), texts);
  });
  it('persistence cookie: name, attributes, preserve, server value', () => {
    const texts = [
      'cookie SRV insert',
      'cookie SRV insert httponly',
      'cookie SID insert',
      'cookie SRV insert preserve',
      'cookie SRV insert domain .example.org',
    ].map((c) => cfg('http-response del-header X', undefined, c));
    texts.push(texts[0]!.replace('cookie a1', 'cookie b1'));
    expectAllDistinct(signatures(haproxyDialect, '/etc/haproxy/haproxy.cfg', 'haproxy-cookie-insert', texts), texts);
  });
});

describe('caddy-headers: every semantic field is in the key', () => {
  const site = (body: string) => `a.example.com {\n${body}\n\treverse_proxy 127.0.0.1:8080\n}\n`;
  const texts = [
    '\theader {\n\t\tSet-Cookie (.*) "$1; HttpOnly"\n\t\tdefer\n\t}',
    '\theader {\n\t\tSet-Cookie (.+) "$1; HttpOnly"\n\t\tdefer\n\t}', // regex
    '\theader {\n\t\tSet-Cookie (.*) "$1; Secure"\n\t\tdefer\n\t}', // replacement
    '\theader Set-Cookie (.*) "$1; HttpOnly"', // immediate instead of deferred
    '\theader {\n\t\tSet-Cookie "(?!x)(.*)" "$1; HttpOnly"\n\t\tdefer\n\t}', // a regex Caddy refuses
    '\theader {\n\t\tSet-Cookie "\\pL(.*)" "$1; HttpOnly"\n\t\tdefer\n\t}', // a regex only the linter cannot run
    '\theader {\n\t\t* (.*) "$1; HttpOnly"\n\t\tdefer\n\t}', // every field
    '\theader {\n\t\tSet-Cookie "a=1"\n\t\tdefer\n\t}', // set
    '\theader {\n\t\tSet-Cookie "a=2"\n\t\tdefer\n\t}', // set value
    '\theader {\n\t\t+Set-Cookie "a=1"\n\t\tdefer\n\t}', // add
    '\theader -Set-Cookie', // delete
    '\theader ?Set-Cookie "a=1"', // default: requires no cookie
    '\t@m header X-A 1\n\theader @m {\n\t\tSet-Cookie (.*) "$1; HttpOnly"\n\t\tdefer\n\t}', // condition
  ].map(site);
  it('differs for each variant', () => expectAllDistinct(signatures(caddyDialect, '/c/Caddyfile', 'caddy-headers', texts), texts));
  it('is equal for the same directive in another site', () => {
    const text = site('\theader -Set-Cookie') + site('\theader -Set-Cookie').replace('a.example', 'b.example');
    const ops = model(caddyDialect, '/c/Caddyfile', text).ops.filter((o) => o.kind === 'caddy-headers');
    expect(ops).toHaveLength(2);
    expect(opSignature(ops[0]!)).toBe(opSignature(ops[1]!));
  });
});
