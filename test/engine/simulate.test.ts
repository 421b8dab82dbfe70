/**
 * src/model/simulate.ts: which table each producer's lines start in (Apache), the wire order,
 * what a trace records, and the two early exits (a crashing worker, a pattern over budget).
 */
import { describe, expect, it } from 'vitest';
import type { BackendKind } from '../../src/model/backends.js';
import type { CookieOp } from '../../src/model/header-rewrite.js';
import { apacheTableFor, initialLines, isLinewise, simulate } from '../../src/model/simulate.js';
import { endpoint, modelOf } from '../apache/helpers.js';

const vhost = (directives: string) =>
  modelOf(`<VirtualHost *:80>\n    ProxyPass /h/ http://app/\n${directives}\n</VirtualHost>\n`);

describe('simulate', () => {
  it('Apache: CGI, FastCGI and SCGI lines start in err_headers_out (always), the others in headers_out', () => {
    const kinds: BackendKind[] = ['http', 'ajp', 'fastcgi', 'scgi', 'uwsgi', 'grpc', 'cgi', 'module'];
    expect(kinds.map((k) => [k, apacheTableFor(k)])).toEqual([
      ['http', 'onsuccess'],
      ['ajp', 'onsuccess'],
      ['fastcgi', 'always'],
      ['scgi', 'always'],
      ['uwsgi', 'onsuccess'],
      ['grpc', 'onsuccess'],
      ['cgi', 'always'],
      ['module', 'onsuccess'],
    ]);
    expect(initialLines('apache', 'scgi', ['a=1']).map((l) => [l.value, l.table, l.producer])).toEqual([['a=1', 'always', 'scgi']]);
    expect(initialLines('nginx', 'http', ['a=1']).map((l) => [l.value, l.table])).toEqual([['a=1', undefined]]);
  });

  it('Apache sends err_headers_out before headers_out; other servers keep the pipeline order', () => {
    const model = vhost('    Header always add Set-Cookie "added=1"');
    const e = endpoint(model, 'ProxyPass /h/');
    // The backend's lines are in headers_out (http); the added one in err_headers_out goes first.
    expect(simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['a=1', 'b=2']).lines.map((l) => l.value)).toEqual(['added=1', 'a=1', 'b=2']);
    expect(simulate('apache', e.pipeline, { backend: 'scgi', status: 200 }, ['a=1']).lines.map((l) => l.value)).toEqual(['a=1', 'added=1']);
    expect(simulate('nginx', [], { backend: 'http', status: 200 }, ['b=2', 'a=1']).lines.map((l) => l.value)).toEqual(['b=2', 'a=1']);
  });

  it('a linewise pipeline (unconditional `Header edit Set-Cookie`) does to each line of a response what it does to that line alone', () => {
    const edits = ['    Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"', '    Header always edit* Set-Cookie "(?i); *secure" ""', '    Header edit Set-Cookie "^(sess[^=]*=)" "x$1"'];
    const pipeline = endpoint(vhost(edits.join('\n')), 'ProxyPass /h/').pipeline;
    expect(pipeline.length).toBe(3);
    expect(isLinewise(pipeline)).toBe(true);
    const samples = ['a=1', 'sess=2; Secure', 'sessid=3; Path=/; secure; HttpOnly', 'JSESSIONID=4', 'sess=2; Secure'];
    const lines = (backend: BackendKind, values: string[]) => simulate('apache', pipeline, { backend, status: 200 }, values).lines.map((l) => [l.origin, l.value]);
    for (const backend of ['http', 'fastcgi'] as const) {
      expect(lines(backend, samples)).toEqual(samples.flatMap((s) => lines(backend, [s])));
    }
    // Directives that add, remove or join lines, or that run only on some requests, are not.
    for (const d of ['Header set Set-Cookie a=1', 'Header append Set-Cookie x=1', 'Header unset Set-Cookie', 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" "expr=-n %{HTTP_HOST}"', 'Header edit Set-Cookie ^(.*)$ "$1; HttpOnly" env=LPC']) {
      const p = endpoint(vhost(`    ${d}`), 'ProxyPass /h/').pipeline;
      expect(p.length, d).toBe(1);
      expect(isLinewise(p), d).toBe(false);
    }
  });

  it('traces each step, including one skipped because its condition is false', () => {
    const model = vhost('    Header edit Set-Cookie "$" "; A"\n    Header edit Set-Cookie "$" "; Never" env=LPC_NOT_SET\n    Header edit Set-Cookie "$" "; B"');
    const e = endpoint(model, 'ProxyPass /h/');
    const traced = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['a=1'], { trace: true });
    expect(traced.steps.map((s) => [s.op.label, s.skipped ?? null, s.before, s.after])).toEqual([
      ['Header edit Set-Cookie "$" "; A"', null, ['a=1'], ['a=1; A']],
      ['Header edit Set-Cookie "$" "; Never" env=LPC_NOT_SET', 'condition-false', ['a=1; A'], ['a=1; A']],
      ['Header edit Set-Cookie "$" "; B"', null, ['a=1; A'], ['a=1; A; B']],
    ]);
    expect(traced.lines.map((l) => l.value)).toEqual(['a=1; A; B']);
    // Without trace: the same result, no steps.
    const plain = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['a=1']);
    expect(plain.steps).toEqual([]);
    expect(plain.lines.map((l) => l.value)).toEqual(['a=1; A; B']);
  });

  it('stops at a crashing op and names it; later ops do not run', () => {
    const model = vhost('    Header edit Set-Cookie "$" "; A"\n    Header edit* Set-Cookie "(.*)" "$1; X"\n    Header edit Set-Cookie "$" "; B"');
    const e = endpoint(model, 'ProxyPass /h/');
    const r = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, ['a=1'], { trace: true });
    expect(r.crash?.op.label).toContain('Header edit* Set-Cookie');
    expect(r.crash?.message).toMatch(/segfaults/);
    expect(r.steps).toHaveLength(2);
    expect(r.lines.map((l) => l.value)).toEqual(['a=1; A']);
    expect(r.tooComplex).toBeUndefined();
  });

  it('stops at a pattern over the step budget and names it, with the lines as they were before it', () => {
    const model = vhost('    Header always add Set-Cookie "z=0"\n    Header edit Set-Cookie "^(a+)+$" "x"\n    Header edit Set-Cookie "$" "; B"');
    const e = endpoint(model, 'ProxyPass /h/');
    const r = simulate('apache', e.pipeline, { backend: 'http', status: 200 }, [`${'a'.repeat(40)}!`]);
    expect(r.tooComplex?.pattern).toBe('^(a+)+$');
    expect(r.tooComplex?.op.label).toContain('^(a+)+$');
    expect(r.crash).toBeUndefined();
    // Wire order still applies to what is returned.
    expect(r.lines.map((l) => l.value)).toEqual(['z=0', `${'a'.repeat(40)}!`]);
  });

  it('an error other than the regex budget is a bug: it is thrown, not reported as a complex pattern', () => {
    const broken = { condition: null, apply: () => { throw new TypeError('broken op'); } } as unknown as CookieOp;
    expect(() => simulate('nginx', [broken], { backend: 'http', status: 200 }, ['a=1'])).toThrow('broken op');
  });
});
