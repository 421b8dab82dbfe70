/**
 * Which response statuses a rule explores for an HAProxy `status` ACL: one on which the criterion
 * decides otherwise than on 200, so both outcomes are simulated (the fixtures
 * xsrf-cookie-httponly/haproxy/*status-guard* pin the verdicts; the real-server suite checks the
 * simulation at 200 and 404). Also the other response-decided criteria (`res.hdr(set-cookie,N)`,
 * `res.hdr_cnt`, `res.cook_cnt`, `res.cook`) and the companion cookies rules simulate with the
 * sample; real-cases.ts checks the same semantics against HAProxy 2.6.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { buildHaproxyModel } from '../../src/dialects/haproxy/index.js';
import type { SetCookieLine } from '../../src/model/header-rewrite.js';
import { conditionCompanions, conditionStatuses, evalCriterion, fetchRefusal, parseCondition, unknownFetch } from '../../src/model/ops/haproxy-acl.js';
import { createNodeIO } from '../../src/run/node-io.js';
import { createSourceFile } from '../../src/source.js';

const statusesOf = (...values: string[]) => {
  const t = evalCriterion(['status', ...values]);
  return t.kind === 'response' ? t.statuses : undefined;
};

describe('status ACLs', () => {
  it('name a status on which they decide otherwise than on 200', () => {
    expect(statusesOf('200')).toEqual([404]);
    expect(statusesOf('404')).toEqual([404]);
    expect(statusesOf('ge', '400')).toEqual([404]);
    expect(statusesOf('lt', '300')).toEqual([404]);
    expect(statusesOf('301:308')).toEqual([302]);
    expect(statusesOf('418')).toEqual([418]);
    expect(statusesOf('200:209')).toEqual([404]);
    // Every status decides alike: nothing more to explore.
    expect(statusesOf('100:599')).toEqual([]);
    expect(statusesOf(':')).toEqual([]);
  });

  it('are collected over a condition, named ACLs included, once each', () => {
    const acls = new Map([['not_found', [{ words: ['status', '404'] }, { words: ['status', '418'] }]]]);
    expect(conditionStatuses(parseCondition(['if', 'not_found', '||', '{', 'status', '500', '}', '||', '{', 'status', '404', '}'], acls))).toEqual([404, 418, 500]);
    expect(conditionStatuses(parseCondition(['if', '{', 'res.hdr(x)', '-m', 'found', '}'], new Map()))).toEqual([]);
    expect(conditionStatuses(undefined)).toEqual([]);
  });
});

const lines = (...values: string[]): SetCookieLine[] => values.map((value) => ({ value, producer: 'http', changes: [] }) as unknown as SetCookieLine);
const env = { backend: 'http' as const, status: 200 };
/** The criterion's verdict on a response carrying these Set-Cookie values, and the companions it names. */
const judge = (words: string[], values: string[]) => {
  const t = evalCriterion(words);
  if (t.kind !== 'response') throw new Error(`${words.join(' ')} is not decided per response`);
  return t.test(lines(...values), env);
};
const companionsOf = (...words: string[]) => {
  const t = evalCriterion(words);
  return t.kind === 'response' ? t.companions : undefined;
};
const SAMPLE = 'XSRF-TOKEN=x1; Path=/';
const DATED = 'XSRF-TOKEN=x1; Expires=Wed, 21 Oct 2037 07:28:00 GMT';

describe('occurrences, counts and companions of response criteria', () => {
  it('res.hdr(set-cookie,N) tests the Nth comma-separated value, counted from the last when negative', () => {
    const occ = (n: number, prefix: string, ...values: string[]) => judge([`res.hdr(set-cookie,${n})`, '-m', 'beg', prefix], values);
    expect(occ(1, 'JSESSIONID=', 'JSESSIONID=s1', SAMPLE)).toBe(true);
    expect(occ(2, 'JSESSIONID=', 'JSESSIONID=s1', SAMPLE)).toBe(false);
    expect(occ(2, 'JSESSIONID=', SAMPLE, 'JSESSIONID=s1')).toBe(true);
    // The Expires date holds a comma: its second half is value 2, the session value 3.
    expect(occ(2, '21 Oct', DATED, 'JSESSIONID=s1')).toBe(true);
    expect(occ(3, 'JSESSIONID=', DATED, 'JSESSIONID=s1')).toBe(true);
    expect(judge(['res.fhdr(set-cookie,2)', '-m', 'beg', 'JSESSIONID='], [DATED, 'JSESSIONID=s1'])).toBe(true);
    expect(occ(0, 'JSESSIONID=', SAMPLE, 'JSESSIONID=s1')).toBe(true);
    expect(occ(-1, 'JSESSIONID=', SAMPLE, 'JSESSIONID=s1')).toBe(true);
    expect(occ(-2, 'JSESSIONID=', SAMPLE, 'JSESSIONID=s1')).toBe(false);
    expect(occ(-2, 'XSRF-TOKEN=', SAMPLE, 'JSESSIONID=s1')).toBe(true);
    // Beyond either end: no value, never the one at the other end.
    expect(occ(3, 'a', 'a=1', 'b=1')).toBe(false);
    expect(occ(-3, 'a', 'a=1', 'b=1')).toBe(false);
    expect(occ(-4, 'a', 'a=1', 'b=1')).toBe(false);
  });

  it('res.hdr_cnt counts values, res.fhdr_cnt lines, res.cook_cnt the cookies of a name', () => {
    expect(judge(['res.hdr_cnt(set-cookie)', 'eq', '3'], [DATED, 'JSESSIONID=s1'])).toBe(true);
    expect(judge(['res.fhdr_cnt(set-cookie)', 'eq', '2'], [DATED, 'JSESSIONID=s1'])).toBe(true);
    expect(judge(['shdr_cnt(set-cookie)', 'gt', '2'], [SAMPLE, 'JSESSIONID=s1'])).toBe(false);
    const sessions = (n: string, ...values: string[]) => judge(['res.cook_cnt(JSESSIONID)', 'eq', n], values);
    expect(sessions('0', SAMPLE)).toBe(true);
    expect(sessions('1', SAMPLE, 'JSESSIONID=s1; Path=/')).toBe(true);
    // A comma starts another value, whose first pair is another cookie.
    expect(sessions('2', 'JSESSIONID=s1', 'lpc=1, JSESSIONID=s2')).toBe(true);
    // An attribute is not a cookie; a pair without `=` is skipped, so the next pair names the cookie.
    expect(judge(['res.cook_cnt(Path)', 'eq', '0'], ['JSESSIONID=s1; Path=/'])).toBe(true);
    expect(judge(['res.cook_cnt(Path)', 'eq', '1'], ['noeq; Path=/'])).toBe(true);
    expect(judge(['res.cook(Path)', '-m', 'str', '/'], ['noeq; Path=/'])).toBe(true);
    expect(judge(['res.cook(noeq)', '-m', 'found'], ['noeq; Path=/'])).toBe(false);
    // Without a name: every pair of every value.
    expect(judge(['res.cook_cnt()', 'eq', '4'], ['JSESSIONID=s1; Path=/', 'a=1; Max-Age=60'])).toBe(true);
    // res.hdr_cnt() counts every response header, which the simulation does not know.
    expect(evalCriterion(['res.hdr_cnt()', 'gt', '1'])).toEqual({ kind: 'static', value: 'unknown' });
    expect(evalCriterion(['res.hdr_cnt(x-other)', 'gt', '1'])).toEqual({ kind: 'static', value: 'unknown' });
  });

  it('name the other cookies on which the criterion decides otherwise than on the sample alone', () => {
    expect(companionsOf('res.cook(JSESSIONID)', '-m', 'found')).toEqual([['JSESSIONID=1']]);
    expect(companionsOf('res.cook(JSESSIONID)', '-m', 'str', 'admin')).toEqual([['JSESSIONID=admin']]);
    expect(companionsOf('scook_beg(JSESSIONID)', 'ad')).toEqual([['JSESSIONID=ad']]);
    expect(companionsOf('res.hdr(set-cookie)', '-m', 'beg', 'JSESSIONID=')).toEqual([['JSESSIONID=']]);
    expect(companionsOf('res.hdr(set-cookie,-1)', '-m', 'beg', 'JSESSIONID=')).toEqual([['JSESSIONID=']]);
    // A regex has no witness the linter builds.
    expect(companionsOf('res.cook(JSESSIONID)', '-m', 'reg', '^s')).toEqual([]);
    // Counts: whether the sample counts 0, 1 or 2, the fewest more lines that change the verdict.
    expect(companionsOf('res.cook_cnt(JSESSIONID)', 'gt', '0')).toEqual([['JSESSIONID=0']]);
    expect(companionsOf('res.hdr_cnt(set-cookie)', 'eq', '3')).toEqual([
      ['lpc_companion=0', 'lpc_companion=1', 'lpc_companion=2'],
      ['lpc_companion=0', 'lpc_companion=1'],
      ['lpc_companion=0'],
    ]);
    expect(companionsOf('res.hdr_cnt(set-cookie)', 'ge', '0')).toEqual([]);
    // Every companion set makes the criterion decide otherwise, before or after the sample.
    for (const words of [['res.cook(JSESSIONID)', '-m', 'found'], ['res.cook_cnt(JSESSIONID)', 'gt', '0'], ['res.hdr(set-cookie,-1)', '-m', 'beg', 'JSESSIONID=']]) {
      const alone = judge(words, [SAMPLE]);
      for (const set of companionsOf(...words)!) expect(judge(words, [SAMPLE, ...set]), words.join(' ')).not.toBe(alone);
    }
    expect(judge(['res.hdr(set-cookie,1)', '-m', 'beg', 'JSESSIONID='], ['JSESSIONID=', SAMPLE])).toBe(true);
  });

  it('are collected over a condition, named ACLs and negations included, once each', () => {
    const acls = new Map([['has_session', [{ words: ['res.cook(JSESSIONID)', '-m', 'found'] }]]]);
    const c = parseCondition(['if', 'has_session', '||', '!{', 'res.cook(JSESSIONID)', '-m', 'found', '}', '||', '{', 'status', '404', '}'], acls);
    expect(conditionCompanions(c)).toEqual([['JSESSIONID=1']]);
    expect(conditionStatuses(c)).toEqual([404]);
    expect(conditionCompanions(undefined)).toEqual([]);
  });
});

describe('response fetches HAProxy 2.6 refuses', () => {
  it('are the suffixed forms it does not register, and occurrences below -10', () => {
    for (const f of ['res.hdr_beg(set-cookie)', 'res.hdr_str(x)', 'res.cook_sub(JSESSIONID)', 'res.cook_ip(x)', 'res.cook_names', 'res.fhdr_val(x)', 'res.fhdr_ip(x)', 'shdr_str(x)', 'scook_str(x)', 'scook_ip(x)', 'shdr_found(x)', 'fhdr(set-cookie)', 'fhdr']) {
      expect(unknownFetch(f), f).toBe(true);
      expect(fetchRefusal(f), f).toBe(`unknown fetch method '${f.replace(/\(.*$/, '')}' in ACL expression '${f}'`);
    }
    for (const f of ['res.hdr(set-cookie)', 'res.hdr_cnt(set-cookie)', 'res.hdr_val(x)', 'res.hdr_ip(x)', 'res.hdr_names', 'res.fhdr(x)', 'res.fhdr_cnt(x)', 'res.cook(x)', 'res.cook_cnt', 'res.cook_val(x)', 'res.hdrs', 'shdr_beg(x)', 'shdr_ip(x)', 'scook_sub(x)', 'scook_cnt(x)', 'status', 'path_beg', 'res.hdr(set-cookie,-10)']) {
      expect(fetchRefusal(f), f).toBeUndefined();
    }
    expect(fetchRefusal('res.hdr(set-cookie,-11)')).toBe("invalid args in fetch method 'res.hdr' : header occurrence must be >= -10 in ACL expression 'res.hdr(set-cookie,-11)'");
    expect(fetchRefusal('shdr_beg(set-cookie,-11)')).toBe("in argument to 'shdr_beg', header occurrence must be >= -10");
  });
});

describe('the HAProxy model', () => {
  const io = createNodeIO(process.cwd());
  const refusals = (body: string) => {
    const path = '/lpc-unit/haproxy.cfg';
    const text = `defaults\n    mode http\n\nlisten app\n    bind 127.0.0.1:8000\n${body}\n    server s1 127.0.0.1:8080\n`;
    const source = createSourceFile(path, text);
    const model = buildHaproxyModel(path, { ...io, read: (p: string) => (p === path ? source : io.read(p)) }, { nginxVersion: DEFAULT_NGINX_VERSION });
    return model.problems.filter((p) => p.kind === 'refused').map((p) => `${text.slice(p.span.start, p.span.end)}: ${p.message}`);
  };

  it('reads the ! glued to the brace of an anonymous ACL', () => {
    expect(refusals('    http-response add-header Set-Cookie a=1 if !{ status 200 }')).toEqual([]);
    expect(refusals('    http-response add-header Set-Cookie a=1 if !!{ status 200 } || ! { status 404 }')).toEqual([]);
    expect(refusals('    http-response add-header Set-Cookie a=1 if !{ status 200 } missing')).toEqual([
      "if !{ status 200 } missing: error detected while parsing an 'http-response add-header' condition : no such ACL : 'missing'.",
    ]);
  });

  it('refuses unknown fetches in acl lines and anonymous conditions, on the fetch', () => {
    expect(refusals('    acl x res.hdr_beg(set-cookie) X')).toEqual([
      "res.hdr_beg(set-cookie): error detected while parsing ACL 'x' : unknown fetch method 'res.hdr_beg' in ACL expression 'res.hdr_beg(set-cookie)'.",
    ]);
    expect(refusals('    http-response add-header Set-Cookie a=1 if { status 200 } !{ scook_str(x) y }')).toEqual([
      "scook_str(x): error detected while parsing an 'http-response add-header' condition : unknown fetch method 'scook_str' in ACL expression 'scook_str(x)'.",
    ]);
  });

  it('refuses an empty word among the required arguments, in HAProxy\'s words', () => {
    expect(refusals('    http-response replace-header Set-Cookie \'(?i); *httponly\' ""')).toEqual([
      "http-response replace-header Set-Cookie '(?i); *httponly' \"\": error detected in proxy 'app' while parsing 'http-response replace-header' rule : expects exactly 3 arguments.",
    ]);
    expect(refusals("    http-response del-header ''")).toEqual(["http-response del-header '': error detected in proxy 'app' while parsing 'http-response del-header' rule : expects at least 1 argument."]);
    // Quotes that only touch a word leave it whole.
    expect(refusals('    http-response replace-header Set-Cookie a b""')).toEqual([]);
  });

  it('refuses ; and control characters in a persistence cookie attr', () => {
    expect(refusals('    cookie SRV insert attr "SameSite=Lax; HttpOnly"')).toEqual(['"SameSite=Lax; HttpOnly": character \'%x3B\' is not permitted in attribute value.']);
    expect(refusals('    cookie SRV insert attr SameSite=Lax attr "a\\x7fb"')).toEqual(['"a\\x7fb": character \'%x7F\' is not permitted in attribute value.']);
    expect(refusals('    cookie SRV insert attr "SameSite=Lax" attr Partitioned')).toEqual([]);
  });
});
