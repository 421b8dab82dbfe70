/**
 * Every rule, listed explicitly and sorted by id: a rule exists because it is listed here.
 */
import type { Rule } from '../src/engine/rule.js';
import apacheAlwaysEditMissesProxy from './apache-always-edit-misses-proxy/index.js';
import apacheEditStarEmptyMatch from './apache-edit-star-empty-match/index.js';
import aspnetHttponlycookiesXsrf from './aspnet-httponlycookies-xsrf/index.js';
import cookieHeaderMerge from './cookie-header-merge/index.js';
import cookieHeaderOverwrite from './cookie-header-overwrite/index.js';
import directiveInvalid from './directive-invalid/index.js';
import haproxyReplaceValueSetCookie from './haproxy-replace-value-set-cookie/index.js';
import iisOutboundWildcardHeader from './iis-outbound-wildcard-header/index.js';
import iisRegexUnsupported from './iis-regex-unsupported/index.js';
import includeOutsideTree from './include-outside-tree/index.js';
import includeUnresolved from './include-unresolved/index.js';
import nginxCookieDirectiveNoEffect from './nginx-cookie-directive-no-effect/index.js';
import nginxCookieFlagsOrder from './nginx-cookie-flags-order/index.js';
import nginxCookieFlagsUnknownFlag from './nginx-cookie-flags-unknown-flag/index.js';
import nginxCookiePathFlagInjection from './nginx-cookie-path-flag-injection/index.js';
import nginxLocationUnreachable from './nginx-location-unreachable/index.js';
import nginxLuaCookieHttponly from './nginx-lua-cookie-httponly/index.js';
import regexTooComplex from './regex-too-complex/index.js';
import simulationBounded from './simulation-bounded/index.js';
import unusedDisableDirective from './unused-disable-directive/index.js';
import xsrfCookieHttponly from './xsrf-cookie-httponly/index.js';

export const RULES: readonly Rule[] = [
  apacheAlwaysEditMissesProxy,
  apacheEditStarEmptyMatch,
  aspnetHttponlycookiesXsrf,
  cookieHeaderMerge,
  cookieHeaderOverwrite,
  directiveInvalid,
  haproxyReplaceValueSetCookie,
  iisOutboundWildcardHeader,
  iisRegexUnsupported,
  includeOutsideTree,
  includeUnresolved,
  nginxCookieDirectiveNoEffect,
  nginxCookieFlagsOrder,
  nginxCookieFlagsUnknownFlag,
  nginxCookiePathFlagInjection,
  nginxLocationUnreachable,
  nginxLuaCookieHttponly,
  regexTooComplex,
  simulationBounded,
  unusedDisableDirective,
  xsrfCookieHttponly,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
