/**
 * IIS configuration → the common model. One endpoint per configuration level a request can end
 * in: the file's own level and each `<location path>`, each with the outbound rules IIS runs for
 * it — inherited levels first (parent web.config files, then the file's own level, then the
 * locations that cover the path, shallower first), `<clear/>` and `<remove/>` applied in that
 * order (collections.ts). Only rules on `RESPONSE_Set_Cookie` become cookie operations.
 */
import { basename } from 'node:path';
import type { DialectOptions, Lowering } from '../dialect.js';
import type { BackendKind, BackendRef } from '../../model/backends.js';
import type { AspNetHttpCookiesFact, Fact } from '../../model/facts.js';
import type { CommentToken, CookieOp, Endpoint, HeaderRewriteModel, Problem } from '../../model/header-rewrite.js';
import { iisOutboundRuleOp, type IisOutboundRuleOp } from '../../model/ops/iis-outbound-rule.js';
import { type SourceFile, isIoError, type ConfigIO } from '../../source.js';
import { boolAttr, createReporter, type Reporter } from './attributes.js';
import { mergeCollections } from './collections.js';
import { createConfigSources } from './config-source.js';
import { proxiesEverything } from './inbound.js';
import { covers, readLevels, type Level } from './levels.js';
import type { OutboundRuleDef, PreConditionDef } from './outbound.js';
import { configurationOf } from './fragments.js';
import { findParentConfigs } from './parents.js';
import { unknownFacts } from './unknowns.js';
import { attribute, parseXml, type XmlElement } from './xml.js';

/** Outbound rules run for every response: ARR-proxied ones and the application's own. */
export const IIS_BACKENDS: readonly BackendKind[] = ['http', 'module'];

/** The syntax handle of an IIS model: the fixers edit the XML an operation came from without parsing it again. */
export interface IisSyntax {
  /** The `<rule>` definition each outbound-rule operation was lowered from. */
  readonly rules: ReadonlyMap<CookieOp, OutboundRuleDef>;
}

interface ReadConfiguration {
  readonly configuration: XmlElement | null;
  readonly comments: readonly CommentToken[];
  readonly fatal?: Problem;
}

export function readConfiguration(source: SourceFile): ReadConfiguration {
  const doc = parseXml(source);
  if (!doc.root) return { configuration: null, comments: doc.comments, fatal: doc.fatal! };
  const view = configurationOf(doc.root);
  if (!view) {
    return {
      configuration: null,
      comments: doc.comments,
      fatal: {
        span: doc.root.nameSpan,
        message: `The root element is <${doc.root.name}>, not <configuration> or an IIS section (<system.webServer>, <rewrite>, <outboundRules>, <rule>, <system.web>, <httpCookies>): this is not an IIS configuration file`,
        kind: 'syntax',
        severity: 'error',
      },
    };
  }
  return { configuration: view.configuration, comments: doc.comments };
}

/** The levels of `levels` that apply under `target`, shallower first (stable for equal depth). */
function applicable(levels: readonly Level[], target: readonly string[]): Level[] {
  return levels.filter((l) => covers(l.path, target)).sort((a, b) => a.path.length - b.path.length);
}

/** Levels by path, so that finding the ones covering a path costs its depth, not the file's size. */
function indexByPath(levels: readonly Level[]): (target: readonly string[]) => Level[] {
  const index = new Map<string, Level[]>();
  for (const level of levels) {
    const key = level.path.join('/');
    const list = index.get(key);
    if (list) list.push(level);
    else index.set(key, [level]);
  }
  return (target) => Array.from({ length: target.length + 1 }, (_, depth) => index.get(target.slice(0, depth).join('/')) ?? []).flat();
}

interface Resolved {
  readonly pipeline: CookieOp[];
  readonly backends: BackendRef[];
  readonly possibleBackends: readonly BackendKind[];
}

/** `ownFiles`: the root and the configSource files it names, whose problems are reported. */
function createResolver(r: Reporter, ownFiles: ReadonlySet<string>) {
  const cache = new Map<OutboundRuleDef, Map<PreConditionDef | null | undefined, IisOutboundRuleOp>>();
  const rules = new Map<CookieOp, OutboundRuleDef>();
  const opFor = (def: OutboundRuleDef, pre: PreConditionDef | null | undefined): IisOutboundRuleOp => {
    let byPre = cache.get(def);
    if (!byPre) cache.set(def, (byPre = new Map()));
    let op = byPre.get(pre);
    if (!op) {
      const spec = {
        name: def.name,
        span: def.element.span,
        label: `<rule name="${def.name}">`,
        stopProcessing: def.stopProcessing,
        match: { matcher: def.match!.matcher!, negate: def.match!.negate },
        conditions: def.conditions,
        preCondition: pre ? { name: pre.name, conditions: pre.conditions } : pre,
        action: { type: def.action.type, value: def.action.value },
        cause: def.action.valueAttr?.valueSpan ?? def.element.startTag,
        condition: unknownFacts(def, pre),
        ...(pre ? { related: [pre.element.span] } : {}),
      };
      byPre.set(pre, (op = iisOutboundRuleOp(spec, IIS_BACKENDS)));
      rules.set(op, def);
    }
    return op;
  };
  const inRoot = (el: XmlElement) => ownFiles.has(el.span.file);
  return {
    ops: () => [...cache.values()].flatMap((m) => [...m.values()]),
    rules,
    resolve(chain: readonly Level[]): Resolved {
      const sections = chain.flatMap((l) => l.outbound);
      const rules = mergeCollections(sections.map((s) => s.rules));
      const pres = mergeCollections(sections.map((s) => s.preConditions));
      for (const d of [...rules.duplicates, ...pres.duplicates]) {
        if (inRoot(d.element)) r.report(d.element.startTag, `Another <${d.element.name}> named "${d.key}" is already defined here or in a parent level: IIS refuses the file ("Cannot add duplicate collection entry")`);
      }
      const preByName = new Map<string, PreConditionDef>();
      for (const p of pres.items) preByName.set(p.name.toLowerCase(), p);
      const pipeline: CookieOp[] = [];
      for (const def of rules.items) {
        if (!def.enabled || !def.setCookie || !def.match?.matcher) continue;
        let pre: PreConditionDef | null | undefined;
        if (def.preCondition) {
          pre = preByName.get(def.preCondition.value.toLowerCase()) ?? null;
          if (pre === null && inRoot(def.element)) {
            r.report(def.preCondition.valueSpan, `No pre-condition named "${def.preCondition.value}" is defined where this rule applies: IIS fails the request`);
          }
        }
        pipeline.push(opFor(def, pre));
      }
      const inbound = mergeCollections(chain.map((l) => l.inbound)).items;
      const backends = inbound.flatMap((i) => (i.enabled && i.backend ? [i.backend] : []));
      return { pipeline, backends, possibleBackends: proxiesEverything(inbound) ? ['http'] : IIS_BACKENDS };
    },
  };
}

function httpCookiesFacts(r: Reporter, levels: readonly Level[], proxies: boolean): Fact[] {
  const facts: AspNetHttpCookiesFact[] = [];
  for (const level of levels) {
    for (const el of level.httpCookies) {
      const attr = attribute(el, 'httpOnlyCookies');
      if (!attr) continue;
      facts.push({
        kind: 'aspnet-httpcookies',
        span: el.span,
        attributeSpan: attr.valueSpan,
        httpOnlyCookies: boolAttr(r, el, 'httpOnlyCookies', false),
        requireSSL: boolAttr(r, el, 'requireSSL', false),
        proxies,
      });
    }
  }
  return facts;
}

function requestPath(rootPath: string, pathText: string | undefined): string {
  const segments = (pathText ?? '').replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  // applicationHost.config locations start with the site name.
  const inSite = basename(rootPath).toLowerCase() === 'applicationhost.config' ? segments.slice(1) : segments;
  return `/${inSite.join('/')}`;
}

export function buildIisModel(rootPath: string, io: ConfigIO, options: DialectOptions): HeaderRewriteModel {
  return lowerIis(rootPath, io, options).model;
}

export function lowerIis(rootPath: string, io: ConfigIO, _options: DialectOptions): Lowering<IisSyntax> {
  const files = new Map<string, SourceFile>();
  const problems: Problem[] = [];
  const comments: CommentToken[] = [];
  // The root and the configSource files it names: linted here, in context, never as roots of their own.
  const covers: string[] = [rootPath];
  const lowered = (endpoints: Endpoint[] = [], ops: CookieOp[] = [], facts: Fact[] = [], rules: IisSyntax['rules'] = new Map()): Lowering<IisSyntax> => ({
    model: {
      dialect: 'iis',
      root: rootPath,
      files,
      covers,
      endpoints,
      ops,
      problems,
      comments,
      facts,
    },
    syntax: { rules },
  });
  const source = io.read(rootPath);
  if (isIoError(source)) {
    problems.push({ span: { file: rootPath, start: 0, end: 0 }, message: `Cannot read file: ${source.error}`, kind: 'syntax' });
    return lowered();
  }
  files.set(rootPath, source);
  const doc = readConfiguration(source);
  for (const c of doc.comments) comments.push(c);
  if (!doc.configuration) {
    problems.push(doc.fatal!);
    return lowered();
  }
  const r = createReporter(true, problems);
  const sources = createConfigSources(io, { files, comments, problems });
  const rootLevels = readLevels(r, sources, rootPath, doc.configuration);
  covers.push(...sources.includedFrom(rootPath));

  const inherited: Level[] = [];
  for (const parent of findParentConfigs(rootPath, io)) {
    const parentSource = io.read(parent.path);
    const parentDoc = isIoError(parentSource) ? undefined : readConfiguration(parentSource);
    if (isIoError(parentSource) || !parentDoc?.configuration) {
      const why = isIoError(parentSource) ? parentSource.error : parentDoc!.fatal!.message;
      r.report(doc.configuration.startTag, `The parent configuration ${parent.path} cannot be used (${why}): IIS applies its rules first, and they are not checked here`, 'include-unresolved');
      continue;
    }
    files.set(parent.path, parentSource);
    comments.push(...parentDoc.comments);
    inherited.push(...applicable(readLevels(createReporter(false, []), sources, parent.path, parentDoc.configuration), parent.below));
    sources.checkParent(r, rootPath, parent.path);
  }

  const resolver = createResolver(r, new Set(covers));
  const name = basename(rootPath);
  const endpoints: Endpoint[] = [];
  const coveringRoot = indexByPath(rootLevels);
  const addEndpoint = (label: string, level: Level) => {
    const resolved = resolver.resolve([...inherited, ...coveringRoot(level.path)]);
    const names = level.pathText ? [{ kind: 'path' as const, value: level.pathText, span: level.span }] : [];
    endpoints.push({ label, span: level.span, requestPath: requestPath(rootPath, level.pathText), ...resolved, ...(names.length > 0 ? { names } : {}), blocks: [level.span] });
  };
  addEndpoint(name, rootLevels[0]!);
  const seen = new Set<string>();
  for (const level of rootLevels.slice(1)) {
    const key = level.path.join('/');
    if (level.path.length === 0 || seen.has(key)) continue;
    seen.add(key);
    addEndpoint(`${name} › <location path="${level.pathText ?? ''}">`, level);
  }
  const order = [...files.keys()];
  const ops = resolver
    .ops()
    .sort((a, b) => order.indexOf(a.span.file) - order.indexOf(b.span.file) || a.span.start - b.span.start);
  const proxies = endpoints.some((e) => e.backends.length > 0);
  return lowered(endpoints, ops, httpCookiesFacts(r, rootLevels, proxies), resolver.rules);
}
