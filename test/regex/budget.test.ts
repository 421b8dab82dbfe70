/**
 * Patterns from untrusted configuration files must never hang the linter: backtracking is
 * counted and stops deterministically with RegexBudgetError.
 */
import { describe, expect, it } from 'vitest';
import { RegexBudgetError, compileRegex, type RegexOptions } from '../../src/regex/index.js';
import { APACHE, ECMA, compile } from './helpers.js';
import { timeLimit } from '../helpers/time.js';

function budgetError(pattern: string, subject: string, options: RegexOptions): RegexBudgetError {
  try {
    compile(pattern, options).exec(subject);
  } catch (e) {
    if (e instanceof RegexBudgetError) return e;
    throw e;
  }
  throw new Error(`${pattern} finished within the budget`);
}

describe('catastrophic backtracking', () => {
  it('^(a+)+$ on a long run of a followed by ! throws quickly instead of hanging', () => {
    const started = performance.now();
    const e = budgetError('^(a+)+$', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', APACHE);
    expect(performance.now() - started).toBeLessThan(timeLimit(1000));
    expect(e.pattern).toBe('^(a+)+$');
    expect(e.message).toMatch(/budget of 100000 steps/);
  });

  it.each(['(a|aa)+$', '(\\w+\\s?)+$', '^(([a-z])+.)+[A-Z]([a-z])+$', '(a*)*b', '(?:a+|b)*c'])('%s is stopped in both flavors', (pattern) => {
    // The trailing "bc" defeats the required-character shortcut; the blow-up happens at offset 0.
    const subject = `${'a'.repeat(40)}!bc`;
    expect(budgetError(pattern, subject, APACHE)).toBeInstanceOf(RegexBudgetError);
    expect(budgetError(pattern, subject, ECMA)).toBeInstanceOf(RegexBudgetError);
  });

  it('(.*)*x finishes: the required character is absent', () => {
    expect(compile('(.*)*x', APACHE).exec('a'.repeat(200))).toBeNull();
  });

  it('is deterministic: the same call fails the same way every time', () => {
    const re = compile('(a|aa)+$', { flavor: 'pcre', stepLimit: 5000 });
    const subject = `${'a'.repeat(30)}!`;
    const outcomes = Array.from({ length: 5 }, () => {
      try {
        return re.exec(subject) ? 'match' : 'no match';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(new Set(outcomes).size).toBe(1);
    expect(outcomes[0]).toMatch(/5000 steps/);
  });

  it('the budget is per exec() call and the regex stays usable after an error', () => {
    const re = compile('^(a+)+$', APACHE);
    expect(() => re.exec(`${'a'.repeat(40)}!`)).toThrow(RegexBudgetError);
    for (let i = 0; i < 1000; i++) expect(re.test('aaaa')).toBe(true);
  });

  it('stepLimit can be lowered and raised', () => {
    const subject = `${'a'.repeat(16)}!`;
    const strict = compileRegex('^(a+)+$', { ...APACHE, stepLimit: 1000 });
    const lax = compileRegex('^(a+)+$', { ...APACHE, stepLimit: 10_000_000 });
    if (!strict.ok || !lax.ok) throw new Error('did not compile');
    expect(() => strict.regex.exec(subject)).toThrow(RegexBudgetError);
    expect(lax.regex.exec(subject)).toBeNull();
  });

  it('deep recursion on a long subject is a budget error, never a crash', () => {
    const re = compile('^(?:(a)|b)*$', APACHE);
    expect(re.test('ab'.repeat(100))).toBe(true);
    expect(() => re.exec('ab'.repeat(5000))).toThrow(RegexBudgetError);
  });

  it('ordinary header rewrites stay far below the budget', () => {
    const value = `SESSION=${'x'.repeat(4000)}; Path=/; Secure; HttpOnly; SameSite=Lax`;
    for (const p of ['^(?!(?:atl\\.xsrf\\.token|XSRF-TOKEN)=)(.*)$', '(.*)', '(?i);\\s*httponly', '^([^=]+)=([^;]*)', '(;|$)', 'Path=([^;]*)']) {
      expect(() => compile(p, { ...APACHE, stepLimit: 20_000 }).exec(value)).not.toThrow();
    }
  });
});
