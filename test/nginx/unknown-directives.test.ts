/**
 * Unknown directives on hostile inputs: the check stays linear in the configuration. "Did you
 * mean" hints are searched once per distinct name, for a bounded number of names, with candidates
 * that cannot be near skipped by length (a fuzzed file of long junk words hung the suite).
 */
import { describe, expect, it } from 'vitest';
import { buildNginxModel } from '../../src/dialects/nginx/index.js';
import { closest } from '../../src/closest.js';
import { memoryIO } from './memory-io.js';

const opts = { nginxVersion: '1.22.1' };

describe('unknown nginx directives on hostile inputs', () => {
  it('5,000 distinct unknown names, some 10,000 characters long, cost linear time', () => {
    const names = Array.from({ length: 5000 }, (_, i) => (i % 10 === 0 ? `x${i}${'q'.repeat(10_000)}` : `unknown_directive_${i}`));
    const text = `events {}\nhttp {\n${names.map((n) => `  ${n} on;`).join('\n')}\n}\n`;
    const started = performance.now();
    const model = buildNginxModel('/etc/nginx/nginx.conf', memoryIO({ '/etc/nginx/nginx.conf': text }), opts);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(model.problems.filter((p) => p.message.startsWith('unknown directive')).length).toBe(5000);
  });

  it('closest() skips candidates too far in length and keeps the first nearest', () => {
    expect(closest('proxy_cookie-Path', ['proxy_cookie_path', 'proxy_cookie_domain'])).toBe('proxy_cookie_path');
    expect(closest('q'.repeat(10_000), ['proxy_cookie_path'])).toBeUndefined();
    expect(closest('abd', ['abc', 'abe'])).toBe('abc');
    expect(closest('zzzzzz', ['proxy_pass'])).toBeUndefined();
  });
});
