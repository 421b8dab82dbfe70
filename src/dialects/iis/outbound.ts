/**
 * Reading `<system.webServer><rewrite><outboundRules>`: rules, pre-conditions and custom tags, as
 * collections (see collections.ts). Attribute defaults follow the URL Rewrite schema as the
 * MicrosoftDocs/iis-docs references describe it: `patternSyntax` ECMAScript, `ignoreCase` true and
 * `negate` false on `<match>` and on every condition, `logicalGrouping` MatchAll,
 * `trackAllCaptures` false, `enabled` true, `stopProcessing` false.
 */
import type { IisConditionSpec, IisConditionsSpec } from '../../model/ops/iis-conditions.js';
import { buildMatcher, type IisMatcher, type MatcherError, type PatternSyntax } from '../../model/ops/iis-matcher.js';
import { isSetCookieVariable, parseTemplate, type Template } from '../../model/ops/iis-template.js';
import { boolAttr, checkAttributeNames, checkElementNames, enumAttr, stringAttr, type Reporter } from './attributes.js';
import type { CollectionItem } from './collections.js';
import { attribute, childElements, type XmlAttribute, type XmlElement } from './xml.js';

export interface MatchDef {
  readonly element: XmlElement;
  readonly pattern: string;
  readonly patternAttr: XmlAttribute | undefined;
  readonly matcher: IisMatcher | null;
  readonly negate: boolean;
  readonly ignoreCase: boolean;
}

export interface ActionDef {
  readonly element: XmlElement | undefined;
  readonly type: 'Rewrite' | 'None';
  readonly value: Template;
  readonly valueAttr: XmlAttribute | undefined;
}

export interface ConditionDef extends IisConditionSpec {
  readonly element: XmlElement;
}

export interface OutboundRuleDef {
  readonly element: XmlElement;
  readonly name: string;
  readonly enabled: boolean;
  readonly stopProcessing: boolean;
  readonly patternSyntax: PatternSyntax;
  /** The rule rewrites the Set-Cookie response header. */
  readonly setCookie: boolean;
  readonly match: MatchDef | null;
  readonly conditionsElement: XmlElement | undefined;
  readonly conditions: IisConditionsSpec & { readonly entries: readonly ConditionDef[] };
  readonly preCondition: XmlAttribute | undefined;
  readonly action: ActionDef;
}

export interface PreConditionDef {
  readonly element: XmlElement;
  readonly name: string;
  readonly conditions: IisConditionsSpec & { readonly entries: readonly ConditionDef[] };
}

export interface OutboundSection {
  readonly rules: CollectionItem<OutboundRuleDef>[];
  readonly preConditions: CollectionItem<PreConditionDef>[];
}

const SYNTAXES: readonly PatternSyntax[] = ['ECMAScript', 'Wildcard', 'ExactMatch'];
const GROUPINGS = ['MatchAll', 'MatchAny'] as const;

function regexMessage(error: MatcherError): string {
  switch (error.code) {
    case 'ecma-inline-flags':
      return 'IIS URL Rewrite patterns are ECMAScript regular expressions, which have no inline flags such as (?i): IIS refuses this pattern. Matching is already case-insensitive unless ignoreCase="false"';
    case 'ecma-lookbehind':
      return 'IIS URL Rewrite patterns are ECMAScript regular expressions without lookbehind ((?<= and (?<!): IIS refuses this pattern. Use a lookahead or a condition with negate="true" instead';
    case 'ecma-named-group':
      return 'IIS URL Rewrite patterns are ECMAScript regular expressions without named groups ((?<name>...)): IIS refuses this pattern. Use a plain group and {R:n}';
    case 'syntax':
      return `This is not a valid regular expression (${error.message} at offset ${error.offset}): IIS refuses the rule`;
    default:
      return `lint-proxy-config cannot evaluate this pattern (${error.message}), so what the rule does to cookies is not checked`;
  }
}

/** Compiles a pattern, reporting what IIS would refuse at the pattern attribute. */
export function compilePattern(r: Reporter, syntax: PatternSyntax, pattern: string, ignoreCase: boolean, at: XmlAttribute | undefined, owner: XmlElement): IisMatcher | null {
  const built = buildMatcher(syntax, pattern, ignoreCase);
  if (built.ok) return built.matcher;
  r.report(at?.valueSpan ?? owner.startTag, regexMessage(built.error), 'regex-unsupported');
  return null;
}

function readConditionEntries(r: Reporter, parent: XmlElement | undefined, syntax: PatternSyntax, known: readonly string[], allowMatchType: boolean): ConditionDef[] {
  if (!parent) return [];
  return childElements(parent, 'add').map((add) => {
    checkAttributeNames(r, add, known);
    const patternAttr = attribute(add, 'pattern');
    const pattern = patternAttr?.value ?? '';
    const ignoreCase = boolAttr(r, add, 'ignoreCase', true);
    const matchType = allowMatchType ? enumAttr(r, add, 'matchType', ['Pattern', 'IsFile', 'IsDirectory'] as const, 'Pattern') : 'Pattern';
    return {
      element: add,
      input: parseTemplate(stringAttr(add, 'input') ?? ''),
      pattern,
      matcher: matchType === 'Pattern' ? compilePattern(r, syntax, pattern, ignoreCase, patternAttr, add) : null,
      negate: boolAttr(r, add, 'negate', false),
      matchType,
      span: add.span,
    };
  });
}

function readRule(r: Reporter, rule: XmlElement): OutboundRuleDef {
  checkAttributeNames(r, rule, ['name', 'enabled', 'stopProcessing', 'patternSyntax', 'preCondition']);
  checkElementNames(r, rule, ['match', 'conditions', 'action']);
  const patternSyntax = enumAttr(r, rule, 'patternSyntax', SYNTAXES, 'ECMAScript');
  const matchEl = childElements(rule, 'match')[0];
  let match: MatchDef | null = null;
  let serverVariable: string | undefined;
  if (matchEl) {
    checkAttributeNames(r, matchEl, ['serverVariable', 'pattern', 'negate', 'ignoreCase', 'filterByTags', 'customTags', 'occurrences']);
    serverVariable = stringAttr(matchEl, 'serverVariable');
    const filtered = stringAttr(matchEl, 'filterByTags') !== undefined || stringAttr(matchEl, 'customTags') !== undefined;
    if (patternSyntax === 'Wildcard' && !filtered) {
      const at = attribute(rule, 'patternSyntax')!;
      r.report(
        at.valueSpan,
        `patternSyntax="Wildcard" cannot be used by an outbound rule without tag filters${serverVariable ? `, such as this rule on ${serverVariable}` : ''}: IIS refuses the rule. Use ECMAScript (the default) or ExactMatch`,
        'outbound-wildcard-header',
      );
    }
    const patternAttr = attribute(matchEl, 'pattern');
    const pattern = patternAttr?.value ?? '';
    const ignoreCase = boolAttr(r, matchEl, 'ignoreCase', true);
    const usable = patternSyntax !== 'Wildcard' || filtered;
    match = {
      element: matchEl,
      pattern,
      patternAttr,
      matcher: usable ? compilePattern(r, patternSyntax, pattern, ignoreCase, patternAttr, matchEl) : null,
      negate: boolAttr(r, matchEl, 'negate', false),
      ignoreCase,
    };
  }
  const conditionsEl = childElements(rule, 'conditions')[0];
  if (conditionsEl) {
    checkAttributeNames(r, conditionsEl, ['logicalGrouping', 'trackAllCaptures']);
    checkElementNames(r, conditionsEl, ['add', 'clear', 'remove']);
  }
  const actionEl = childElements(rule, 'action')[0];
  if (actionEl) checkAttributeNames(r, actionEl, ['type', 'value', 'replace']);
  const valueAttr = actionEl ? attribute(actionEl, 'value') : undefined;
  return {
    element: rule,
    name: stringAttr(rule, 'name') ?? '',
    enabled: boolAttr(r, rule, 'enabled', true),
    stopProcessing: boolAttr(r, rule, 'stopProcessing', false),
    patternSyntax,
    setCookie: serverVariable !== undefined && isSetCookieVariable(serverVariable),
    match,
    conditionsElement: conditionsEl,
    conditions: {
      grouping: conditionsEl ? enumAttr(r, conditionsEl, 'logicalGrouping', GROUPINGS, 'MatchAll') : 'MatchAll',
      trackAllCaptures: conditionsEl ? boolAttr(r, conditionsEl, 'trackAllCaptures', false) : false,
      entries: readConditionEntries(r, conditionsEl, patternSyntax, ['input', 'matchType', 'pattern', 'ignoreCase', 'negate'], true),
    },
    preCondition: attribute(rule, 'preCondition'),
    action: {
      element: actionEl,
      type: actionEl ? enumAttr(r, actionEl, 'type', ['Rewrite', 'None'] as const, 'None') : 'None',
      value: parseTemplate(valueAttr?.value ?? ''),
      valueAttr,
    },
  };
}

function readPreCondition(r: Reporter, pre: XmlElement): PreConditionDef {
  checkAttributeNames(r, pre, ['name', 'logicalGrouping', 'patternSyntax']);
  // Pre-condition collections have their own patternSyntax (2.0 reference "Pre-conditions").
  const syntax = enumAttr(r, pre, 'patternSyntax', SYNTAXES, 'ECMAScript');
  return {
    element: pre,
    name: stringAttr(pre, 'name') ?? '',
    conditions: {
      grouping: enumAttr(r, pre, 'logicalGrouping', GROUPINGS, 'MatchAll'),
      trackAllCaptures: false,
      entries: readConditionEntries(r, pre, syntax, ['input', 'pattern', 'ignoreCase', 'negate'], false),
    },
  };
}

function readCollection<T>(r: Reporter, parent: XmlElement, addName: string, read: (el: XmlElement) => T & { name: string }): CollectionItem<T>[] {
  const items: CollectionItem<T>[] = [];
  for (const child of parent.children) {
    if (child.name === 'clear') items.push({ kind: 'clear', element: child });
    else if (child.name === 'remove') items.push({ kind: 'remove', key: stringAttr(child, 'name') ?? '', element: child });
    else if (child.name === addName) {
      const item = read(child);
      if (item.name === '') r.report(child.startTag, `<${addName}> needs a name attribute: IIS refuses the file`);
      items.push({ kind: 'add', key: item.name, item, element: child });
    }
  }
  return items;
}

/** Reads one `<outboundRules>` element. */
export function readOutboundRules(r: Reporter, outbound: XmlElement): OutboundSection {
  checkAttributeNames(r, outbound, ['rewriteBeforeCache']);
  checkElementNames(r, outbound, ['rule', 'preConditions', 'customTags', 'clear', 'remove']);
  const preConditions: CollectionItem<PreConditionDef>[] = [];
  for (const pc of childElements(outbound, 'preConditions')) {
    checkElementNames(r, pc, ['preCondition', 'clear', 'remove']);
    preConditions.push(...readCollection(r, pc, 'preCondition', (el) => readPreCondition(r, el)));
  }
  return { rules: readCollection(r, outbound, 'rule', (el) => readRule(r, el)), preConditions };
}
