/**
 * The configuration levels one file defines: its own level (the children of `<configuration>`)
 * and one per `<location path="...">` (MicrosoftDocs/iis-docs
 * url-rewrite-module-configuration-reference.md "Rewrite Rules Scope": rules "can be added on any
 * configuration level by using Web.config files or by using <location> tags within
 * ApplicationHost.config or Web.config files").
 */
import type { Span } from '../../source.js';
import { checkElementNames, stringAttr, type Reporter } from './attributes.js';
import type { CollectionItem } from './collections.js';
import { readInboundRules, type InboundRuleDef } from './inbound.js';
import { readOutboundRules, type OutboundSection } from './outbound.js';
import { attribute, childElements, type XmlElement } from './xml.js';

export interface Level {
  readonly file: string;
  /** Location path segments, lower-cased (IIS paths are case-insensitive); `[]` for the file's own level. */
  readonly path: readonly string[];
  /** The `path` attribute as written; undefined for the file's own level. */
  readonly pathText: string | undefined;
  /** The `<location>` start tag, or the `<configuration>` start tag. */
  readonly span: Span;
  readonly outbound: readonly OutboundSection[];
  /** Global rules first, then distributed rules. */
  readonly inbound: readonly CollectionItem<InboundRuleDef>[];
  readonly httpCookies: readonly XmlElement[];
}

/** `Default Web Site/app/` → `['default web site', 'app']`; `.` and empty segments vanish. */
export function splitPath(path: string): string[] {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map((s) => s.toLowerCase());
}

/**
 * A section kept in another file (`<outboundRules configSource="rewrite.config" />`, a .NET/IIS
 * configuration feature) is not followed: the linter opens no file a configuration names. Its
 * rules are then unknown, which the user must hear about.
 */
function reportConfigSource(r: Reporter, section: XmlElement): void {
  const source = attribute(section, 'configSource');
  if (!source) return;
  r.report(
    source.valueSpan,
    `<${section.name}> is kept in "${source.value}" (configSource), which lint-proxy-config does not open: it reads no file a configuration names, so the rules there are not checked. Inline the section to have it checked`,
    'include-unresolved',
  );
}

function readScope(r: Reporter, file: string, scope: XmlElement, span: Span, path: readonly string[], pathText: string | undefined): Level {
  const outbound: OutboundSection[] = [];
  const globalRules: CollectionItem<InboundRuleDef>[] = [];
  const rules: CollectionItem<InboundRuleDef>[] = [];
  const httpCookies: XmlElement[] = [];
  let outboundSeen = false;
  checkElementNames(r, scope, ['system.webServer', 'system.web', 'location']);
  for (const web of childElements(scope, 'system.webServer')) {
    checkElementNames(r, web, ['rewrite']);
    for (const rewrite of childElements(web, 'rewrite')) {
      checkElementNames(r, rewrite, ['outboundRules', 'rules', 'globalRules', 'rewriteMaps', 'allowedServerVariables', 'providers']);
      for (const el of ['outboundRules', 'rules', 'globalRules'].flatMap((n) => childElements(rewrite, n))) reportConfigSource(r, el);
      for (const el of childElements(rewrite, 'outboundRules')) {
        if (outboundSeen) r.report(el.startTag, '<outboundRules> is defined twice at this level: IIS refuses the file ("duplicate section")');
        outboundSeen = true;
        outbound.push(readOutboundRules(r, el));
      }
      for (const el of childElements(rewrite, 'globalRules')) globalRules.push(...readInboundRules(el));
      for (const el of childElements(rewrite, 'rules')) rules.push(...readInboundRules(el));
    }
  }
  for (const web of childElements(scope, 'system.web')) {
    checkElementNames(r, web, ['httpCookies']);
    for (const el of childElements(web, 'httpCookies')) {
      reportConfigSource(r, el);
      httpCookies.push(el);
    }
  }
  return { file, path, pathText, span, outbound, inbound: [...globalRules, ...rules], httpCookies };
}

/** The file's own level first, then its locations in document order. */
export function readLevels(r: Reporter, file: string, configuration: XmlElement): Level[] {
  const levels = [readScope(r, file, configuration, configuration.startTag, [], undefined)];
  for (const location of childElements(configuration, 'location')) {
    const pathAttr = attribute(location, 'path');
    const pathText = stringAttr(location, 'path') ?? '';
    const path = splitPath(pathText);
    levels.push(readScope(r, file, location, location.startTag, path, pathAttr ? pathText : undefined));
  }
  return levels;
}

/** Whether a level at `path` applies to requests under `target`. */
export function covers(path: readonly string[], target: readonly string[]): boolean {
  return path.length <= target.length && path.every((s, i) => s === target[i]);
}
