/**
 * The configuration levels one file defines: its own level (the children of `<configuration>`)
 * and one per `<location path="...">` (MicrosoftDocs/iis-docs
 * url-rewrite-module-configuration-reference.md "Rewrite Rules Scope": rules "can be added on any
 * configuration level by using Web.config files or by using <location> tags within
 * ApplicationHost.config or Web.config files"). A section kept in another file (configSource) is
 * read from that file (config-source.ts).
 */
import type { Span } from '../../source.js';
import { checkElementNames, stringAttr, type Reporter } from './attributes.js';
import type { CollectionItem } from './collections.js';
import type { ConfigSources } from './config-source.js';
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
  /** The `<httpCookies>` sections (the root of their configSource file when they have one). */
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

/** One reading per section element: a configSource file used by several locations is read once. */
const outboundRead = new WeakMap<XmlElement, OutboundSection>();

function readOutbound(r: Reporter, section: XmlElement): OutboundSection {
  let read = outboundRead.get(section);
  if (!read) outboundRead.set(section, (read = readOutboundRules(r, section)));
  return read;
}

function readScope(r: Reporter, sources: ConfigSources, file: string, scope: XmlElement, span: Span, path: readonly string[], pathText: string | undefined): Level {
  const outbound: OutboundSection[] = [];
  const globalRules: CollectionItem<InboundRuleDef>[] = [];
  const rules: CollectionItem<InboundRuleDef>[] = [];
  const httpCookies: XmlElement[] = [];
  let outboundSeen = false;
  checkElementNames(r, scope, ['system.webServer', 'system.web', 'location']);
  // Every section kept in another file is followed (and checked), whether the linter reads it or not.
  sources.scan(r, scope);
  for (const web of childElements(scope, 'system.webServer')) {
    checkElementNames(r, web, ['rewrite']);
    for (const rewrite of childElements(web, 'rewrite')) {
      checkElementNames(r, rewrite, ['outboundRules', 'rules', 'globalRules', 'rewriteMaps', 'allowedServerVariables', 'providers']);
      for (const el of childElements(rewrite, 'outboundRules')) {
        if (outboundSeen) r.report(el.startTag, '<outboundRules> is defined twice at this level: IIS refuses the file ("duplicate section")');
        outboundSeen = true;
        const section = sources.section(r, el);
        if (section) outbound.push(readOutbound(r, section));
      }
      for (const el of childElements(rewrite, 'globalRules')) {
        const section = sources.section(r, el);
        if (section) globalRules.push(...readInboundRules(section));
      }
      for (const el of childElements(rewrite, 'rules')) {
        const section = sources.section(r, el);
        if (section) rules.push(...readInboundRules(section));
      }
    }
  }
  for (const web of childElements(scope, 'system.web')) {
    checkElementNames(r, web, ['httpCookies']);
    for (const el of childElements(web, 'httpCookies')) {
      const section = sources.section(r, el);
      if (section) httpCookies.push(section);
    }
  }
  return { file, path, pathText, span, outbound, inbound: [...globalRules, ...rules], httpCookies };
}

/** The file's own level first, then its locations in document order. */
export function readLevels(r: Reporter, sources: ConfigSources, file: string, configuration: XmlElement): Level[] {
  const levels = [readScope(r, sources, file, configuration, configuration.startTag, [], undefined)];
  for (const location of childElements(configuration, 'location')) {
    const pathAttr = attribute(location, 'path');
    const pathText = stringAttr(location, 'path') ?? '';
    const path = splitPath(pathText);
    levels.push(readScope(r, sources, file, location, location.startTag, path, pathAttr ? pathText : undefined));
  }
  return levels;
}

/** Whether a level at `path` applies to requests under `target`. */
export function covers(path: readonly string[], target: readonly string[]): boolean {
  return path.length <= target.length && path.every((s, i) => s === target[i]);
}
