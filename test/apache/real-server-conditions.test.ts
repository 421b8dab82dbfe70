/**
 * Request-dependent conditions on the real Apache: for each case the simulator explores the
 * outcomes of its undecided conditions (`<If>`, `expr=`, `env=` fed by SetEnvIf/BrowserMatch),
 * then requests chosen to take each outcome are sent to a running apache2. Every response must
 * be the outcome of a branch consistent with its request, and every branch must be met by some
 * request: both sides of every condition are checked against the server.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { SERVED_MODULES, apacheBinary, makeRoot, startApache, startBackends, type ApacheServer, type Backends } from '../servers/apache.js';
import { caseVhost, type Mounts } from '../servers/apache-vhosts.js';
import { cookieQuery, fetchCookies, freePort } from '../servers/backend.js';
import { branchesFor, type Facts } from './branches.js';
import { STANDARD_COOKIES } from './real-server-cases.js';
import { describeRealServer } from '../helpers/skips.js';

const available = apacheBinary() !== null;

interface Request {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly facts?: Facts;
}

export interface ConditionCase {
  readonly name: string;
  readonly body: string;
  /** Request path of the endpoint to simulate (its `requestPath`). */
  readonly endpoint: string;
  readonly requests: readonly Request[];
  /** How many distinct outcomes the simulation must find. */
  readonly branches: number;
}

const blanket = 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"';

/** The fact of the chain in `cookie-mappings-and-headers-in-chain` (conditions.ts `factsOf`): which branch a request takes. */
const CHAIN_B = `chain:%{REQUEST_URI} =~ m#^/h/a#\u0001%{HTTP:X-Lpc-B} == '1'\u0001<else>`;

export const CONDITION_CASES: readonly ConditionCase[] = [
  {
    name: 'unset-under-if',
    body: `    ${blanket}\n    <If "%{REQUEST_URI} =~ m#\\.(css|js)$#">\n        Header unset Set-Cookie\n    </If>`,
    endpoint: '/h/',
    requests: [{ path: '/h/' }, { path: '/h/app.js' }],
    branches: 2,
  },
  {
    name: 'undo-under-expr',
    body: `    ${blanket}\n    Header edit Set-Cookie "^((?:csrftoken|XSRF-TOKEN)=.*); HttpOnly$" "$1" "expr=%{REQUEST_URI} =~ m#^/h/api/#"`,
    endpoint: '/h/',
    requests: [{ path: '/h/' }, { path: '/h/api/items' }],
    branches: 2,
  },
  {
    name: 'httponly-under-negated-expr',
    body: '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" "expr=%{REQUEST_URI} !~ m#^/h/static/#"',
    endpoint: '/h/',
    requests: [{ path: '/h/static/a.css' }, { path: '/h/page' }],
    branches: 2,
  },
  {
    name: 'if-elseif-else-chain',
    body: [
      '    <If "%{REQUEST_URI} =~ m#^/h/a#">',
      '        Header edit Set-Cookie "$" "; A"',
      '    </If>',
      '    <ElseIf "%{REQUEST_URI} =~ m#^/h/b#">',
      '        Header edit Set-Cookie "$" "; B"',
      '    </ElseIf>',
      '    <ElseIf "false">',
      '        Header edit Set-Cookie "$" "; Never"',
      '    </ElseIf>',
      '    <Else>',
      '        Header edit Set-Cookie "$" "; C"',
      '    </Else>',
      '    <If "%{REQUEST_URI} =~ m#^/h/a#">',
      '        Header edit Set-Cookie "$" "; A-again"',
      '    </If>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/a1' }, { path: '/h/b1' }, { path: '/h/c1' }],
    branches: 3,
  },
  {
    name: 'nested-if-in-location',
    body: [
      '    <Location /h/>',
      '        <If "%{REQUEST_URI} =~ m#/x#">',
      '            <If "%{REQUEST_URI} =~ m#/x/y#">',
      '                Header edit Set-Cookie "$" "; XY"',
      '            </If>',
      '            <Else>',
      '                Header edit Set-Cookie "$" "; X"',
      '            </Else>',
      '        </If>',
      '    </Location>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/x/y' }, { path: '/h/x/z' }, { path: '/h/q' }],
    branches: 3,
  },
  {
    // Every path of the <Location> matches the <If> (an alternation, not a literal start): one
    // outcome, the <Else> never runs (src/model/requests.ts testUnderPrefix).
    name: 'if-decided-by-location',
    body: [
      '    <Location /h/>',
      '        <If "%{REQUEST_URI} =~ m#^/(h|k)/[a-z]*#">',
      '            Header edit Set-Cookie "$" "; InH"',
      '        </If>',
      '        <Else>',
      '            Header edit Set-Cookie "$" "; NotH"',
      '        </Else>',
      '    </Location>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/a1' }, { path: '/h/' }, { path: '/h/9' }],
    branches: 1,
  },
  {
    // BrowserMatchNoCase sparing crawlers too (fixtures/xsrf-cookie-httponly/apache/invalid-browsermatch-bots-only.conf).
    name: 'browsermatch-env',
    body: `    BrowserMatch "^LpcBot" LPC_BOT\n    BrowserMatchNoCase "(crawler|spider)" LPC_BOT\n    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!LPC_BOT`,
    endpoint: '/h/',
    requests: [
      { path: '/h/', headers: { 'User-Agent': 'LpcBot/1.0' }, facts: { 'env:LPC_BOT': true } },
      { path: '/h/', headers: { 'User-Agent': 'Some-CRAWLER/2.1' }, facts: { 'env:LPC_BOT': true } },
      { path: '/h/', headers: { 'User-Agent': 'Mozilla/5.0' }, facts: { 'env:LPC_BOT': false } },
    ],
    branches: 2,
  },
  {
    // SetEnvIfNoCase's test ignores case: /h/STYLE.CSS sets the variable as /h/style.css would.
    name: 'setenvif-unset',
    body: `    ${blanket}\n    SetEnvIf Request_URI "\\.js$" LPC_STATIC\n    SetEnvIfNoCase Request_URI "\\.css$" LPC_STATIC\n    Header unset Set-Cookie env=LPC_STATIC`,
    endpoint: '/h/',
    requests: [
      { path: '/h/app.js', facts: { 'env:LPC_STATIC': true } },
      { path: '/h/STYLE.CSS', facts: { 'env:LPC_STATIC': true } },
      { path: '/h/', facts: { 'env:LPC_STATIC': false } },
    ],
    branches: 2,
  },
  {
    // %{VAR}e takes the value SetEnvIf gives it on matching requests, "(null)" on the others.
    name: 'setenvif-value-in-replacement',
    body: `    SetEnvIf Request_URI "^/h/secure/" LPC_FLAGS=HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{LPC_FLAGS}e"`,
    endpoint: '/h/',
    requests: [
      { path: '/h/secure/page', facts: { 'envvalue:LPC_FLAGS': 0 } },
      { path: '/h/', facts: { 'envvalue:LPC_FLAGS': 1 } },
    ],
    branches: 2,
  },
  {
    // Two RewriteRule E= values; env= keeps the directive off the requests where neither is set.
    name: 'rewrite-e-values-under-env',
    body: [
      '    RewriteEngine On',
      '    RewriteRule ^/h/a - [E=LPC_FLAGS:HttpOnly]',
      '    RewriteRule ^/h/b - [E=LPC_FLAGS:Secure]',
      '    Header set Set-Cookie "lpc=1; %{LPC_FLAGS}e" env=LPC_FLAGS',
    ].join('\n'),
    endpoint: '/h/',
    requests: [
      { path: '/h/a1', facts: { 'env:LPC_FLAGS': true, 'envvalue:LPC_FLAGS': 0 } },
      { path: '/h/b1', facts: { 'env:LPC_FLAGS': true, 'envvalue:LPC_FLAGS': 1 } },
      { path: '/h/c1', facts: { 'env:LPC_FLAGS': false } },
    ],
    branches: 3,
  },
  {
    // A value set in a <Location> only reaches the requests it matches; a server-wide SetEnv of another variable is known.
    name: 'setenv-in-location-and-server',
    body: [
      '    SetEnv LPC_SAMESITE Lax',
      '    <Location /h/app/>',
      '        SetEnv LPC_FLAGS HttpOnly',
      '    </Location>',
      '    Header always set X-Lpc "seen"',
      '    Header edit Set-Cookie "^(csrftoken=[^;]*)(.*)$" "$1$2; SameSite=%{LPC_SAMESITE}e; %{LPC_FLAGS}e"',
    ].join('\n'),
    endpoint: '/h/',
    requests: [
      { path: '/h/app/x', facts: { 'envvalue:LPC_FLAGS': 0 } },
      { path: '/h/x', facts: { 'envvalue:LPC_FLAGS': 1 } },
    ],
    branches: 2,
  },
  {
    // SetEnv in the section an endpoint is: every one of its requests has the variable.
    name: 'setenv-in-location-decides',
    body: [
      '    <Location /h/app/>',
      '        SetEnv LPC_KEEP 1',
      '        Header edit Set-Cookie "^(JSESSIONID=.*)$" "$1; Secure"',
      '    </Location>',
      '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!LPC_KEEP',
    ].join('\n'),
    endpoint: '/h/app/',
    requests: [{ path: '/h/app/x' }, { path: '/h/app/' }],
    branches: 1,
  },
  {
    // The same SetEnv in a sub-section: some requests of /h/ have it, others do not.
    name: 'setenv-in-sub-location-unknown',
    body: ['    <Location /h/app/>', '        SetEnv LPC_KEEP 1', '    </Location>', '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!LPC_KEEP'].join('\n'),
    endpoint: '/h/',
    requests: [
      { path: '/h/app/x', facts: { 'env:LPC_KEEP': true } },
      { path: '/h/x', facts: { 'env:LPC_KEEP': false } },
    ],
    branches: 2,
  },
  {
    // UnsetEnv in a section overrides the server's SetEnv for its requests, and only for them.
    name: 'unsetenv-in-location',
    body: [
      '    SetEnv LPC_KEEP 1',
      '    <Location /h/app/>',
      '        UnsetEnv LPC_KEEP',
      '        Header edit Set-Cookie "^(JSESSIONID=.*)$" "$1; Secure"',
      '    </Location>',
      '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly; %{LPC_KEEP}e" env=!LPC_KEEP',
      '    Header edit Set-Cookie ^(.*)$ "$1; keep=%{LPC_KEEP}e"',
    ].join('\n'),
    endpoint: '/h/app/',
    requests: [{ path: '/h/app/x' }],
    branches: 1,
  },
  {
    // The server's SetEnv does not decide /h/: a sub-location unsets it for some of its requests.
    name: 'unsetenv-in-sub-location',
    body: ['    SetEnv LPC_KEEP 1', '    <Location /h/app/>', '        UnsetEnv LPC_KEEP', '    </Location>', '    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=!LPC_KEEP'].join('\n'),
    endpoint: '/h/',
    requests: [
      { path: '/h/x', facts: { 'env:LPC_KEEP': true } },
      { path: '/h/app/x', facts: { 'env:LPC_KEEP': false } },
    ],
    branches: 2,
  },
  {
    // Tests of request headers (not the path), by expr= and by <If>/<Else>: each outcome is taken
    // by sending the headers or not; exactly one of <If> and <Else> runs.
    name: 'request-header-tests',
    body: [
      `    Header edit Set-Cookie ^(.*)$ "$1; Proto" "expr=%{HTTP:X-Lpc-Proto} == 'https'"`,
      `    <If "%{HTTP:X-Lpc-Legacy} == '1'">`,
      '        Header edit Set-Cookie "^(JSESSIONID=.*)$" "$1; Legacy"',
      '    </If>',
      '    <Else>',
      `        ${blanket}`,
      '    </Else>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [true, false].flatMap((proto) =>
      [true, false].map((legacy) => ({
        path: '/h/',
        headers: { ...(proto ? { 'X-Lpc-Proto': 'https' } : {}), ...(legacy ? { 'X-Lpc-Legacy': '1' } : {}) },
        facts: { "expr:%{HTTP:X-Lpc-Proto} == 'https'": proto, "expr:%{HTTP:X-Lpc-Legacy} == '1'": legacy },
      })),
    ),
    branches: 4,
  },
  {
    // Variable names compare without case: SetEnvIf's lpc_skip is env=!LPC_SKIP's variable.
    name: 'env-name-case-setenvif',
    body: `    SetEnvIf Request_URI "^/h/s/" lpc_skip\n    ${blanket} env=!LPC_SKIP`,
    endpoint: '/h/',
    requests: [
      { path: '/h/s/x', facts: { 'env:LPC_SKIP': true } },
      { path: '/h/x', facts: { 'env:LPC_SKIP': false } },
    ],
    branches: 2,
  },
  {
    // UnsetEnv cancels SetEnv/PassEnv only: what BrowserMatch sets stays.
    name: 'unsetenv-keeps-browsermatch',
    body: `    BrowserMatch "^LpcBot" LPC_BOT\n    UnsetEnv LPC_BOT\n    ${blanket} env=!LPC_BOT`,
    endpoint: '/h/',
    requests: [
      { path: '/h/', headers: { 'User-Agent': 'LpcBot/1.0' }, facts: { 'env:LPC_BOT': true } },
      { path: '/h/', headers: { 'User-Agent': 'Mozilla/5.0' }, facts: { 'env:LPC_BOT': false } },
    ],
    branches: 2,
  },
  {
    // A nested <If> merges after every <If> of its parent's level, here one of a later <Location>.
    name: 'nested-if-after-later-location-if',
    body: [
      '    <Location /h/>',
      '        <If "%{REQUEST_URI} =~ m#/x#">',
      '            Header edit Set-Cookie "$" "; X"',
      '            <If "%{REQUEST_URI} =~ m#/x/y#">',
      '                Header edit Set-Cookie "$" "; XY"',
      '            </If>',
      '        </If>',
      '    </Location>',
      '    <Location />',
      '        <If "%{REQUEST_URI} =~ m#/x#">',
      '            Header edit Set-Cookie "$" "; Root"',
      '        </If>',
      '    </Location>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/x/y' }, { path: '/h/x/z' }, { path: '/h/q' }],
    branches: 3,
  },
  {
    // Cookie mappings in two undecided <If> sections: each combination is one outcome.
    name: 'cookie-mappings-under-if',
    body: [
      `    <If "%{HTTP:X-Lpc-Path} == '1'">`,
      '        ProxyPassReverseCookiePath / /mapped',
      '    </If>',
      `    <If "%{HTTP:X-Lpc-Domain} == '1'">`,
      '        ProxyPassReverseCookieDomain example.com proxy.example',
      '    </If>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [true, false].flatMap((path) =>
      [true, false].map((domain) => ({
        path: '/h/',
        headers: { ...(path ? { 'X-Lpc-Path': '1' } : {}), ...(domain ? { 'X-Lpc-Domain': '1' } : {}) },
        facts: { "expr:%{HTTP:X-Lpc-Path} == '1'": path, "expr:%{HTTP:X-Lpc-Domain} == '1'": domain },
      })),
    ),
    branches: 4,
  },
  {
    // Cookie mappings in every branch of a four-branch chain: each request meets one branch's.
    name: 'cookie-mappings-in-elseif-chain',
    body: [
      '    <If "%{REQUEST_URI} =~ m#^/h/a#">',
      '        ProxyPassReverseCookiePath / /A',
      '    </If>',
      '    <ElseIf "%{REQUEST_URI} =~ m#^/h/b#">',
      '        ProxyPassReverseCookiePath / /B',
      '    </ElseIf>',
      '    <ElseIf "%{REQUEST_URI} =~ m#^/h/c#">',
      '        ProxyPassReverseCookieDomain example.com c.example',
      '    </ElseIf>',
      '    <Else>',
      '        ProxyPassReverseCookiePath / /E',
      '    </Else>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/a1' }, { path: '/h/b1' }, { path: '/h/c1' }, { path: '/h/d1' }],
    branches: 4,
  },
  {
    // A chain without <Else> (requests taking no branch get no mapping from it) beside an
    // independent <If>: their cases combine.
    name: 'cookie-mappings-chain-and-if',
    body: [
      '    <If "%{REQUEST_URI} =~ m#^/h/a#">',
      '        ProxyPassReverseCookiePath / /A',
      '    </If>',
      '    <ElseIf "%{REQUEST_URI} =~ m#^/h/b#">',
      '        ProxyPassReverseCookiePath / /B',
      '    </ElseIf>',
      '    <If "%{REQUEST_URI} =~ m#/x$#">',
      '        ProxyPassReverseCookieDomain example.com x.example',
      '    </If>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/a1' }, { path: '/h/a/x' }, { path: '/h/b1' }, { path: '/h/b/x' }, { path: '/h/c1' }, { path: '/h/c/x' }],
    branches: 6,
  },
  {
    // Mappings and Header directives in the branches of one chain read the same test: a request
    // meets one branch's mapping and that branch's Header directives, never another's.
    name: 'cookie-mappings-and-headers-in-chain',
    body: [
      '    <If "%{REQUEST_URI} =~ m#^/h/a#">',
      '        Header edit Set-Cookie "$" "; A"',
      '    </If>',
      `    <ElseIf "%{HTTP:X-Lpc-B} == '1'">`,
      '        ProxyPassReverseCookiePath / /B',
      '        Header edit Set-Cookie "$" "; B"',
      '    </ElseIf>',
      '    <Else>',
      '        ProxyPassReverseCookieDomain example.com e.example',
      '    </Else>',
      '    <If "%{REQUEST_URI} =~ m#^/h/a#">',
      '        ProxyPassReverseCookiePath / /A-again',
      '    </If>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [
      { path: '/h/a1', headers: { 'X-Lpc-B': '1' }, facts: { [CHAIN_B]: 0 } },
      { path: '/h/b1', headers: { 'X-Lpc-B': '1' }, facts: { [CHAIN_B]: 1 } },
      { path: '/h/c1', facts: { [CHAIN_B]: 2 } },
    ],
    branches: 3,
  },
  {
    // Cookie mappings in a chain nested in an <If>: the inner <Else> runs only inside the outer branch.
    name: 'cookie-mappings-in-nested-chain',
    body: [
      '    <If "%{REQUEST_URI} =~ m#^/h/x#">',
      '        <If "%{REQUEST_URI} =~ m#^/h/x/y#">',
      '            ProxyPassReverseCookiePath / /XY',
      '        </If>',
      '        <Else>',
      '            ProxyPassReverseCookiePath / /X',
      '        </Else>',
      '    </If>',
      '    <Else>',
      '        ProxyPassReverseCookieDomain example.com other.example',
      '    </Else>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/x/y' }, { path: '/h/x/z' }, { path: '/h/q' }],
    branches: 3,
  },
  {
    // Header directives in a chain nested in the first branch of another, both with <ElseIf> and <Else>.
    name: 'nested-elseif-chains',
    body: [
      '    <If "%{REQUEST_URI} =~ m#^/h/a#">',
      '        Header edit Set-Cookie "$" "; A"',
      '        <If "%{REQUEST_URI} =~ m#^/h/a/1#">',
      '            Header edit Set-Cookie "$" "; A1"',
      '        </If>',
      '        <ElseIf "%{REQUEST_URI} =~ m#^/h/a/2#">',
      '            Header edit Set-Cookie "$" "; A2"',
      '        </ElseIf>',
      '        <Else>',
      '            Header edit Set-Cookie "$" "; A-else"',
      '        </Else>',
      '    </If>',
      '    <ElseIf "%{REQUEST_URI} =~ m#^/h/b#">',
      '        Header edit Set-Cookie "$" "; B"',
      '    </ElseIf>',
      '    <ElseIf "%{REQUEST_URI} =~ m#^/h/c#">',
      '        Header unset Set-Cookie',
      '    </ElseIf>',
      '    <Else>',
      '        Header edit Set-Cookie "$" "; E"',
      '    </Else>',
    ].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/a/1' }, { path: '/h/a/2' }, { path: '/h/a/3' }, { path: '/h/b' }, { path: '/h/c' }, { path: '/h/d' }],
    branches: 6,
  },
  {
    // `interpolate` (any third argument) with ProxyPassInterpolateEnv On: ${VAR} takes the value
    // mod_proxy sees in its fixup, SetEnvIf's but not SetEnv's (set later): unset gives "".
    name: 'cookie-mapping-interpolated-values',
    body: [
      '    ProxyPassInterpolateEnv On',
      '    SetEnvIf Request_URI "^/h/s" LPC_P=/from-setenvif',
      '    SetEnv LPC_Q /from-setenv',
      '    ProxyPassReverseCookiePath /app ${LPC_P}/x interpolate',
      '    ProxyPassReverseCookiePath ${lpc_p}/ /never Interpolate',
      '    ProxyPassReverseCookiePath / [${LPC_Q}] foo',
      '    ProxyPassReverseCookieDomain example.com ${lpc_p}.example interpolate',
    ].join('\n'),
    endpoint: '/h/',
    requests: [
      { path: '/h/s1', facts: { 'envfixup:LPC_P': 0 } },
      { path: '/h/t1', facts: { 'envfixup:LPC_P': 1 } },
    ],
    branches: 2,
  },
  {
    // SetEnv in a regex <Proxy> section reaches only the requests whose backend URL it selects.
    name: 'setenv-in-proxymatch',
    body: `    <ProxyMatch "/$">\n        SetEnv LPC_KEEP 1\n    </ProxyMatch>\n    ${blanket} env=!LPC_KEEP`,
    endpoint: '/h/',
    requests: [
      { path: '/h/', facts: { 'env:LPC_KEEP': true } },
      { path: '/h/x', facts: { 'env:LPC_KEEP': false } },
    ],
    branches: 2,
  },
  {
    // SetEnv only adds: a value SetEnvIf gave first is the one %{VAR}e reads, never "unset".
    name: 'setenvif-value-beats-setenv',
    body: '    SetEnvIf Request_URI "^/h/s/" LPC_V=Secure\n    SetEnv LPC_V HttpOnly\n    Header edit Set-Cookie ^(.*)$ "$1; %{LPC_V}e"',
    endpoint: '/h/',
    requests: [
      { path: '/h/s/x', facts: { 'envvalue:LPC_V': 0 } },
      { path: '/h/x', facts: { 'envvalue:LPC_V': 1 } },
    ],
    branches: 2,
  },
  {
    // The <Location> decides the path test: every request there takes the <If>, none the <Else> (one outcome).
    name: 'location-decides-if',
    body: ['    <Location /h/app/>', '        <If "%{REQUEST_URI} =~ m#^/h/app/#">', '            Header edit Set-Cookie "$" "; IF"', '        </If>', '        <Else>', '            Header edit Set-Cookie "$" "; ELSE"', '        </Else>', '    </Location>'].join('\n'),
    endpoint: '/h/app/',
    requests: [{ path: '/h/app/' }, { path: '/h/app/x.js' }],
    branches: 1,
  },
  {
    // ... or none takes the <If>; an <ElseIf> the path decides still has both outcomes.
    name: 'location-rules-out-if',
    body: [
      '    <Location /h/app/>',
      '        <If "%{REQUEST_URI} =~ m#^/h/other/#">',
      '            Header edit Set-Cookie "$" "; OTHER"',
      '        </If>',
      '        <ElseIf "%{REQUEST_URI} =~ m#\\.js$#">',
      '            Header edit Set-Cookie "$" "; JS"',
      '        </ElseIf>',
      '        <Else>',
      '            Header edit Set-Cookie "$" "; ELSE"',
      '        </Else>',
      '    </Location>',
    ].join('\n'),
    endpoint: '/h/app/',
    requests: [{ path: '/h/app/a.js' }, { path: '/h/app/x' }],
    branches: 2,
  },
  {
    // The ProxyPass that routes the scope decides it too: every request ProxyPass /h/ takes starts with /h/.
    name: 'proxypass-decides-if',
    body: ['    <If "%{REQUEST_URI} =~ m#^/h/#">', '        Header edit Set-Cookie "$" "; IF"', '    </If>', '    <Else>', '        Header edit Set-Cookie "$" "; ELSE"', '    </Else>'].join('\n'),
    endpoint: '/h/',
    requests: [{ path: '/h/' }, { path: '/h/deeper/x' }],
    branches: 1,
  },
  {
    // expr= tests that are not regex matches on the path: decided by the request's facts.
    name: 'edit-under-exact-path-expr',
    body: `    Header edit Set-Cookie "^(csrftoken=[^;]*)(.*)$" "$1$2; HttpOnly" "expr=%{REQUEST_URI} == '/h/exact'"`,
    endpoint: '/h/',
    requests: [
      { path: '/h/exact', facts: { "expr:%{REQUEST_URI} == '/h/exact'": true } },
      { path: '/h/exact/', facts: { "expr:%{REQUEST_URI} == '/h/exact'": false } },
    ],
    branches: 2,
  },
];

describeRealServer('real Apache httpd: both outcomes of request-dependent conditions', available ? null : 'apache2 is not installed', () => {
  let root = '';
  let port = 0;
  let backends: Backends | undefined;
  let server: ApacheServer | undefined;
  const files = new Map<string, string>();

  beforeAll(async () => {
    root = makeRoot('lpc-apache-cond-');
    port = await freePort();
    backends = await startBackends(root);
    const mounts: Mounts = { port, backends };
    mkdirSync(join(root, 'cases'));
    for (const c of CONDITION_CASES) {
      const file = join(root, 'cases', `${c.name}.conf`);
      writeFileSync(file, caseVhost(`${c.name}.test`, c.body, mounts));
      files.set(c.name, file);
    }
    server = await startApache(root, port, 'Include cases/*.conf');
  });

  afterAll(async () => {
    await server?.stop();
    await backends?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const c of CONDITION_CASES) {
    it(`case ${c.name}: every response is a predicted outcome and every outcome is seen`, async () => {
      const model = apacheDialect.buildModel(files.get(c.name)!, createNodeIO(root), { nginxVersion: DEFAULT_NGINX_VERSION, apacheModules: SERVED_MODULES });
      expect(model.problems).toEqual([]);
      const endpoint = model.endpoints.find((e) => e.requestPath === c.endpoint && e.backends.some((b) => b.kind === 'http'));
      expect(endpoint, JSON.stringify(model.endpoints.map((e) => e.requestPath))).toBeDefined();
      const result = simulate('apache', endpoint!.pipeline, { backend: 'http', status: 200 }, STANDARD_COOKIES);
      const branches = branchesOf(result);
      expect(branches.length).toBe(c.branches);
      const seen = new Set<number>();
      const problems: string[] = [];
      for (const r of c.requests) {
        const res = await fetchCookies(port, `${r.path}?${cookieQuery(STANDARD_COOKIES)}`, { host: `${c.name}.test`, attempts: 20, ...(r.headers ? { headers: r.headers } : {}) });
        const actual = 'crashed' in res ? 'crash' : JSON.stringify(res.setCookies);
        const candidates = branchesFor(result, r.path, r.facts ?? {});
        const hit = candidates.filter((i) => JSON.stringify(branches[i]!.lines.map((l) => l.value)) === actual);
        if (hit.length === 0) {
          problems.push(`GET ${r.path}: apache ${actual}; predicted ${candidates.map((i) => JSON.stringify(branches[i]!.lines.map((l) => l.value))).join(' or ')}`);
        }
        for (const i of hit) seen.add(i);
      }
      expect(problems).toEqual([]);
      expect([...seen].sort()).toEqual(branches.map((_, i) => i));
    });
  }
});
