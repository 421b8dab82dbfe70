/**
 * iis-outbound-wildcard-header: an outbound rule without tag filters (a rule on a response header
 * such as RESPONSE_Set_Cookie) that uses patternSyntax="Wildcard". URL Rewrite refuses it
 * (MicrosoftDocs/iis-docs url-rewrite-module-20-configuration-reference.md "Rule Pattern Syntax":
 * "wildcard pattern type cannot be used when rule does not have any tag filters"). The IIS
 * dialect detects it while lowering.
 */
import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'iis-outbound-wildcard-header',
    severity: 'error',
    fixable: false,
    dialects: ['iis'],
    description: 'An IIS outbound rule on a response header uses patternSyntax="Wildcard", which URL Rewrite refuses.',
    claims: ['outbound-wildcard-header'],
  },
});
