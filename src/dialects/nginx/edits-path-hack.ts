/**
 * Replacing attribute injection through `proxy_cookie_path` / `proxy_cookie_domain`
 * (`proxy_cookie_path / "/; HTTPOnly; Secure";`, proxy-semantics.md §2.3) by what nginx ≥ 1.19.3
 * offers for flags: an exclusion for the XSRF cookies, then the blanket flags.
 *
 *     proxy_cookie_flags ~^(?:atl\.xsrf\.token|XSRF-TOKEN)$ secure;
 *     proxy_cookie_flags ~ secure httponly;
 *
 * The path rewrite itself goes when, without the injected text, it changes nothing; otherwise it
 * stays with its plain replacement. The new `proxy_cookie_flags` sit at the same level, so the
 * fix is refused where that would change locations that do not use this rewrite, or would mix with
 * flags already configured.
 */
import type { TextEdit } from '../../source.js';
import type { HeaderRewriteModel } from '../../model/header-rewrite.js';
import { rewriteValue, type NginxRewriteEntry } from '../../model/ops/nginx-cookie-rewrite.js';
import { opOfKind } from '../../model/ops/index.js';
import { compileScript, runScript, scriptVariables } from '../../model/ops/nginx-script.js';
import { nginxCookieEntries } from '../../model/ops/nginx-proxy-cookie.js';
import type { FixCandidate, FixRefusal } from '../dialect.js';
import { arraySource, effectiveArray } from './effective.js';
import { exclusionSelector, fileOf, insertAfter, replaceDirective } from './directive-edits.js';
import { chainOf, type Level } from './levels.js';
import type { Directive } from './syntax.js';
import type { NginxEndpoint, NginxSyntax } from './lower.js';
import { nginxArg } from './quote.js';
import { eolNear, lineAt, ownsLines } from './text-lines.js';
import { atLeast, COOKIE_FLAGS_SINCE, formatVersion } from './version.js';

const FLAG_ORDER = ['secure', 'httponly', 'samesite=strict', 'samesite=lax', 'samesite=none'];

/** The flags a replacement injects after its first `;`, or the attribute no flag can express. */
export function injectedFlags(replacement: string): { base: string; flags: string[] } | { unsupported: string } | null {
  const semi = replacement.indexOf(';');
  if (semi < 0) return null;
  const flags = new Set<string>();
  for (const raw of replacement.slice(semi + 1).split(';')) {
    const attr = raw.trim();
    if (attr === '') continue;
    const lower = attr.toLowerCase().replace(/\s*=\s*/, '=');
    if (lower === 'httponly' || lower === 'secure') flags.add(lower);
    else if (/^samesite=(strict|lax|none)$/.test(lower)) flags.add(lower);
    else return { unsupported: attr };
  }
  return { base: replacement.slice(0, semi).trimEnd(), flags: FLAG_ORDER.filter((f) => flags.has(f)) };
}

const PROBE_VALUES = ['/', '/app', '/app/', '/a/b.c', 'x', '', '.example.com', 'example.com', 'EXAMPLE.com'];

/** Whether the rewrite with `base` as its replacement leaves every value as it was. */
function isNoop(entry: NginxRewriteEntry, base: string): boolean {
  const compiled = compileScript(base);
  if (!compiled.ok) return false;
  const plain: NginxRewriteEntry = { ...entry, replacement: compiled.script };
  return [...PROBE_VALUES, ...entry.samples].every((v) => {
    const r = rewriteValue(plain, v);
    return r === undefined || r === v;
  });
}

/**
 * Where the new proxy_cookie_flags at the entry's level would reach further than the rewrite it
 * replaces: an inner level that sets its own `proxy_cookie_path` (or `off`) does not use the
 * entry, but would inherit the flags. Such a level gets `proxy_cookie_flags off;` beside its own
 * directive, so it keeps receiving cookies exactly as before (`ngx_conf_merge_ptr_value`: a level
 * that sets the array replaces the inherited one). Returns those directives, or why no fix fits.
 */
function levelProblem(info: NginxSyntax, entry: NginxRewriteEntry): { readonly cancelAfter: Directive[] } | string {
  const level = info.entryLevel.get(entry);
  if (!level) return 'the directive is not at a level the linter understood';
  if (level.flags !== undefined) return 'proxy_cookie_flags is already configured at the same level; merge the flags by hand';
  const key = entry.directive === 'proxy_cookie_path' ? 'paths' : 'domains';
  const cancel = new Map<Level, Directive>();
  for (const ep of endpointsUnder(info, level)) {
    const source = arraySource(ep.level, 'flags');
    if (source && chainOf(source).includes(level) && source !== level) continue;
    const cookie = ep.pipeline.find((op) => opOfKind(op, 'nginx-proxy-cookie'));
    if (!cookie?.entries.includes(entry)) {
      const own = arraySource(ep.level, key);
      const written = own && own !== level && chainOf(own).includes(level) ? ownDirective(own, entry.directive) : undefined;
      if (!own || !written || own.flags !== undefined) return `proxy_cookie_flags at this level would also apply in ${ep.label}, which does not use this ${entry.directive}`;
      cancel.set(own, written);
      continue;
    }
    if (effectiveArray(ep.level, 'flags')) return `${ep.label} already has proxy_cookie_flags; merge the flags by hand`;
  }
  return { cancelAfter: [...cancel.values()] };
}

const under = new WeakMap<NginxSyntax, Map<Level, NginxEndpoint[]>>();

/** The endpoints at or below a level, indexed once per model: a fix costs its scope, not the file. */
function endpointsUnder(info: NginxSyntax, level: Level): readonly NginxEndpoint[] {
  let index = under.get(info);
  if (!index) {
    under.set(info, (index = new Map()));
    for (const ep of info.endpoints) {
      for (let l: Level | null = ep.level; l; l = l.parent) {
        const list = index.get(l);
        if (list) list.push(ep);
        else index.set(l, [ep]);
      }
    }
  }
  return index.get(level) ?? [];
}

/** The last `name` directive written directly in the level's block. */
function ownDirective(level: Level, name: string): Directive | undefined {
  return level.directive?.block?.children.filter((d) => d.name.value === name).at(-1);
}

/**
 * The replacement as nginx evaluates it: as written, or with the one value its variables have on
 * every request the entry acts on (the bindings of its operations' variants, variables.ts). With
 * several values, or one the configuration does not set, no single text moves into
 * proxy_cookie_flags: the flags would reach requests that never had them, or miss some.
 */
function replacementText(model: HeaderRewriteModel, entry: NginxRewriteEntry): { readonly text: string } | FixRefusal {
  const variables = scriptVariables(entry.replacement);
  if (variables.length === 0) return { text: entry.replacement.source };
  const texts = new Set<string>();
  const unset = new Set<string>();
  for (const op of nginxCookieEntries(model.ops).get(entry) ?? []) {
    for (const v of variables) if (!op.bindings.has(v)) unset.add(`$${v}`);
    texts.add(runScript(entry.replacement, '', [], (v) => op.bindings.get(v)));
  }
  const list = variables.map((v) => `$${v}`).join(', ');
  const suggestion = `set the flags with proxy_cookie_flags, and keep only the path in what gives ${list} its value`;
  if (unset.size > 0) return { reason: `the injected flags come from ${[...unset].join(', ')}, which the configuration does not set`, suggestion };
  if (texts.size !== 1) return { reason: `the injected flags come from ${list}, which differs per request`, suggestion };
  return { text: [...texts][0]! };
}

export function pathHackCandidates(model: HeaderRewriteModel, info: NginxSyntax, entry: NginxRewriteEntry, names: readonly string[]): FixCandidate[] | FixRefusal {
  const replacement = replacementText(model, entry);
  if (!('text' in replacement)) return replacement;
  const injected = injectedFlags(replacement.text);
  const selector = nginxArg(exclusionSelector(names));
  if (!atLeast(info.version, COOKIE_FLAGS_SINCE)) {
    return {
      reason: `nginx ${formatVersion(info.version)} has no proxy_cookie_flags (added in 1.19.3), and ${entry.directive} cannot tell cookies apart by name`,
      suggestion: `upgrade nginx, then replace it by: proxy_cookie_flags ${selector} secure; proxy_cookie_flags ~ secure httponly;`,
    };
  }
  if (!injected) return { reason: `${entry.label} does not inject attributes after a ";"` };
  if ('unsupported' in injected) return { reason: `${entry.label} also injects "${injected.unsupported}", which proxy_cookie_flags cannot set` };
  // proxy_cookie_flags applies to every cookie. Secure and HttpOnly on more cookies only add
  // protection; SameSite=Strict on cookies the rewrite never reached can break cross-site flows
  // (sign-in redirects), so SameSite moves only from a rewrite that reached every path.
  const everyPath = entry.directive === 'proxy_cookie_path' && entry.pattern.kind === 'literal' && entry.pattern.script.source === '/';
  if (!everyPath && injected.flags.some((f) => f.startsWith('samesite'))) return { reason: `proxy_cookie_flags cannot limit SameSite to the cookies ${entry.label} rewrites` };
  const problem = levelProblem(info, entry);
  if (typeof problem === 'string') return { reason: problem };
  const file = fileOf(model, entry.span);
  if (!file) return { reason: 'the directive is not in a file the linter read' };

  const others = injected.flags.filter((f) => f !== 'httponly');
  const blanket = `proxy_cookie_flags ~ ${injected.flags.join(' ')};`;
  // The exclusion comes first: nginx applies only the first proxy_cookie_flags that matches.
  const texts = injected.flags.includes('httponly') && names.length > 0 ? [`proxy_cookie_flags ${selector} ${others.length > 0 ? others.join(' ') : 'nohttponly'};`, blanket] : [blanket];
  const edits: TextEdit[] = [];
  if (isNoop(entry, injected.base)) {
    edits.push(replaceDirective(file, entry.span, texts));
  } else {
    const quote = file.text[entry.replacementSpan.start];
    const q = quote === '"' || quote === "'" ? quote : null;
    edits.push({ file: file.path, start: entry.replacementSpan.start, end: entry.replacementSpan.end, text: nginxArg(injected.base, q) });
    if (ownsLines(file, entry.span)) {
      const line = lineAt(file, Math.max(entry.span.start, entry.span.end - 1));
      const eol = eolNear(file, entry.span.start);
      const text = `${line.eol ? '' : eol}${texts.map((t) => `${line.indent}${t}`).join(eol)}${line.eol ? eol : ''}`;
      edits.push({ file: file.path, start: line.next, end: line.next, text });
    } else {
      edits.push({ file: file.path, start: entry.span.end, end: entry.span.end, text: ` ${texts.join(' ')}` });
    }
  }
  for (const d of problem.cancelAfter) {
    const at = fileOf(model, d.span);
    if (!at) return { reason: 'a directive to adjust is not in a file the linter read' };
    edits.push(insertAfter(at, d.span, 'proxy_cookie_flags off;'));
  }
  const attrs = replacement.text.slice(replacement.text.indexOf(';'));
  return [
    {
      edits,
      description:
        texts.length > 1
          ? `replace the "${attrs.trim()}" injected by ${entry.directive} with proxy_cookie_flags directives that keep ${names.join(', ')} readable by JavaScript`
          : `replace the "${attrs.trim()}" injected by ${entry.directive} with a proxy_cookie_flags directive`,
      changesOtherCookies:
        `${entry.directive} only prefix-replaces the value, so it also corrupted longer paths (Path=/app became Path=/; HTTPOnly; Secureapp), ` +
        'duplicated flags the cookie already had and skipped cookies without the attribute; proxy_cookie_flags sets the flags on every cookie instead',
    },
  ];
}
