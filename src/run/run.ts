/**
 * Files in, results out, fixed files written. The only place that touches the file system
 * (through src/run/node-io.ts and src/run/discover.ts); everything it calls is pure.
 */
import { RULES } from '../../rules/index.js';
import { createCatalog } from '../cookies/catalog.js';
import type { ProductSettings } from '../cookies/selection.js';
import { DEFAULT_NGINX_VERSION, type DialectModule, type DialectOptions } from '../dialects/dialect.js';
import { loadDialects } from '../dialects/registry.js';
import { dumpWrites, mapDumpResults } from './dump-results.js';
import { discoverFiles, explainWalk, type Discovery } from './discover.js';
import { fixProject } from '../engine/fix.js';
import type { LintSettings, RuleSetting } from '../engine/lint.js';
import type { Rule } from '../engine/rule.js';
import { assemble, lintProject, type FileResult, type LintTarget } from '../engine/project.js';
import { threadCount, tuneForManyFiles } from './threads.js';
import { detectTarget, type Candidate } from './targets.js';
import { toLintResult, type LintResult } from '../engine/result.js';
import type { Dialect } from '../model/header-rewrite.js';
import type { PathMapping } from '../dialects/path-map.js';
import { createNodeIO, writeFileAtomic, WriteRefused, type NodeIO } from './node-io.js';
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import { createSourceFile, encode, type SourceFile, isIoError, withOverrides, type ConfigIO } from '../source.js';
import type { IgnoreMatcher } from './ignore-file.js';
import { compileGlobList } from '../path-glob.js';

export interface RunOptions {
  readonly cwd: string;
  readonly paths: readonly string[];
  /** Force the dialect of every file. */
  readonly type?: Dialect;
  /** Write fixes to disk. */
  readonly fix?: boolean;
  /** Compute fixes and return the fixed text as `output`, writing nothing. */
  readonly fixDryRun?: boolean;
  readonly xsrfCookies?: readonly string[];
  readonly sessionCookies?: readonly string[];
  /** `--all-products`, `products` settings, inline products comments (src/cookies/selection.ts). */
  readonly productSettings?: ProductSettings;
  readonly serverRoot?: string;
  readonly prefix?: string;
  readonly context?: DialectOptions['context'];
  readonly nginxVersion?: string;
  readonly caddyVersion?: string;
  readonly nginxDirectives?: readonly string[];
  readonly apacheModules?: readonly string[];
  readonly ruleSettings?: ReadonlyMap<string, RuleSetting>;
  /** Absolute globs of files never to lint (config `ignores`, `--ignore-pattern`). */
  readonly ignorePatterns?: readonly string[];
  /** `.lint-proxy-configignore`, when there is one. */
  readonly ignoreFile?: IgnoreMatcher;
  /** The dialect the configuration assigns a file (`overrides`), checked before detection. */
  readonly dialectOf?: (path: string) => Dialect | undefined;
  readonly directives?: LintSettings['directives'];
  /** Called as models are linted, for a progress line. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Prove fixes even without --fix (default true): needed when the output shows them (json,
   * sarif). Otherwise findings are only marked potentially fixable, which saves a re-parse.
   */
  readonly wantFixes?: boolean;
  /** Collects time per rule (`LPC_TIMING=1`). */
  readonly timings?: Map<string, number>;
  /** Text to lint instead of files (`--stdin`), named by `stdinFilename`. */
  readonly stdin?: { readonly text: string; readonly filename: string };
  /** Replaces the real file system (tests). */
  readonly io?: ConfigIO;
  /** Files larger than this many megabytes are skipped with a warning (default 10). */
  readonly maxFileMb?: number;
  /** Give findings their scope and directive text (baselines, the language server). */
  readonly where?: boolean;
  /** Where absolute include paths are read from (`--root`, `pathMap`). */
  readonly pathMap?: readonly PathMapping[];
  /** More globs a directory walk picks up (templates and unusual names opted in). */
  readonly include?: readonly string[];
  /**
   * `--fix` also writes files outside the paths given on the command line (an included file
   * elsewhere, the target of a link leaving the tree, a parent web.config). Off by default.
   */
  readonly fixOutside?: boolean;
  /** Tests: runs before each file is written, after it was read and fixed in memory. */
  readonly beforeWrite?: (path: string) => void | Promise<void>;
  /** Tests: runs inside the atomic write, after the temporary file is complete, before the rename. */
  readonly beforeRename?: (path: string) => void;
}

/** A fixed file `--fix` did not write, and why. */
export interface NotWritten {
  readonly path: string;
  readonly reason: string;
  /** Left alone on purpose (outside the given paths), not a failure: the exit code comes from its findings. */
  readonly policy: boolean;
}

export interface RunResult {
  readonly results: readonly LintResult[];
  /** Command-line patterns that matched no file. */
  readonly unmatched: readonly string[];
  /** Files that could not be read: exit code 2. */
  readonly unreadable: number;
  /** Files found but not linted (too large, binary), with why: exit code 2. */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  /** Files linted. */
  readonly linted: number;
  /** Files `--fix` rewrote. */
  readonly written: readonly string[];
  /** Files whose fixes were abandoned because together they broke the file (a syntax error, or a configuration the server refuses). */
  readonly reverted: readonly string[];
  /** Fixed files `--fix` did not write; their findings are reported as they are on disk. */
  readonly notWritten: readonly NotWritten[];
}

/**
 * One run: find the files, lint them (on this thread, or sharded over worker threads: a strategy,
 * the same results either way), fix and write when asked, and assemble one result per file.
 */
export async function run(options: RunOptions): Promise<RunResult> {
  const time = phaseTimer(options.timings);
  const baseIo = options.io ?? createNodeIO(options.cwd, options.maxFileMb);
  const io = options.stdin ? withStdin(baseIo, options.stdin) : baseIo;
  const { discovery, candidates } = time('(find files)', () => {
    const discovered = discover(options);
    const ignored = ignoreTest(options);
    const kept = { ...discovered, files: discovered.files.filter((f) => !ignored(f)) };
    return { discovery: kept, candidates: candidatesOf(kept, options) };
  });
  const settings = lintSettingsOf(options);
  const fixing = options.fix === true || options.fixDryRun === true;
  // Many files: every thread reads, detects and lints its share (reading 10,000 files on the
  // main thread first left the other cores idle for a fifth of the run).
  const threads = fixing || options.io || options.stdin ? 1 : threadCount(candidates.length);
  tuneForManyFiles(candidates.length);
  const linted = threads > 1 ? await lintSharded(candidates, io, settings, threads, options, time) : await lintHere(candidates, io, settings, options, time);
  const written: string[] = [];
  const notWritten: NotWritten[] = [];
  let { fileResults, fixed } = linted;
  if (options.fix && !options.stdin && fixed.size > 0) {
    const writes = await time('(write fixes)', () => writeFixes(fixed, options, baseIo));
    written.push(...writes.written);
    notWritten.push(...writes.notWritten);
    if (writes.notWritten.length > 0) {
      // Report what is on disk: the files written, and the others as they still are.
      fixed = new Map([...fixed].filter(([path]) => writes.complete.has(path)));
      fileResults = lintProject(linted.targets, withOverrides(io, fixed), linted.registry, settings).results;
    }
  }
  return assembleRun(mapDumpResults(fileResults), linted.extra, fixed, io, {
    unmatched: discovery.unmatched,
    written,
    reverted: linted.reverted,
    notWritten,
  });
}

type PhaseTimer = <T>(name: string, work: () => T) => T;

/** Wall time per phase into `timings` (`LPC_TIMING=1`); a plain call without. */
function phaseTimer(timings: Map<string, number> | undefined): PhaseTimer {
  return (name, work) => {
    if (!timings) return work();
    const started = performance.now();
    const stop = () => timings.set(name, (timings.get(name) ?? 0) + performance.now() - started);
    const out = work();
    if (out instanceof Promise) return out.finally(stop) as typeof out;
    stop();
    return out;
  };
}

function lintSettingsOf(options: RunOptions): LintSettings {
  return {
    rules: options.timings ? RULES.map((rule) => timedRule(rule, options.timings!)) : RULES,
    catalog: createCatalog(options.xsrfCookies, options.sessionCookies, productSettingsOf(options)),
    options: {
      nginxVersion: options.nginxVersion ?? DEFAULT_NGINX_VERSION,
      ...(options.serverRoot === undefined ? {} : { serverRoot: options.serverRoot }),
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      ...(options.context === undefined ? {} : { context: options.context }),
      ...(options.caddyVersion === undefined ? {} : { caddyVersion: options.caddyVersion }),
      ...(options.nginxDirectives === undefined ? {} : { nginxDirectives: options.nginxDirectives }),
      ...(options.apacheModules === undefined ? {} : { apacheModules: options.apacheModules }),
      ...(options.pathMap && options.pathMap.length > 0 ? { pathMap: options.pathMap } : {}),
      cwd: options.cwd,
    },
    ...(options.ruleSettings ? { ruleSettings: options.ruleSettings } : {}),
    ...(options.directives ? { directives: options.directives } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    wantFixes: options.wantFixes ?? true,
    ...(options.where ? { where: true } : {}),
  };
}

/** A rule whose `check` adds its milliseconds to `timings` under its id: timing wraps the core, it is not part of it. */
function timedRule(rule: Rule, timings: Map<string, number>): Rule {
  const check = rule.check;
  if (!check) return rule;
  return {
    meta: rule.meta,
    check(ctx) {
      const started = performance.now();
      try {
        check.call(rule, ctx);
      } finally {
        timings.set(rule.meta.id, (timings.get(rule.meta.id) ?? 0) + performance.now() - started);
      }
    },
  };
}

/** A dialect registry whose model building is timed as `(parse and model)`. */
function timedRegistry(registry: DialectRegistry, timings: Map<string, number> | undefined): DialectRegistry {
  if (!timings) return registry;
  const time = phaseTimer(timings);
  const wrapped = new Map<Dialect, DialectModule>();
  return (d) => {
    let module = wrapped.get(d);
    if (!module) {
      const inner = registry(d);
      wrapped.set(
        d,
        (module = {
          ...inner,
          build: (...args) => time('(parse and model)', () => inner.build(...args)),
          buildModel: (...args) => time('(parse and model)', () => inner.buildModel(...args)),
        }),
      );
    }
    return module;
  };
}

type DialectRegistry = (d: Dialect) => DialectModule;

/**
 * Runs `work` (timed as `(engine)`, which includes the rules and the parsing timed inside it) and
 * leaves under `(engine)` only its own share: inline directives, fix proofs, re-linting fixed files.
 */
function engineTime<T>(timings: Map<string, number> | undefined, work: () => T): T {
  if (!timings) return work();
  const inner = () => [...timings].reduce((sum, [name, ms]) => (name === '(engine)' || name.startsWith('(find') || name.startsWith('(read') ? sum : sum + ms), 0);
  const before = inner();
  const out = work();
  const nested = inner() - before;
  timings.set('(engine)', (timings.get('(engine)') ?? 0) - nested);
  return out;
}

interface Linted {
  readonly targets: readonly LintTarget[];
  readonly registry: DialectRegistry;
  readonly fileResults: readonly FileResult[];
  /** Files that are not configurations of any dialect, reported as such. */
  readonly extra: readonly FileResult[];
  /** Fixed texts (`--fix`, `--fix-dry-run`), not yet written. */
  readonly fixed: ReadonlyMap<string, SourceFile>;
  readonly reverted: readonly string[];
}

/** Reads, detects and lints (and fixes) every candidate on this thread. */
async function lintHere(candidates: readonly Candidate[], io: ConfigIO, settings: LintSettings, options: RunOptions, time: PhaseTimer): Promise<Linted> {
  const targets: LintTarget[] = [];
  const extra: FileResult[] = [];
  time('(read and detect files)', () => {
    for (const c of candidates) {
      const d = detectTarget(c, io);
      if (d.kind === 'target') targets.push(d.target);
      else if (d.kind === 'undetected') extra.push(d.result);
    }
  });
  const dialects = await loadDialects(new Set(targets.map((t) => t.dialect)));
  const registry = timedRegistry((d) => dialects.get(d)!, options.timings);
  const lint = <T>(work: () => T): T => engineTime(options.timings, () => time('(engine)', work));
  if (options.fix === true || options.fixDryRun === true) {
    const outcome = lint(() => fixProject(targets, io, registry, settings));
    return { targets, registry, fileResults: outcome.lint.results, extra, fixed: outcome.fixed, reverted: outcome.reverted };
  }
  const fileResults = lint(() => lintProject(targets, io, registry, settings).results);
  return { targets, registry, fileResults, extra, fixed: new Map(), reverted: [] };
}

/** Many files: shards on every core (each reads, detects and lints its share), then assembled as one project. */
async function lintSharded(candidates: readonly Candidate[], io: ConfigIO, settings: LintSettings, threads: number, options: RunOptions, time: PhaseTimer): Promise<Linted> {
  const { lintInParallel } = await import('./parallel.js');
  const shards = await time('(parallel read, detect and lint, wall)', () => lintInParallel(candidates, io, settings, threads, options.maxFileMb));
  const fileResults = time('(assemble)', () => assemble(shards.targets, shards.lints, io, settings, shards.readable));
  const registry: DialectRegistry = () => {
    throw new Error('a sharded run never re-lints on the main thread');
  };
  return { targets: shards.targets, registry, fileResults, extra: shards.undetected, fixed: new Map(), reverted: [] };
}

/** One result per file, sorted by path; fixed files carry their output. */
function assembleRun(
  fileResults: readonly FileResult[],
  extra: readonly FileResult[],
  fixed: ReadonlyMap<string, SourceFile>,
  io: ConfigIO,
  rest: Pick<RunResult, 'unmatched' | 'written' | 'reverted' | 'notWritten'>,
): RunResult {
  // A fixed file that has no finding left (an included file) still needs its result: it carries the output.
  const listed = new Set(fileResults.map((r) => r.path));
  const fixedOnly: FileResult[] = [...fixed.keys()].filter((p) => !listed.has(p)).map((path) => ({ path, messages: [] }));
  const results = [...fileResults, ...fixedOnly, ...extra]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((r) => {
      const out = fixed.get(r.path);
      const original = out ? io.read(r.path) : undefined;
      return out && original && !isIoError(original) ? toLintResult(r, r.messages, { output: out.text, input: original.text }) : toLintResult(r);
    });
  return {
    results,
    unmatched: rest.unmatched,
    unreadable: fileResults.filter((r) => r.unreadable).length,
    skipped: [...fileResults, ...extra].flatMap((r) => (r.skipped ? [{ path: r.path, reason: r.skipped }] : [])),
    linted: fileResults.filter((r) => !r.skipped && !r.unreadable).length,
    written: rest.written,
    reverted: rest.reverted,
    notWritten: rest.notWritten,
  };
}

/** Inline products comments follow inline configuration: off with `--no-inline-config`. */
function productSettingsOf(options: RunOptions): ProductSettings | undefined {
  if (options.directives?.disabled) return { ...options.productSettings, inline: false };
  return options.productSettings;
}

/**
 * The directories and files `--fix` may write under: each path given on the command line as
 * written and as its real path; for a glob, the directory before its first wildcard. Files found
 * in a directory walk are not roots themselves (a link in the tree may point anywhere).
 */
function writeRoots(options: RunOptions): string[] {
  const roots = new Set<string>();
  for (const arg of options.paths) {
    let abs = isAbsolute(arg) ? arg : resolve(options.cwd, arg);
    if (fg.isDynamicPattern(arg)) {
      const parts = abs.split(sep);
      const first = parts.findIndex((p) => p !== '' && fg.isDynamicPattern(p));
      abs = parts.slice(0, first).join(sep) || sep;
    }
    roots.add(abs);
    try {
      roots.add(realpathSync.native(abs));
    } catch {
      // a path that does not exist holds nothing to write
    }
  }
  return [...roots];
}

function within(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(r.endsWith(sep) ? r : `${r}${sep}`));
}

/**
 * Writes the fixed files `--fix` may write; each refusal or failure is one entry, the others are
 * still written. An `nginx -T` dump is not a configuration nginx reads: its fixes go to the
 * original files, under the same policy. `complete`: the fixed paths whose every write was done.
 */
async function writeFixes(
  fixed: ReadonlyMap<string, SourceFile>,
  options: RunOptions,
  io: ConfigIO,
): Promise<{ written: string[]; notWritten: NotWritten[]; complete: Set<string> }> {
  const written: string[] = [];
  const notWritten: NotWritten[] = [];
  const complete = new Set<string>();
  const roots = writeRoots(options);
  const identity = 'identity' in io ? (io as NodeIO).identity : undefined;
  const writeOne = async (path: string, bytes: Uint8Array, named: boolean): Promise<boolean> => {
    let real = path;
    try {
      real = realpathSync.native(path);
    } catch {
      // reported by the write below
    }
    if (!named && !options.fixOutside && !within(real, roots)) {
      const where = real === path ? path : `${path} (${real})`;
      notWritten.push({ path, policy: true, reason: `${where} is outside the paths given on the command line; its fixes were not written (--fix-outside writes them)` });
      return false;
    }
    try {
      await options.beforeWrite?.(path);
      const expected = identity?.(path);
      writeFileAtomic(path, bytes, {
        ...(expected ? { expected } : {}),
        ...(options.beforeRename ? { beforeRename: () => options.beforeRename!(path) } : {}),
      });
      written.push(path);
      return true;
    } catch (e) {
      if (!(e instanceof WriteRefused)) throw e;
      notWritten.push({ path, policy: false, reason: e.message });
      return false;
    }
  };
  for (const [path, file] of fixed) {
    const before = io.read(path);
    const dump = isIoError(before) ? undefined : dumpWrites(before, file, io);
    if (dump) {
      let all = dump.refused.length === 0;
      // The dump names its original files, and each is written only if it is byte for byte the
      // dump's copy: a dump can make the run write nothing it could not fix by linting that file.
      for (const w of dump.writes) if (!(await writeOne(w.path, encode(w.text, w.original.encoding, w.original.bom), true))) all = false;
      for (const r of dump.refused) notWritten.push({ path: r.path, policy: true, reason: `fixes for ${r.path} (from the nginx -T dump) were not written: ${r.reason}` });
      if (all) complete.add(path);
      continue;
    }
    if (await writeOne(path, encode(file.text, file.encoding, file.bom), false)) complete.add(path);
  }
  return { written, notWritten, complete };
}

function discover(options: RunOptions): Discovery {
  return options.stdin
    ? { files: [options.stdin.filename], explicit: new Set([options.stdin.filename]), unmatched: [], walked: [], iisOnly: new Set(), links: new Set() }
    : discoverFiles(options.paths, options.cwd, { include: options.include ?? [] });
}

function candidatesOf(discovery: Discovery, options: RunOptions): Candidate[] {
  return discovery.files.map((path) => {
    const dialect = options.type ?? options.dialectOf?.(path);
    return {
      path,
      explicit: discovery.explicit.has(path),
      ...(dialect ? { dialect } : {}),
      ...(discovery.iisOnly.has(path) ? { iisOnly: true } : {}),
      ...(discovery.links.has(path) ? { link: true } : {}),
    };
  });
}

/** One file a run would see: the dialect it is linted as, or why it is skipped. */
export interface FileListing {
  readonly path: string;
  readonly dialect?: Dialect;
  readonly skipped?: string;
}

/**
 * What a run would lint, and with which dialect, without linting (`--list-files`), or why
 * nothing was linted. With `explainWalks`, also every other file under a walked directory and
 * why the walk did not pick it up.
 */
export function listFiles(options: RunOptions, explainWalks = false): { files: FileListing[]; unmatched: readonly string[] } {
  const io = options.io ?? createNodeIO(options.cwd, options.maxFileMb);
  const discovery = discover(options);
  const ignored = ignoreTest(options);
  const files: FileListing[] = [];
  for (const c of candidatesOf(discovery, options)) {
    if (ignored(c.path)) {
      files.push({ path: c.path, skipped: 'ignored by an ignore pattern or .lint-proxy-configignore' });
      continue;
    }
    const d = detectTarget(c, options.stdin ? withStdin(io, options.stdin) : io);
    if (d.kind === 'target') files.push(d.readable ? { path: c.path, dialect: d.target.dialect } : { path: c.path, skipped: 'cannot be read' });
    else if (d.kind === 'undetected') files.push({ path: c.path, skipped: d.result.skipped ?? 'not linted' });
    else files.push({ path: c.path, skipped: d.reason });
  }
  if (explainWalks) {
    const picked = new Set(discovery.files);
    for (const dir of discovery.walked) for (const s of explainWalk(dir, picked, options.include ?? [])) files.push({ path: s.path, skipped: s.reason });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, unmatched: discovery.unmatched };
}

function ignoreTest(options: RunOptions): (path: string) => boolean {
  const globs = options.ignorePatterns ?? [];
  const byGlob = compileGlobList(globs);
  return (path) => byGlob(path) || (options.ignoreFile?.ignores(path) ?? false);
}

/** The file system plus one in-memory file (`--stdin --stdin-filename <name>`). */
function withStdin(io: ConfigIO, stdin: { text: string; filename: string }): ConfigIO {
  let file: SourceFile | undefined;
  return {
    ...io,
    read: (path) => {
      if (path !== stdin.filename) return io.read(path);
      file ??= createSourceFile(path, stdin.text);
      return file;
    },
    stat: (path) => (path === stdin.filename ? 'file' : io.stat(path)),
  };
}
