/**
 * IIS configuration as it is pasted and generated, not only whole web.config files:
 *
 * - **Fragments.** Documentation, Ansible/Chef templates and scanners' reports hold a
 *   `<system.webServer>`, `<rewrite>`, `<outboundRules>`, `<rule>`, `<system.web>` or
 *   `<httpCookies>` as the whole file. Each is read in its natural place: the parents IIS
 *   requires are supplied around it (synthetic elements spanning the fragment), so its rules are
 *   linted as if the file were a web.config holding only them.
 * - **XSLT** that writes configuration (`<xsl:stylesheet>`): the literal result elements it
 *   emits that are IIS sections are read the same way.
 * - **XDT transforms** (`Web.Release.config`, https://learn.microsoft.com/aspnet/web-forms/overview/deployment/visual-studio-web-deployment/web-config-transformations):
 *   their root is `<configuration>`; elements they insert, replace or set attributes on are read
 *   as written, and elements marked `xdt:Transform="Remove"` or `"RemoveAll"` are left out, since
 *   they delete configuration rather than add it.
 */
import type { Span } from '../../source.js';
import { attribute, childElements, type XmlElement } from './xml.js';

/** The parents IIS requires above each section, outermost first (`configuration` excluded). */
const PARENTS: Readonly<Record<string, readonly string[]>> = {
  'system.webServer': [],
  'system.web': [],
  location: [],
  rewrite: ['system.webServer'],
  outboundRules: ['system.webServer', 'rewrite'],
  rules: ['system.webServer', 'rewrite'],
  globalRules: ['system.webServer', 'rewrite'],
  preConditions: ['system.webServer', 'rewrite', 'outboundRules'],
  httpCookies: ['system.web'],
};

/** Where a lone `<rule>` goes: an outbound rule matches a server variable or tags, an inbound one a URL. */
function ruleParents(rule: XmlElement): readonly string[] {
  const match = childElements(rule, 'match')[0];
  const outbound = match !== undefined && (attribute(match, 'serverVariable') !== undefined || attribute(match, 'filterByTags') !== undefined);
  return ['system.webServer', 'rewrite', outbound ? 'outboundRules' : 'rules'];
}

function parentsOf(el: XmlElement): readonly string[] | undefined {
  if (el.name === 'rule') return ruleParents(el);
  return Object.hasOwn(PARENTS, el.name) ? PARENTS[el.name] : undefined;
}

const XDT_NAMESPACE = 'http://schemas.microsoft.com/XML-Document-Transform';

/** The prefix bound to the XDT namespace on `root` (usually `xdt`), if any. */
function xdtPrefix(root: XmlElement): string | undefined {
  for (const a of root.attributes) if (a.name.startsWith('xmlns:') && a.value === XDT_NAMESPACE) return a.name.slice('xmlns:'.length);
  return undefined;
}

interface Mutable {
  name: string;
  span: Span;
  startTag: Span;
  nameSpan: Span;
  attributes: XmlElement['attributes'];
  children: XmlElement[];
  selfClosing: boolean;
  content: Span | undefined;
  parent: XmlElement | null;
}

/** A copy of `el` under `parent` keeping only the children `keep` accepts (recursively). */
function copyTree(el: XmlElement, parent: XmlElement | null, keep: (c: XmlElement) => boolean): XmlElement {
  const copy: Mutable = { ...el, children: [], parent };
  for (const c of el.children) if (keep(c)) copy.children.push(copyTree(c, copy, keep));
  return copy;
}

function synthetic(name: string, around: XmlElement, parent: XmlElement | null): Mutable {
  return { name, span: around.span, startTag: around.startTag, nameSpan: around.nameSpan, attributes: [], children: [], selfClosing: false, content: around.span, parent };
}

/** IIS sections inside an XSLT stylesheet, outermost only. */
function sectionsIn(root: XmlElement): XmlElement[] {
  const found: XmlElement[] = [];
  const stack = [...root.children].reverse();
  while (stack.length > 0) {
    const el = stack.pop()!;
    if (el.name === 'configuration') found.push(...el.children.filter((c) => parentsOf(c)?.length === 0));
    else if (parentsOf(el) !== undefined && !el.name.includes(':')) found.push(el);
    else stack.push(...[...el.children].reverse());
  }
  return found;
}

export interface ConfigurationView {
  /** The `<configuration>` element to read (synthetic for a fragment). */
  readonly configuration: XmlElement;
  /** What kind of file it came from, for messages. */
  readonly kind: 'configuration' | 'transform' | 'fragment' | 'xslt';
}

/**
 * The configuration a document stands for, or undefined when its root is neither
 * `<configuration>`, an IIS section, nor an XSLT stylesheet emitting one.
 */
export function configurationOf(root: XmlElement): ConfigurationView | undefined {
  if (root.name === 'configuration') {
    const xdt = xdtPrefix(root);
    if (xdt === undefined) return { configuration: root, kind: 'configuration' };
    const removes = (c: XmlElement) => /^Remove(All)?\b/.test(attribute(c, `${xdt}:Transform`)?.value.trim() ?? '');
    return { configuration: copyTree(root, null, (c) => !removes(c)), kind: 'transform' };
  }
  const isXslt = /^(?:[\w.-]+:)?(?:stylesheet|transform)$/.test(root.name) && root.attributes.some((a) => a.value === 'http://www.w3.org/1999/XSL/Transform');
  const sections = isXslt ? sectionsIn(root) : parentsOf(root) !== undefined ? [root] : [];
  if (sections.length === 0) return undefined;
  const configuration = synthetic('configuration', sections[0]!, null);
  // Sections that share parents share the synthetic ones (two <outboundRules> at a level would be a duplicate section).
  const made = new Set<XmlElement>();
  for (const section of sections) {
    let parent: Mutable = configuration;
    for (const name of parentsOf(section)!) {
      let next = parent.children.find((c): c is Mutable => c.name === name && made.has(c));
      if (!next) {
        next = synthetic(name, section, parent);
        made.add(next);
        parent.children.push(next);
      }
      parent = next;
    }
    parent.children.push(copyTree(section, parent, () => true));
  }
  return { configuration, kind: isXslt ? 'xslt' : 'fragment' };
}
