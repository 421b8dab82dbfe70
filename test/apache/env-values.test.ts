/**
 * `%{VAR}e` in Header values and replacements, fed by the environment variables httpd sets per
 * request: each value the configuration can give the variable (SetEnv in a section, SetEnvIf,
 * BrowserMatch, RewriteRule E=) and "unset" are outcomes of one request fact, explored like the
 * branches of an `<If>` chain. The same cases run against the real server in
 * real-server-conditions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { describeRequests } from '../../src/model/requests.js';
import { modelOf } from './helpers.js';

function vhost(body: string, outside = ''): HeaderRewriteModel {
  const m = modelOf(`${outside}<VirtualHost *:80>\n    ServerName a.test\n    ProxyPass / http://app/\n${body}\n</VirtualHost>\n<VirtualHost *:80>\n    ServerName b.test\n    ProxyPass / http://app/\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e"\n</VirtualHost>\n`);
  expect(m.problems).toEqual([]);
  return m;
}

/** Each distinct outcome for the first vhost: the cookie the browser gets, and the requests it is for. */
function outcomes(m: HeaderRewriteModel, host = 'a.test', cookie = 'csrftoken=1'): string[] {
  const e = m.endpoints.find((x) => x.label.includes(host))!;
  const r = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, [cookie]);
  return branchesOf(r).map((b) => `${b.lines.map((l) => l.value).join(' | ')} ${describeRequests(b.assumptions)}`.trim());
}

describe('values a request can give a variable', () => {
  it('explores each value SetEnvIf gives and the requests where it is unset', () => {
    expect(outcomes(vhost('    SetEnvIf Request_URI ^/s/ F=HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e"'))).toEqual([
      'csrftoken=1; HttpOnly for requests where F is "HttpOnly"',
      'csrftoken=1; (null) for requests where F is unset',
    ]);
  });

  it('counts a bare name as "1" and RewriteRule E= with or without a value, in reading order, each once', () => {
    const m = vhost('    BrowserMatch ^Bot F\n    RewriteEngine On\n    RewriteRule ^/a - [E=F:x,E=G]\n    RewriteRule ^/b - [env=F]\n    SetEnvIf Host b F\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e"');
    expect(outcomes(m)).toEqual(['csrftoken=1; 1 for requests where F is "1"', 'csrftoken=1; x for requests where F is "x"', 'csrftoken=1;  for requests where F is ""', 'csrftoken=1; (null) for requests where F is unset']);
  });

  it('does not count an unset (!VAR) as a value', () => {
    expect(outcomes(vhost('    SetEnvIf Request_URI ^/s/ !F\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e"'))).toEqual(['csrftoken=1; (null)']);
  });

  it('takes the main server settings into every virtual host, except its RewriteRules; never another host\'s', () => {
    const main = vhost('    Header edit Set-Cookie ^(.*)$ "$1; %{F}e"', 'SetEnvIf Request_URI ^/s/ F=HttpOnly\n');
    expect(outcomes(main)).toEqual(['csrftoken=1; HttpOnly for requests where F is "HttpOnly"', 'csrftoken=1; (null) for requests where F is unset']);
    expect(outcomes(main, 'b.test')).toHaveLength(2);
    const rewrite = vhost('    Header edit Set-Cookie ^(.*)$ "$1; %{F}e"', 'RewriteEngine On\nRewriteRule ^/s/ - [E=F:HttpOnly]\n');
    expect(outcomes(rewrite)).toEqual(['csrftoken=1; (null)']);
    // A value set in a.test does not reach b.test.
    const own = vhost('    SetEnvIf Request_URI ^/s/ F=HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e"');
    expect(outcomes(own, 'b.test')).toEqual(['csrftoken=1; (null)']);
  });

  it('uses the one value a server-level SetEnv gives every request, with no branch', () => {
    expect(outcomes(vhost('    SetEnv F HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e"'))).toEqual(['csrftoken=1; HttpOnly']);
  });

  it('keeps, under env=VAR, the values only; under env=!VAR, the unset variable only', () => {
    expect(outcomes(vhost('    SetEnvIf Request_URI ^/s/ F=HttpOnly\n    SetEnvIf Request_URI ^/t/ F=Secure\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e" env=F'))).toEqual([
      'csrftoken=1; HttpOnly for requests where env=F holds and F is "HttpOnly"',
      'csrftoken=1 for requests where env=F does not hold',
      'csrftoken=1; Secure for requests where F is "Secure"',
    ]);
    // One value left: no branch, the value itself.
    expect(outcomes(vhost('    SetEnvIf Request_URI ^/s/ F=HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e" env=F'))).toEqual([
      'csrftoken=1; HttpOnly for requests where env=F holds',
      'csrftoken=1 for requests where env=F does not hold',
    ]);
    expect(outcomes(vhost('    SetEnvIf Request_URI ^/s/ F=HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e" env=!F'))).toEqual([
      'csrftoken=1; (null) for requests where env=F does not hold',
      'csrftoken=1 for requests where env=F holds',
    ]);
  });

  it('gives a variable read twice the same value, and combines two variables', () => {
    const m = vhost('    SetEnvIf Request_URI ^/s/ F=a\n    SetEnvIf Request_URI ^/t/ G=b\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e %{G}e %{F}e"');
    expect(outcomes(m).map((o) => o.split(' for ')[0])).toEqual(['csrftoken=1; a b a', 'csrftoken=1; (null) b (null)', 'csrftoken=1; (null) (null) (null)', 'csrftoken=1; a (null) a']);
  });

  it('explores each variable on its own beyond 16 combinations', () => {
    const sets = ['F', 'G', 'H'].map((v) => [1, 2, 3].map((i) => `    SetEnvIf Request_URI ^/${v}${i}/ ${v}=${v}${i}`).join('\n')).join('\n');
    const m = vhost(`${sets}\n    Header set Set-Cookie "n=1; %{F}e %{G}e %{H}e"`);
    // 4 × 4 × 4 = 64 combinations: 4 + 4 + 4 outcomes, the others unset in each.
    const seen = outcomes(m, 'a.test').map((o) => o.split(' for ')[0]);
    expect(seen).toHaveLength(10);
    expect(seen).toContain('n=1; F2 (null) (null)');
    expect(seen).toContain('n=1; (null) (null) H3');
    expect(seen).not.toContain('n=1; F1 G1 (null)');
  });

  it('leaves a variable nothing in the configuration sets, and other headers, alone', () => {
    expect(outcomes(vhost('    Header edit Set-Cookie ^(.*)$ "$1; %{PASSED}e"\n    PassEnv PASSED'))).toEqual(['csrftoken=1; (null)']);
    const m = vhost('    SetEnvIf Request_URI ^/s/ F=HttpOnly\n    Header set X-F "%{F}e"');
    expect(m.ops.filter((o) => o.span.file === m.root && o.condition !== null)).toEqual([]);
  });

  it('explores the values an expr= value reads with %{reqenv:VAR} (an unset one reads as empty)', () => {
    expect(outcomes(vhost('    SetEnvIf Request_URI ^/s/ F=HttpOnly\n    Header set Set-Cookie "expr=s=1; %{reqenv:F}"'))).toEqual([
      's=1; HttpOnly for requests where F is "HttpOnly"',
      's=1;  for requests where F is unset',
    ]);
  });
});

describe('variables the sections of an endpoint set for all its requests', () => {
  const endpointOutcomes = (body: string, label: string) => {
    const m = modelOf(`<VirtualHost *:80>\n    ServerName a.test\n    ProxyPass /h/ http://app/\n${body}\n</VirtualHost>\n`);
    expect(m.problems).toEqual([]);
    const e = m.endpoints.find((x) => x.label.endsWith(label));
    expect(e, m.endpoints.map((x) => x.label).join(' | ')).toBeDefined();
    const r = simulate('apache', e!.pipeline, { backend: 'http', status: 200 }, ['csrftoken=1']);
    return branchesOf(r).map((b) => b.lines.map((l) => l.value).join(' | '));
  };
  const guarded = '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!KEEP';
  const marker = '        Header edit Set-Cookie "^(JSESSIONID=.*)$" "$1; Secure"';

  it('decides env= and %{VAR}e where the endpoint\'s own section sets the variable', () => {
    expect(endpointOutcomes(`    <Location /h/app/>\n        SetEnv KEEP 1\n${marker}\n    </Location>\n${guarded}`, '<Location /h/app/>')).toEqual(['csrftoken=1']);
    expect(endpointOutcomes(`    <Location /h/app/>\n        SetEnv V HttpOnly\n${marker}\n    </Location>\n    Header edit Set-Cookie ^(.*)$ "$1; %{V}e"`, '<Location /h/app/>')).toEqual(['csrftoken=1; HttpOnly']);
  });

  it('lets a value SetEnvIf or RewriteRule E= gave first win over SetEnv, which only adds (httpd 2.4.71)', () => {
    expect(endpointOutcomes(`    <Location /h/app/>\n        SetEnv V HttpOnly\n${marker}\n    </Location>\n    SetEnvIf Request_URI x V=Secure\n    Header edit Set-Cookie ^(.*)$ "$1; %{V}e"`, '<Location /h/app/>')).toEqual(['csrftoken=1; Secure', 'csrftoken=1; HttpOnly']);
    expect(endpointOutcomes('    SetEnv V HttpOnly\n    RewriteEngine On\n    RewriteRule ^/h/s - [E=V:Secure]\n    Header edit Set-Cookie ^(.*)$ "$1; %{V}e" env=V', 'ProxyPass /h/')).toEqual(['csrftoken=1; Secure', 'csrftoken=1; HttpOnly']);
  });

  it('lets a later section unset what an earlier one or the server set', () => {
    expect(endpointOutcomes(`    SetEnv KEEP 1\n    <Location /h/app/>\n        UnsetEnv KEEP\n${marker}\n    </Location>\n${guarded}`, '<Location /h/app/>')).toEqual(['csrftoken=1; HttpOnly']);
    // The server's SetEnv no longer decides /h/, part of whose requests the sub-location unsets.
    expect(endpointOutcomes(`    SetEnv KEEP 1\n    <Location /h/app/>\n        UnsetEnv KEEP\n${marker}\n    </Location>\n${guarded}`, 'ProxyPass /h/')).toEqual(['csrftoken=1; HttpOnly', 'csrftoken=1']);
    expect(endpointOutcomes(`    <Location /h/>\n        UnsetEnv KEEP\n    </Location>\n    <Location /h/app/>\n        SetEnv KEEP 1\n${marker}\n    </Location>\n${guarded}`, '<Location /h/app/>')).toEqual(['csrftoken=1']);
  });

  it('lets UnsetEnv cancel SetEnv only: what SetEnvIf or RewriteRule E= sets stays (httpd 2.4.71)', () => {
    expect(endpointOutcomes(`    SetEnvIf Request_URI ^/h/ KEEP\n    <Location /h/app/>\n        UnsetEnv KEEP\n${marker}\n    </Location>\n${guarded}`, '<Location /h/app/>')).toEqual(['csrftoken=1; HttpOnly', 'csrftoken=1']);
    expect(endpointOutcomes(`    SetEnv KEEP 1\n    SetEnvIf Request_URI ^/h/ KEEP=2\n    <Location /h/app/>\n        UnsetEnv KEEP\n${marker}\n    </Location>\n    Header edit Set-Cookie ^(.*)$ "$1; %{KEEP}e"`, '<Location /h/app/>')).toEqual(['csrftoken=1; 2', 'csrftoken=1; (null)']);
  });

  it('finds a variable whatever the case of its name (subprocess_env compares names without case)', () => {
    expect(endpointOutcomes(`    SetEnv keep 1\n${guarded}`, 'ProxyPass /h/')).toEqual(['csrftoken=1']);
    expect(endpointOutcomes(`    <Location /h/app/>\n        SetEnv Keep 1\n${marker}\n    </Location>\n${guarded}`, '<Location /h/app/>')).toEqual(['csrftoken=1']);
    expect(endpointOutcomes(`    SetEnvIf Request_URI ^/h/s/ keep\n${guarded}`, 'ProxyPass /h/')).toEqual(['csrftoken=1; HttpOnly', 'csrftoken=1']);
    expect(outcomes(vhost('    SetEnvIf Request_URI ^/s/ f=HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{F}e %{f}e"'))).toEqual([
      'csrftoken=1; HttpOnly HttpOnly for requests where F is "HttpOnly"',
      'csrftoken=1; (null) (null) for requests where F is unset',
    ]);
  });

  it('does not count sections that may match only some of the requests: patterns, <Files>, <If>', () => {
    for (const section of ['<LocationMatch "^/h/app/$">', '<Location "/h/*/">']) {
      const close = section.startsWith('<LocationMatch') ? '</LocationMatch>' : '</Location>';
      expect(endpointOutcomes(`    ${section}\n        SetEnv KEEP 1\n    ${close}\n    <Location /h/app/>\n${marker}\n    </Location>\n${guarded}`, '<Location /h/app/>')).toHaveLength(2);
    }
    expect(endpointOutcomes(`    <Location /h/app/>\n        <If "%{QUERY_STRING} =~ /k/">\n            SetEnv KEEP 1\n        </If>\n${marker}\n    </Location>\n${guarded}`, '<Location /h/app/>')).toHaveLength(2);
    for (const section of ['<ProxyMatch "/$">', '<Proxy "*/">']) {
      const close = section.startsWith('<ProxyMatch') ? '</ProxyMatch>' : '</Proxy>';
      expect(endpointOutcomes(`    ${section}\n        SetEnv KEEP 1\n    ${close}\n${guarded}`, 'ProxyPass /h/')).toHaveLength(2);
    }
  });

  it('lists a rebuilt directive among the model\'s ops, once in each pipeline', () => {
    const m = modelOf(`<VirtualHost *:80>\n    ProxyPass /h/ http://app/\n    <Location /h/app/>\n        SetEnv KEEP 1\n${marker}\n    </Location>\n${guarded}\n</VirtualHost>\n`);
    const rebuilt = m.ops.filter((o) => o.label.includes('env=!KEEP'));
    expect(rebuilt.map((o) => o.condition?.value)).toEqual(['unknown', false]);
    const vhosts = m.endpoints.filter((e) => e.label.startsWith('<VirtualHost'));
    expect(vhosts.map((e) => e.pipeline.filter((o) => o.label.includes('env=!KEEP')).map((o) => o.condition?.value))).toEqual([['unknown'], [false], ['unknown']]);
  });
});

describe('variables the named groups of regex sections set', () => {
  it('counts MATCH_<NAME> as set on some requests, also from a section with no directive (httpd 2.4.71)', () => {
    const flags = (body: string, label: string) => {
      const m = modelOf(`<VirtualHost *:80>\n    ServerName a.test\n    ProxyPass / http://app/\n${body}\n</VirtualHost>\n`);
      expect(m.problems).toEqual([]);
      const e = m.endpoints.find((x) => x.label.endsWith(label))!;
      const r = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['csrftoken=1']);
      return branchesOf(r).map((b) => `${b.lines.map((l) => l.value).join(' | ')} ${describeRequests(b.assumptions)}`.trim());
    };
    const edit = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=MATCH_SECURE';
    expect(flags(`    <LocationMatch "^/(?<secure>admin)/">\n        ${edit}\n    </LocationMatch>`, '>')).toEqual([
      'csrftoken=1; HttpOnly for requests where env=MATCH_SECURE holds',
      'csrftoken=1 for requests where env=MATCH_SECURE does not hold',
    ]);
    expect(flags(`    <Location ~ "^/(?'Secure'admin)/">\n    </Location>\n    ${edit}`, '(a.test)')).toHaveLength(2);
    expect(flags(`    <ProxyMatch "^http://app/(?P<secure>admin)">\n    </ProxyMatch>\n    ${edit}`, '(a.test)')).toHaveLength(2);
    // Lookbehinds, escaped parentheses, classes and <If> regexes name no variable.
    expect(flags(`    <LocationMatch "^/(?<=x)\\(?<secure>[(?<secure>]">\n    </LocationMatch>\n    <If "%{REQUEST_URI} =~ /(?<secure>a)/">\n    </If>\n    ${edit}`, '(a.test)')).toEqual(['csrftoken=1']);
  });
});

describe('variables mod_proxy_balancer exports', () => {
  it('counts BALANCER_ROUTE_CHANGED as set on some requests: its sticky-session recipe with set replaces every cookie there', () => {
    const m = modelOf(
      '<VirtualHost *:80>\n    <Proxy "balancer://app">\n        BalancerMember "http://10.0.0.1:8080" route=1\n        ProxySet stickysession=ROUTEID\n    </Proxy>\n    Header set Set-Cookie "ROUTEID=.%{BALANCER_WORKER_ROUTE}e; path=/" env=BALANCER_ROUTE_CHANGED\n    ProxyPass / balancer://app/\n</VirtualHost>\n',
    );
    expect(m.problems).toEqual([]);
    const e = m.endpoints.find((x) => x.label.startsWith('<VirtualHost'))!;
    const r = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['csrftoken=1']);
    expect(branchesOf(r).map((b) => `${b.lines.map((l) => l.value).join(' | ')} ${describeRequests(b.assumptions)}`.trim())).toEqual([
      'ROUTEID=.(null); path=/ for requests where env=BALANCER_ROUTE_CHANGED holds',
      'csrftoken=1 for requests where env=BALANCER_ROUTE_CHANGED does not hold',
    ]);
  });
});
