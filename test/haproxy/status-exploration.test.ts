/**
 * Which response statuses a rule explores for an HAProxy `status` ACL: one on which the criterion
 * decides otherwise than on 200, so both outcomes are simulated (the fixtures
 * xsrf-cookie-httponly/haproxy/*status-guard* pin the verdicts; the real-server suite checks the
 * simulation at 200 and 404).
 */
import { describe, expect, it } from 'vitest';
import { conditionStatuses, evalCriterion, parseCondition } from '../../src/model/ops/haproxy-acl.js';

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
