/**
 * Shared simulation: identical directives in many scopes are simulated once, yet every one of
 * them is blamed and fixed; ops that only look alike (same text, different environment) are not
 * shared.
 */
import { describe, expect, it } from 'vitest';
import { apacheDialect } from '../../src/dialects/apache/index.js';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { createSimulator } from '../../src/engine/simulator.js';
import { opSignature } from '../../src/model/signature.js';
import { memoryIO } from '../harness/memory-io.js';
import { cli } from '../helpers/cli.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const vhost = (i: number, extra = '') =>
  `<VirtualHost *:443>\n    ServerName s${i}.example.com\n    ProxyPass / http://127.0.0.1:${8000 + i}/\n${extra}    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"\n</VirtualHost>\n`;

describe('shared simulation', () => {
  it('groups equal pipelines and rebinds results to each pipeline’s own directive', () => {
    const text = [0, 1, 2].map((i) => vhost(i)).join('');
    const model = apacheDialect.buildModel('/c/site.conf', memoryIO({ '/c/site.conf': text }), { nginxVersion: DEFAULT_NGINX_VERSION });
    const sim = createSimulator('apache');
    const groups = sim.groups(model.endpoints.filter((e) => e.backends.length > 0));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.pipelines).toHaveLength(3);
    const causes = groups[0]!.pipelines.map((p) => sim.run(p, 'http', ['XSRF-TOKEN=t; Path=/']).lines[0]!.history[0]!.cause.start);
    expect(new Set(causes).size).toBe(3);
    for (const [i, p] of groups[0]!.pipelines.entries()) expect(causes[i]).toBe(p[p.length - 1]!.span.start);
    // A rebound result is kept for the model being linted, and let go when it is done.
    const second = groups[0]!.pipelines[1]!;
    const once = sim.run(second, 'http', ['XSRF-TOKEN=t; Path=/']);
    expect(sim.run(second, 'http', ['XSRF-TOKEN=t; Path=/'])).toBe(once);
    sim.endModel();
    const again = sim.run(second, 'http', ['XSRF-TOKEN=t; Path=/']);
    expect(again).not.toBe(once);
    expect(again).toEqual(once);
  });

  it('computes a derived value once per behaviour, not once per pipeline', () => {
    const text = `${[0, 1].map((i) => vhost(i)).join('')}<VirtualHost *:443>\n    ProxyPass / http://127.0.0.1:9000/\n    Header edit Set-Cookie ^(.*)$ "$1; Secure"\n</VirtualHost>\n`;
    const model = apacheDialect.buildModel('/c/derived.conf', memoryIO({ '/c/derived.conf': text }), { nginxVersion: DEFAULT_NGINX_VERSION });
    const sim = createSimulator('apache');
    const pipelines = model.endpoints.filter((e) => e.backends.length > 0).map((e) => e.pipeline);
    expect(pipelines).toHaveLength(3);
    let computed = 0;
    const values = pipelines.map((p) => sim.derived(p, 'test', () => ++computed));
    // The two HttpOnly edits behave alike and share one value; the Secure edit gets its own.
    expect(values).toEqual([1, 1, 2]);
    expect(sim.derived(pipelines[0]!, 'other question', () => ++computed)).toBe(3);
  });

  it('does not share ops whose text is equal but whose environment differs', () => {
    const text = `<VirtualHost *:443>\n    SetEnv FLAG HttpOnly\n    ProxyPass / http://127.0.0.1:8000/\n    Header set Set-Cookie "a=1; %{FLAG}e"\n</VirtualHost>\n<VirtualHost *:443>\n    ProxyPass / http://127.0.0.1:8001/\n    Header set Set-Cookie "a=1; %{FLAG}e"\n</VirtualHost>\n`;
    const model = apacheDialect.buildModel('/c/env.conf', memoryIO({ '/c/env.conf': text }), { nginxVersion: DEFAULT_NGINX_VERSION });
    const [a, b] = model.ops.filter((o) => o.kind === 'apache-header');
    expect(opSignature(a!)).not.toBe(opSignature(b!));
  });

  it('reports and fixes every copy of a repeated blanket rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpc-sim-'));
    try {
      writeFileSync(join(dir, 'site.conf'), [0, 1, 2, 3].map((i) => vhost(i)).join(''));
      const lint = await cli(['site.conf', '-f', 'json'], { cwd: dir });
      const [result] = JSON.parse(lint.stdout) as { messages: { ruleId: string; line: number; fix?: unknown }[] }[];
      const findings = result!.messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly');
      expect(findings.map((m) => m.line)).toEqual([4, 9, 14, 19]);
      expect(findings.every((m) => m.fix)).toBe(true);
      await cli(['site.conf', '--fix'], { cwd: dir });
      expect(readFileSync(join(dir, 'site.conf'), 'utf8').match(/\^\(\?!\(\?:atl/g)).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
