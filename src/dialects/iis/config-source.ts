/**
 * `configSource`: a configuration section kept in another file
 * (`<outboundRules configSource="rewrite\outbound.config" />`), followed the way IIS does, so the
 * rules there are linted like Apache and nginx includes. Sources:
 *   [IIS]  MicrosoftDocs/iis-docs getting-started-with-configuration-in-iis-7-and-above.md
 *          "Configuration include files": configSource is "limited to point to relative physical
 *          paths in sub-directories, for security reasons (i.e. file A can only include file B if
 *          B is in physical subdirectory of A)".
 *   [Docs] learn.microsoft.com SectionInformation.ConfigSource ("the name of the include file in
 *          which the associated configuration section is defined", `<pages configSource=
 *          "pages.config"/>`) and "General Attributes Inherited by Section Elements" (with
 *          configSource the settings are not merged: the whole section moves to the file).
 *   [.NET] dotnet/runtime System.Configuration.ConfigurationManager, the same rules for the
 *          sections ASP.NET reads, with the wording used below (Strings.resx):
 *          NormalizeConfigSource — empty, padded or rooted: "The configSource attribute must be a
 *          relative physical path."; InternalConfigHost.StaticGetStreamNameForConfigSource — the
 *          combined path must stay in the file's directory: "The configSource '{0}' is invalid. It
 *          must refer to a file in the same directory or in a subdirectory as the configuration
 *          file."; an unusable path: "The configSource attribute is invalid.";
 *          BaseConfigurationRecord.ScanSectionsRecursive — no other attribute, no content but
 *          comments: "A section using 'configSource' may contain no other attributes or
 *          elements."; ValidateUniqueConfigSource — "The configSource file '{0}' can only be used
 *          by one type of section, and may not be the same as the configuration file." and "The
 *          configSource file '{0}' is also used in a parent, this is not allowed.";
 *          LoadConfigSource — "Unable to open configSource file '{0}'." and, when the file's root
 *          element is not the section element itself, "The format of a configSource file must be
 *          an element containing the name of the section."
 * Each of these is a configuration error (IIS answers HTTP 500.19): `directive-invalid`; a file
 * that cannot be read stays `include-unresolved`, since its rules go unchecked.
 *
 * Safety: the value is checked as text before anything is touched, so `..\..\x`, `\x`, `/x`,
 * `C:\x` and UNC paths are never opened; a file whose real path (symbolic links and junctions
 * resolved) leaves the directory is not read either (IIS would follow a junction; the linter does
 * not go outside the configuration's directory). Files are read through ConfigIO only and parsed
 * by the same reader and encoding rules as web.config. A configSource file's own configSource is
 * reported and never followed, so there is no recursion and no cycle.
 *
 * Only sections inside `<system.webServer>` and `<system.web>` are followed: they hold everything
 * the linter reads. Top-level .NET sections (`<appSettings>`, `<connectionStrings>`...) say
 * nothing about cookies and often hold secrets; their files are not opened.
 */
import { basename, dirname, join, sep } from 'node:path';
import type { CommentToken, Problem } from '../../model/header-rewrite.js';
import { type SourceFile, isIoError, type ConfigIO } from '../../source.js';
import type { Reporter } from './attributes.js';
import { attribute, parseXml, type XmlAttribute, type XmlDocument, type XmlElement } from './xml.js';

const CONFIG_SOURCE = 'configSource';
const REFUSED = 'IIS refuses the file (HTTP 500.19)';

/**
 * Section groups below each group; every other child of a group is a section. configSource moves
 * a section, never a group. `<configSections>` declares these with `<sectionGroup>`: security,
 * authentication and tracing in applicationHost.config (MicrosoftDocs/iis-docs samples), rewrite
 * and webdav by their modules, caching in machine.config [UNCERTAIN for the last three].
 */
const GROUPS: Readonly<Record<string, readonly string[]>> = {
  'system.webServer': ['rewrite', 'security', 'tracing', 'webdav'],
  'system.webServer/security': ['authentication'],
  'system.web': ['caching'],
};
const TOP_GROUPS = ['system.webServer', 'system.web'];

/** Characters Windows refuses in a file name (`:` only after a drive letter, which is rooted anyway). */
const INVALID_CHAR = /[<>:"|?*\u0000-\u001f]/;

/** Values end up in messages: keep them short. */
function shown(value: string): string {
  return value.length > 120 ? `${value.slice(0, 117)}...` : value;
}

export type ConfigSourcePath =
  | { readonly ok: true; readonly segments: readonly string[] }
  | { readonly ok: false; readonly message: string };

/**
 * Checks a configSource value as text, before any file is touched, and returns the path segments
 * below the configuration file's directory. `.` and an inner `..` that stays inside are resolved
 * the way Path.GetFullPath does. `/` separates like `\` (Windows paths); the .NET Framework
 * reader also refuses `/` for the sections ASP.NET reads (Config_source_invalid_chars), which is
 * not reported here.
 */
export function checkConfigSourcePath(value: string): ConfigSourcePath {
  const relative = (why: string): ConfigSourcePath => ({
    ok: false,
    message: `The configSource attribute must be a relative physical path: "${shown(value)}" ${why}. ${REFUSED}; lint-proxy-config does not open it`,
  });
  if (value === '') return relative('is empty');
  if (value.trim() !== value) return relative('starts or ends with white space');
  if (/^[\\/]{2}/.test(value)) return relative('is a network (UNC) path');
  if (/^[\\/]/.test(value)) return relative('is an absolute path');
  if (/^[A-Za-z]:/.test(value)) return relative(`names drive ${value.slice(0, 2)}`);
  const bad = INVALID_CHAR.exec(value);
  if (bad) {
    const what = bad[0] < ' ' ? `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : `'${bad[0]}'`;
    return { ok: false, message: `The configSource attribute is invalid: "${shown(value)}" contains ${what}, which Windows does not allow in a file name. ${REFUSED}` };
  }
  const segments: string[] = [];
  let escapes = false;
  for (const s of value.split(/[\\/]+/)) {
    if (s === '' || s === '.') continue;
    if (s !== '..') segments.push(s);
    else if (segments.pop() === undefined) escapes = true;
    if (escapes) break;
  }
  if (escapes || segments.length === 0) {
    return {
      ok: false,
      message: `The configSource '${shown(value)}' is invalid. It must refer to a file in the same directory or in a subdirectory as the configuration file. ${REFUSED}; not linted`,
    };
  }
  return { ok: true, segments };
}

/** `outboundRules` → `system.webServer/rewrite/outboundRules`: the section's name inside its `<configuration>` or `<location>`. */
function sectionKey(el: XmlElement): string {
  const names: string[] = [];
  for (let n: XmlElement | null = el; n?.parent && n.name !== 'location'; n = n.parent) names.unshift(n.name);
  return names.join('/');
}

/** Windows file names are case-insensitive: `Rewrite.config` names `rewrite.config`. */
function findIgnoringCase(io: ConfigIO, dir: string, segments: readonly string[]): string | null {
  let current = dir;
  for (const segment of segments) {
    const exact = join(current, segment);
    if (io.stat(exact) !== 'missing') {
      current = exact;
      continue;
    }
    const entries = io.readDir(current);
    if (isIoError(entries)) return null;
    const name = entries.filter((e) => e.toLowerCase() === segment.toLowerCase()).sort()[0];
    if (name === undefined) return null;
    current = join(current, name);
  }
  return current;
}

/** Where the files a configuration names go: the model's files, comments and problems. */
export interface IncludeSink {
  readonly files: Map<string, SourceFile>;
  readonly comments: CommentToken[];
  readonly problems: Problem[];
}

export interface ConfigSources {
  /**
   * What section `el` holds: `el` itself, the root element of the file its configSource names,
   * or null when that file cannot be used (reported through `r`).
   */
  section(r: Reporter, el: XmlElement): XmlElement | null;
  /** Follows the configSource of every section of `scope` (`<configuration>` or `<location>`), reporting what IIS refuses. */
  scan(r: Reporter, scope: XmlElement): void;
  /** Files followed from configuration file `file`. */
  includedFrom(file: string): readonly string[];
  /** Reports the configSource files of `file` that its parent configuration `parent` uses too. */
  checkParent(r: Reporter, file: string, parent: string): void;
}

export function createConfigSources(io: ConfigIO, sink: IncludeSink): ConfigSources {
  const results = new Map<XmlElement, XmlElement | null>();
  const docs = new Map<string, XmlDocument>();
  const fatalReported = new Set<string>();
  const includedFrom = new Map<string, Set<string>>();
  const usedBy = new Map<string, Map<string, { key: string; attr: XmlAttribute }>>();
  const identity = (path: string) => io.realpath(path).toLowerCase();

  const load = (path: string, source: SourceFile): XmlDocument => {
    let doc = docs.get(path);
    if (!doc) {
      docs.set(path, (doc = parseXml(source)));
      if (!sink.files.has(path)) sink.files.set(path, source);
      for (const c of doc.comments) sink.comments.push(c);
    }
    return doc;
  };

  const checkEmpty = (r: Reporter, el: XmlElement, attr: XmlAttribute): void => {
    const moveTo = `move it into ${shown(attr.value)}`;
    for (const a of el.attributes) {
      if (a !== attr) r.report(a.nameSpan, `A section using 'configSource' may contain no other attributes or elements: ${moveTo} or drop it here. ${REFUSED}`);
    }
    const child = el.children[0];
    if (child) {
      r.report(child.startTag, `A section using 'configSource' may contain no other attributes or elements: IIS reads <${el.name}> from ${shown(attr.value)}, not from here. ${REFUSED}`);
      return;
    }
    const text = el.content ? sink.files.get(el.span.file)?.text.slice(el.content.start, el.content.end) : undefined;
    if (text !== undefined && /\S/.test(text.replace(/<!--[\s\S]*?-->/g, ''))) {
      r.report(el.startTag, `A section using 'configSource' may contain no other attributes or elements (only comments): IIS reads <${el.name}> from ${shown(attr.value)}. ${REFUSED}`);
    }
  };

  const follow = (r: Reporter, el: XmlElement, attr: XmlAttribute): XmlElement | null => {
    const configFile = el.span.file;
    const value = attr.value;
    checkEmpty(r, el, attr);
    const checked = checkConfigSourcePath(value);
    if (!checked.ok) {
      r.report(attr.valueSpan, checked.message);
      return null;
    }
    const dir = dirname(configFile);
    const exact = join(dir, ...checked.segments);
    const target = io.stat(exact) === 'missing' ? (findIgnoringCase(io, dir, checked.segments) ?? exact) : exact;
    const realDir = io.realpath(dir);
    if (!io.realpath(target).startsWith(realDir.endsWith(sep) ? realDir : realDir + sep)) {
      r.report(
        attr.valueSpan,
        `configSource "${shown(value)}" leads outside the directory of ${basename(configFile)} through a symbolic link or junction: lint-proxy-config does not follow it there, so the rules of <${el.name}> are not checked`,
        'include-unresolved',
      );
      return null;
    }
    if (identity(target) === identity(configFile)) {
      r.report(attr.valueSpan, `The configSource file '${shown(value)}' can only be used by one type of section, and may not be the same as the configuration file. ${REFUSED}`);
      return null;
    }
    const key = sectionKey(el);
    let used = usedBy.get(configFile);
    if (!used) usedBy.set(configFile, (used = new Map()));
    const id = identity(target);
    const previous = used.get(id);
    if (previous && previous.key !== key) {
      r.report(attr.valueSpan, `The configSource file '${shown(value)}' can only be used by one type of section, and may not be the same as the configuration file: ${previous.key} already uses it. ${REFUSED}`);
      return null;
    }
    if (!previous) used.set(id, { key, attr });
    const source = docs.get(target)?.file ?? io.read(target);
    if (isIoError(source)) {
      r.report(
        attr.valueSpan,
        `Unable to open configSource file '${shown(value)}' (${source.error}): ${REFUSED}, and the rules <${el.name}> should hold are not checked`,
        'include-unresolved',
      );
      return null;
    }
    const doc = load(target, source);
    let from = includedFrom.get(configFile);
    if (!from) includedFrom.set(configFile, (from = new Set()));
    from.add(target);
    if (!doc.root) {
      if (r.active && !fatalReported.has(target)) {
        sink.problems.push(doc.fatal!);
        fatalReported.add(target);
      }
      return null;
    }
    if (doc.root.name !== el.name) {
      r.report(
        doc.root.nameSpan,
        `The format of a configSource file must be an element containing the name of the section: <${el.name} configSource="${shown(value)}"> in ${basename(configFile)} needs <${el.name}> here, not <${doc.root.name}>. ${REFUSED}`,
      );
      return null;
    }
    // The file's root is read as the section itself, where configSource is no known attribute
    // (.NET: "Unrecognized attribute"); IIS is assumed to refuse it the same way [UNCERTAIN].
    // Never following it means no chain and no cycle.
    const nested = attribute(doc.root, CONFIG_SOURCE);
    if (nested) {
      r.report(nested.valueSpan, `<${el.name}> in a configSource file names another configSource: the file must hold the section itself, IIS does not follow configSource from it. ${REFUSED}`);
      return null;
    }
    return doc.root;
  };

  const sources: ConfigSources = {
    section(r, el) {
      const attr = attribute(el, CONFIG_SOURCE);
      if (!attr) return el;
      let result = results.get(el);
      if (result === undefined) results.set(el, (result = follow(r, el, attr)));
      return result;
    },
    scan(r, scope) {
      // .NET refuses configSource on a group ("The attribute 'configSource' cannot be specified
      // because its name starts with the reserved prefix 'config' or 'lock'"); IIS is assumed to
      // refuse it too [UNCERTAIN].
      const notOnGroup = (group: XmlElement) => {
        const attr = attribute(group, CONFIG_SOURCE);
        if (attr) r.report(attr.nameSpan, `<${group.name}> is a section group, not a section: configSource can only keep a section (such as <outboundRules>, <rules>, <httpCookies>) in another file. ${REFUSED}`);
      };
      const stack: [XmlElement, string][] = [];
      for (const child of scope.children) {
        if (!TOP_GROUPS.includes(child.name)) continue;
        notOnGroup(child);
        stack.push([child, child.name]);
      }
      for (let next = stack.pop(); next; next = stack.pop()) {
        const [group, key] = next;
        const nested = GROUPS[key] ?? [];
        for (const child of group.children) {
          if (nested.includes(child.name)) {
            notOnGroup(child);
            stack.push([child, `${key}/${child.name}`]);
          } else if (attribute(child, CONFIG_SOURCE)) {
            sources.section(r, child);
          }
        }
      }
    },
    includedFrom: (file) => [...(includedFrom.get(file) ?? [])],
    checkParent(r, file, parent) {
      const inParent = usedBy.get(parent);
      for (const [id, { attr }] of usedBy.get(file) ?? []) {
        if (inParent?.has(id)) r.report(attr.valueSpan, `The configSource file '${shown(attr.value)}' is also used in a parent, this is not allowed: ${parent} uses it too. ${REFUSED}`);
      }
    },
  };
  return sources;
}
