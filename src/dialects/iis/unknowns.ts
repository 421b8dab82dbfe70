/**
 * What an outbound rule's effect depends on besides the Set-Cookie value: pre-conditions and
 * conditions that read request or response facts (content type, `{HTTPS}`, `{HTTP_HOST}`...),
 * the file system (`IsFile`), or a pre-condition that is not defined. The simulation treats them
 * as possibly true; messages name them ("when preCondition="IsHTML"").
 */
import type { Condition } from '../../model/header-rewrite.js';
import { readsUnknowns } from '../../model/ops/iis-template.js';
import type { Span } from '../../source.js';
import type { ConditionDef, OutboundRuleDef, PreConditionDef } from './outbound.js';

function isUnknown(e: ConditionDef): boolean {
  return e.matchType !== 'Pattern' || e.matcher === null || readsUnknowns(e.input);
}

function describe(e: ConditionDef): string {
  if (e.matchType !== 'Pattern') return `${e.input.source} ${e.negate ? 'is not' : 'is'} ${e.matchType === 'IsFile' ? 'a file' : 'a directory'}`;
  return `${e.input.source} ${e.negate ? 'does not match' : 'matches'} "${e.pattern}"`;
}

export function unknownFacts(def: OutboundRuleDef, pre: PreConditionDef | null | undefined): Condition | null {
  const parts: string[] = [];
  let span: Span | undefined;
  if (def.preCondition && (pre === null || pre?.conditions.entries.some(isUnknown))) {
    parts.push(`preCondition="${def.preCondition.value}"${pre === null ? ' (not defined)' : ''}`);
    span = def.preCondition.valueSpan;
  }
  const unknown = def.conditions.entries.filter(isUnknown);
  if (unknown.length > 0) {
    parts.push(unknown.map(describe).join(def.conditions.grouping === 'MatchAny' ? ' or ' : ' and '));
    span ??= unknown[0]!.span;
  }
  if (parts.length === 0) return null;
  return span ? { text: parts.join(' and '), span, value: 'unknown' } : { text: parts.join(' and '), value: 'unknown' };
}
