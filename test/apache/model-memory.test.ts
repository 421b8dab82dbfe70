/**
 * What an Apache model keeps alive once built. On a 20,000-vhost file the model kept every
 * directive of the configuration (each `Header` op's `%{VAR}e` lookup closed over its section and
 * the environment facts): 277 MB where the model itself needs 124. The lookups are now settled
 * when the op is made, for the names the format reads; the engine also lets go of the syntax the
 * fixers edit once every candidate edit is made (BuiltModel.release).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { lowerApache } from '../../src/dialects/apache/lower.js';
import { envNamesRead, parseFormat, type FormatString } from '../../src/model/ops/apache-format.js';
import { branchesOf, simulate } from '../../src/model/simulate.js';
import { memoryIO, OPTIONS } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CONFIG = `SetEnv F main
<VirtualHost *:80>
    ServerName a.test
    ProxyPass / http://app/
    SetEnvIf Request_URI ^/s/ G=HttpOnly
    Header edit Set-Cookie ^(.*)$ "$1; %{G}e; %{F}e"
    Header always set X-Env "%{F}e %{H}e"
    Header always set X-Expr "expr=%{env:F}-%{REQUEST_URI}"
</VirtualHost>
`;

const format = (s: string): FormatString => parseFormat(s) as FormatString;

describe('the variables a format reads', () => {
  it('are its %{NAME}e tags, and an expr= string’s env: and reqenv: references, as written', () => {
    expect(envNamesRead(format('%{A}e and %{b}e, %{A}e again, %{X}i %D'))).toEqual(['A', 'b', 'A']);
    expect(envNamesRead(format('expr=%{env:A} %{reqenv:B} %{ENV:C} %{REQUEST_URI} %{tolower:D}'))).toEqual(['A', 'B', 'C']);
    expect(envNamesRead(format('no variable %%{A}e'))).toEqual([]);
  });
});

describe('an Apache model once built', () => {
  it('keeps none of the syntax alive, and its ops still read the environment as before', async () => {
    const io = memoryIO({ '/etc/apache2/test.conf': CONFIG });
    let lowered: ReturnType<typeof lowerApache> | undefined = lowerApache('/etc/apache2/test.conf', io, OPTIONS);
    const model = lowered.model;
    const directives = new WeakRef([...lowered.syntax.headers.values()][0]!.node);
    lowered = undefined;
    // A WeakRef made in this job holds its target until the job ends.
    await new Promise((r) => setImmediate(r));
    gc();
    expect(directives.deref()).toBeUndefined();
    const e = model.endpoints.find((x) => x.label.includes('a.test'))!;
    const r = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['csrftoken=1']);
    // G from the vhost's SetEnvIf on some requests, F from the main server's SetEnv on all.
    expect(branchesOf(r).map((b) => b.lines.map((l) => l.value).join(' | '))).toEqual(['csrftoken=1; HttpOnly; main', 'csrftoken=1; (null); main']);
  });

  it('lets go of the syntax on release; the fixers may not be called after, units read before stay known', () => {
    const built = apacheDialect.build('/etc/apache2/test.conf', memoryIO({ '/etc/apache2/test.conf': CONFIG }), OPTIONS);
    const units = built.units!();
    expect(units).toHaveLength(1);
    const op = built.model.endpoints.find((x) => x.label.includes('a.test'))!.pipeline.find((o) => o.kind === 'apache-header')!;
    const request = { op, cause: op.span, names: ['csrftoken'], options: OPTIONS };
    expect(() => built.fixers.excludeCookies(request)).not.toThrow();
    built.release!();
    expect(built.units!()).toBe(units);
    expect(() => built.fixers.excludeCookies(request)).toThrow(/syntax of \/etc\/apache2\/test\.conf was released/);
  });
});
