/**
 * Every rule, listed explicitly and sorted by id: a rule exists because it is listed here.
 */
import type { Rule } from '../src/engine/rule.js';
import directiveInvalid from './directive-invalid/index.js';
import includeUnresolved from './include-unresolved/index.js';
import regexTooComplex from './regex-too-complex/index.js';
import unusedDisableDirective from './unused-disable-directive/index.js';
import xsrfCookieHttponly from './xsrf-cookie-httponly/index.js';

export const RULES: readonly Rule[] = [directiveInvalid, includeUnresolved, regexTooComplex, unusedDisableDirective, xsrfCookieHttponly];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
