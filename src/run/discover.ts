/**
 * Turning command-line paths into files: a file is taken as given; a directory is walked for the
 * names proxy configurations usually have; anything else is a glob. Used only by src/run/run.ts.
 */
import fg from 'fast-glob';
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { compileGlobList } from '../path-glob.js';

/** What a directory walk picks up (Debian, RHEL and Windows layouts). */
export const DEFAULT_PATTERNS: readonly string[] = [
  '**/*.conf',
  '**/.htaccess',
  '**/*.htaccess',
  '**/web.config',
  '**/*.web.config',
  '**/[aA]pplication[hH]ost.config',
  '**/sites-available/*',
  '**/sites-enabled/*',
  '**/conf.d/*',
  '**/conf-available/*',
  '**/conf-enabled/*',
  '**/vhosts.d/*',
  '**/snippets/*',
  '**/*.nginx',
  '**/*.vhost',
  '**/haproxy*.cfg',
  '**/haproxy/*.cfg',
  '**/*.haproxy',
  '**/[cC]addyfile',
  '**/*.caddy',
  '**/*.caddyfile',
  '**/caddy.json',
];

/** Never walked into, never picked up: VCS data, dependencies, editor and package-manager leftovers. */
export const DEFAULT_IGNORE: readonly string[] = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/*~',
  '**/*.bak',
  '**/*.orig',
  '**/*.rej',
  '**/*.swp',
  '**/*.dpkg-*',
  '**/*.rpmnew',
  '**/*.rpmsave',
  '**/.*.lpc-*.tmp',
];

/**
 * Templates and examples: not what the server reads (placeholders, Jinja/ERB syntax), so a walk
 * skips them unless an include pattern (`--include-pattern`, `include` setting) opts them in.
 */
export const TEMPLATE_PATTERNS: readonly string[] = [
  '**/*.sample',
  '**/*.example',
  '**/*.template',
  '**/*.tmpl',
  '**/*.tpl',
  '**/*.j2',
  '**/*.jinja',
  '**/*.jinja2',
  '**/*.erb',
  '**/*.mustache',
];

/**
 * IIS configurations have many names besides web.config (Web.Release.config transforms,
 * applicationHost.config, rewrite maps in their own file); a walk picks up every `*.config` and
 * detection keeps those whose content is IIS XML.
 */
export const CONTENT_CHECKED_PATTERNS: readonly string[] = ['**/*.config'];

export interface DiscoverOptions {
  /** More globs a directory walk picks up (relative to the walked directory), templates included. */
  readonly include?: readonly string[];
}

export interface Discovery {
  /** Absolute paths, in a stable order, each once. */
  readonly files: readonly string[];
  /** Paths given explicitly (they are linted even if their name is unusual). */
  readonly explicit: ReadonlySet<string>;
  /** Arguments that matched nothing. */
  readonly unmatched: readonly string[];
  /** Files a walk found only as `*.config`: linted when their content is IIS XML, else skipped. */
  readonly iisOnly: ReadonlySet<string>;
  /** Directories that were walked (absolute), for explaining what a walk skipped. */
  readonly walked: readonly string[];
  /** Files a walk or a glob found as symbolic links (not named on the command line): the only ones that can be directories. */
  readonly links: ReadonlySet<string>;
}

/** Include globs relative to the walked directory, with or without `./` (as fast-glob took them). */
const relativeGlobs = (globs: readonly string[]) => globs.map((g) => g.replace(/^(!?)(?:\.\/)+/, '$1'));

export function discoverFiles(args: readonly string[], cwd: string, discoverOptions: DiscoverOptions = {}): Discovery {
  const files = new Set<string>();
  const explicit = new Set<string>();
  const unmatched: string[] = [];
  const walked: string[] = [];
  const iisOnly = new Set<string>();
  const links = new Set<string>();
  const ignorePatterns = [...DEFAULT_IGNORE];
  const include = relativeGlobs(discoverOptions.include ?? []);
  // Include patterns come from the configuration file, which comes with the tree: they are
  // matched without a RegExp (src/path-glob.ts), never handed to fast-glob, whose picomatch
  // regexes backtrack for minutes on `*a*a*a*a*a*a*c` against a long name. The walk lists every
  // file outside the fixed ignores; a `!glob` among the includes takes back what the patterns
  // before it picked, as it did as a negative fast-glob pattern.
  // Compiled for the first directory: a run of named files needs none of them.
  let matchers: { optedIn: (p: string) => boolean; isTemplate: (p: string) => boolean; byName: (p: string) => boolean; picked: (p: string) => boolean } | undefined;
  const compiled = () =>
    (matchers ??= {
      optedIn: compileGlobList(include),
      isTemplate: compileGlobList(TEMPLATE_PATTERNS),
      byName: compileGlobList(DEFAULT_PATTERNS),
      picked: compileGlobList([...DEFAULT_PATTERNS, ...CONTENT_CHECKED_PATTERNS, ...include]),
    });
  for (const arg of args) {
    const abs = isAbsolute(arg) ? arg : resolve(cwd, arg);
    let kind: 'file' | 'dir' | 'none' = 'none';
    try {
      const st = statSync(abs);
      kind = st.isDirectory() ? 'dir' : 'file';
    } catch {
      kind = 'none';
    }
    if (kind === 'file') {
      files.add(abs);
      explicit.add(abs);
      continue;
    }
    // Unreadable or missing plain paths are reported by the reader with a clear message.
    if (kind === 'none' && !fg.isDynamicPattern(arg)) {
      files.add(abs);
      explicit.add(abs);
      continue;
    }
    // Not onlyFiles: it would drop dangling symbolic links, which must be reported (exit 2).
    // Directories come back with a trailing slash and are left out.
    const options = { absolute: true, dot: true, onlyFiles: false, markDirectories: true, followSymbolicLinks: false, ignore: ignorePatterns, suppressErrors: true };
    if (kind === 'dir') {
      walked.push(abs);
      const { optedIn, isTemplate, byName, picked } = compiled();
      // One walk; then templates are dropped unless opted in, and names only `*.config` has are
      // marked for content checking.
      // Object mode: each entry's directory entry says, without a stat, whether it is a symbolic link.
      const entries = fg.sync('**/*', { ...options, absolute: false, cwd: abs, objectMode: true }).filter((e) => !e.path.endsWith('/') && picked(e.path));
      for (const e of entries) if (e.dirent.isSymbolicLink()) links.add(resolve(abs, e.path));
      const rels = entries.map((e) => e.path);
      const named: string[] = [];
      const byContent: string[] = [];
      for (const rel of rels) {
        const opted = optedIn(rel);
        if (!opted && isTemplate(rel)) continue;
        if (opted || byName(rel)) named.push(resolve(abs, rel));
        else byContent.push(resolve(abs, rel));
      }
      for (const f of byContent) iisOnly.add(f);
      const found = [...named, ...byContent].sort();
      if (found.length === 0) unmatched.push(arg);
      for (const f of found) files.add(f);
      continue;
    }
    const entries = fg
      .sync(isAbsolute(arg) ? arg : arg.replace(/^\.\//, ''), { ...(isAbsolute(arg) ? options : { ...options, cwd }), objectMode: true })
      .filter((e) => !e.path.endsWith('/'));
    if (entries.length === 0) unmatched.push(arg);
    for (const e of entries) if (e.dirent.isSymbolicLink()) links.add(resolve(cwd, e.path));
    for (const f of entries.map((e) => e.path).sort()) files.add(resolve(cwd, f));
  }
  for (const f of explicit) {
    iisOnly.delete(f);
    links.delete(f);
  }
  return { files: [...files], explicit, unmatched, walked, iisOnly, links };
}

/** Why a walk left a file out. */
export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

/** More files than this under a directory are not all explained (the first ones are). */
const EXPLAIN_LIMIT = 2000;

/**
 * Every file under a walked directory that the walk did not pick up, with the reason: a template,
 * a backup, or a name that configurations do not have. For the message when nothing was linted.
 */
export function explainWalk(dir: string, picked: ReadonlySet<string>, include: readonly string[] = []): SkippedFile[] {
  const all = fg.sync('**/*', { cwd: dir, dot: true, onlyFiles: true, followSymbolicLinks: false, ignore: ['**/.git/**', '**/.hg/**', '**/.svn/**', '**/node_modules/**'], suppressErrors: true });
  const template = compileGlobList(TEMPLATE_PATTERNS);
  const backup = compileGlobList(DEFAULT_IGNORE);
  const named = compileGlobList([...DEFAULT_PATTERNS, ...CONTENT_CHECKED_PATTERNS, ...relativeGlobs(include)]);
  const out: SkippedFile[] = [];
  for (const rel of all.sort().slice(0, EXPLAIN_LIMIT)) {
    const path = resolve(dir, rel);
    if (picked.has(path)) continue;
    const reason = backup(rel)
      ? 'a backup or editor file'
      : template(rel)
        ? 'a template or example (opt in with --include-pattern)'
        : named(rel)
          ? 'ignored by an ignore pattern or .lint-proxy-configignore'
          : 'not a configuration file name (name it, or opt in with --include-pattern)';
    out.push({ path, reason });
  }
  return out;
}
