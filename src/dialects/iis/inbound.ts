/**
 * Inbound rules (`<rewrite><globalRules>` and `<rules>`), read only to learn where responses come
 * from: a Rewrite action to an absolute `http://` / `https://` URL hands the request to
 * Application Request Routing (MicrosoftDocs/iis-docs
 * reverse-proxy-with-url-rewrite-v2-and-application-request-routing.md), so the cookies come from
 * a proxied backend instead of the ASP.NET application. Global rules run before distributed ones
 * (url-rewrite-module-configuration-reference.md "Rules Inheritance").
 */
import type { BackendRef } from '../../model/backends.js';
import { buildMatcher, type PatternSyntax } from '../../model/ops/iis-matcher.js';
import { stringAttr } from './attributes.js';
import type { CollectionItem } from './collections.js';
import { attribute, childElements, type XmlElement } from './xml.js';

export interface InboundRuleDef {
  readonly name: string;
  readonly enabled: boolean;
  /** Matches every request path, unconditionally. */
  readonly catchAll: boolean;
  /** The proxied backend, when the action rewrites to an absolute http(s) URL. */
  readonly backend: BackendRef | undefined;
}

/** Request paths a catch-all pattern must match (rule input is the path without its leading slash). */
const SAMPLE_PATHS = ['', 'index.html', 'api/v1/items', 'app/static/main.js', 'Default.aspx'];

function isTrue(value: string | undefined, fallback: boolean): boolean {
  return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
}

function readInboundRule(rule: XmlElement): InboundRuleDef {
  const syntaxText = (stringAttr(rule, 'patternSyntax') ?? 'ECMAScript').toLowerCase();
  const syntax: PatternSyntax = syntaxText === 'wildcard' ? 'Wildcard' : syntaxText === 'exactmatch' ? 'ExactMatch' : 'ECMAScript';
  const match = childElements(rule, 'match')[0];
  const action = childElements(rule, 'action')[0];
  const conditions = childElements(rule, 'conditions')[0];
  let catchAll = false;
  if (match && !isTrue(stringAttr(match, 'negate'), false) && (!conditions || childElements(conditions, 'add').length === 0)) {
    const built = buildMatcher(syntax, stringAttr(match, 'url') ?? '', isTrue(stringAttr(match, 'ignoreCase'), true));
    catchAll = built.ok && SAMPLE_PATHS.every((p) => built.matcher.exec(p) !== null);
  }
  const url = action ? attribute(action, 'url') : undefined;
  const rewrites = action && (stringAttr(action, 'type') ?? '').toLowerCase() === 'rewrite';
  const backend: BackendRef | undefined = rewrites && url && /^https?:\/\//i.test(url.value) ? { kind: 'http', target: url.value, span: url.valueSpan } : undefined;
  return { name: stringAttr(rule, 'name') ?? '', enabled: isTrue(stringAttr(rule, 'enabled'), true), catchAll, backend };
}

export function readInboundRules(rules: XmlElement): CollectionItem<InboundRuleDef>[] {
  const items: CollectionItem<InboundRuleDef>[] = [];
  for (const child of rules.children) {
    if (child.name === 'clear') items.push({ kind: 'clear', element: child });
    else if (child.name === 'remove') items.push({ kind: 'remove', key: stringAttr(child, 'name') ?? '', element: child });
    else if (child.name === 'rule') {
      const item = readInboundRule(child);
      items.push({ kind: 'add', key: item.name, item, element: child });
    }
  }
  return items;
}

/**
 * Every request goes to an http(s) backend when the first enabled rule matches every path
 * without conditions and rewrites to an absolute URL. Anything less certain keeps both kinds.
 */
export function proxiesEverything(rules: readonly InboundRuleDef[]): boolean {
  const first = rules.find((r) => r.enabled);
  return first !== undefined && first.catchAll && first.backend !== undefined;
}
