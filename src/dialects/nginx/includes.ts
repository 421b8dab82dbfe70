/**
 * Reading a configuration and every file it includes into one tree. `include` paths are relative
 * to the conf prefix (the directory of the main file, as `ngx_process_options` derives
 * `conf_prefix` from `-c`; `--prefix` overrides it) — `ngx_conf_include` calls
 * `ngx_conf_full_name(cycle, &file, 1)`. A mask that matches nothing is fine; a plain path that
 * cannot be opened stops nginx (`open() "..." failed`). nginx itself has no cycle check (it
 * recurses until it runs out of descriptors); the linter reports the cycle.
 *
 * An `nginx -T` dump is read as the files it contains: includes resolve to its sections.
 */
import { posix } from 'node:path';
import type { CommentToken, Problem } from '../../model/header-rewrite.js';
import { type SourceFile, isIoError, type ConfigIO } from '../../source.js';
import { lintedTree, placeAbsolute, type PathMapping } from '../path-map.js';
import { splitDump, type DumpSection } from './dump.js';
import { expandGlob, isGlob, matchPath } from './glob.js';
import { inPseudoFileSystem, pseudoFileSystemMessage } from '../include-bounds.js';
import { parseRegion, walkDirectives } from './parser.js';
import type { Directive } from './syntax.js';

export interface SourceTree {
  /** The file the model is built from (a dump, when linting `nginx -T` output). */
  readonly rootPath: string;
  /** The main configuration file nginx reads (the dump's first section for a dump). */
  readonly confPath: string;
  /** The directory relative includes resolve against. */
  readonly prefix: string;
  readonly directives: readonly Directive[];
  /** Every file read, by the path spans use. */
  readonly files: Map<string, SourceFile>;
  readonly comments: CommentToken[];
  readonly problems: Problem[];
  /** `include` directives whose files could not be read. */
  readonly unresolved: Set<Directive>;
  readonly dump: boolean;
}

/** Includes nested deeper than this are reported instead of followed. */
const MAX_INCLUDE_DEPTH = 64;

/**
 * The conf prefix for a file linted on its own: its directory, unless it sits below a directory
 * holding nginx.conf (sites-enabled/x, conf.d/y.conf), whose includes nginx resolves from there.
 */
function guessPrefix(rootPath: string, io: ConfigIO): string {
  const own = posix.dirname(rootPath);
  for (let dir = own; ; dir = posix.dirname(dir)) {
    if (io.stat(posix.join(dir, 'nginx.conf')) === 'file') return dir;
    if (dir === posix.dirname(dir)) return own;
  }
}

export function fullName(prefix: string, name: string): string {
  return name.startsWith('/') ? posix.normalize(name) : posix.join(prefix, name);
}

export function buildSourceTree(rootPath: string, io: ConfigIO, prefixOption?: string, placement: { pathMap?: readonly PathMapping[]; cwd?: string } = {}): SourceTree {
  const files = new Map<string, SourceFile>();
  const comments: CommentToken[] = [];
  const problems: Problem[] = [];
  const unresolved = new Set<Directive>();
  const root = io.read(rootPath);
  if (isIoError(root)) {
    problems.push({ span: { file: rootPath, start: 0, end: 0 }, message: `open() "${rootPath}" failed (${root.error})`, kind: 'include-unresolved' });
    return { rootPath, confPath: rootPath, prefix: prefixOption ?? posix.dirname(rootPath), directives: [], files, comments, problems, unresolved, dump: false };
  }
  files.set(rootPath, root);
  const sections = splitDump(root.text);
  const sectionByPath = new Map<string, DumpSection>((sections ?? []).map((s) => [s.path, s]));
  const confPath = sections ? sections[0]!.path : rootPath;
  const prefix = prefixOption ? posix.resolve(io.cwd, prefixOption) : sections ? posix.dirname(confPath) : guessPrefix(rootPath, io);
  // Looked up on the first absolute include only: most files have none.
  let tree: { dir: string | undefined } | undefined;
  const treeDir = () => (tree ??= { dir: lintedTree(rootPath, io, placement.cwd) }).dir;

  const parseText = (source: SourceFile, start: number, end: number, stack: readonly string[]): Directive[] => {
    const region = parseRegion(source.text, source.path, start, end, source.encoding);
    for (const c of region.comments) comments.push(c); // not push(...): 190,000 comments overflow the stack
    const first = region.errors[0];
    if (first) problems.push({ span: first.span, message: first.message, kind: 'syntax' });
    resolveIncludes(region.directives, stack);
    return region.directives;
  };

  const resolveIncludes = (directives: readonly Directive[], stack: readonly string[]): void => {
    for (const d of walkDirectives(directives)) {
      if (d.name.value !== 'include' || d.terminator !== 'semicolon' || d.args.length !== 1) continue;
      const arg = d.args[0]!;
      let target = fullName(prefix, arg.value);
      if (!sections && arg.value.startsWith('/')) {
        const placed = placeAbsolute(target, rootPath, prefix, io, placement.pathMap ?? [], treeDir());
        if (placed.kind === 'mapped' || placed.kind === 'same-layout') target = placed.path;
        if (placed.kind === 'same-layout') {
          problems.push({
            span: arg.span,
            message: `include "${arg.value}" leaves the linted tree; read the same-layout copy ${placed.path} (say so: ${placed.from === '/' ? `--root ${placed.to}` : `"pathMap": {"${placed.from}": "${placed.to}"}`}).`,
            kind: 'include-outside-tree',
          });
        } else if (placed.kind === 'outside') {
          problems.push({
            span: arg.span,
            message: `include "${arg.value}" leaves the linted tree ${placed.tree} and reads this machine's files, not the repository's (map it with --root or "pathMap").`,
            kind: 'include-outside-tree',
          });
        }
      }
      let paths: string[] = [target];
      d.included = [];
      if (isGlob(target) && sections) paths = [...sectionByPath.keys()].filter((p) => matchPath(target, p));
      else if (isGlob(target)) {
        const expanded = expandGlob(target, io);
        paths = expanded.files;
        if (expanded.error) {
          problems.push({ span: arg.span, message: `include "${target}": ${expanded.error}`, kind: 'include-unresolved' });
          unresolved.add(d);
        }
      }
      for (const path of paths) {
        const fail = (message: string) => {
          problems.push({ span: arg.span, message, kind: 'include-unresolved' });
          unresolved.add(d);
        };
        if (stack.length >= MAX_INCLUDE_DEPTH) {
          fail(`includes nested more than ${MAX_INCLUDE_DEPTH} levels deep at "${path}"`);
          continue;
        }
        if (sections) {
          const section = sectionByPath.get(path);
          if (!section) {
            fail(`open() "${path}" failed (the file is not in this nginx -T dump)`);
            continue;
          }
          if (stack.includes(path)) {
            fail(`include cycle: "${path}" includes itself (nginx recurses until it runs out of file descriptors)`);
            continue;
          }
          d.included.push({ path, textFile: rootPath, directives: parseText(root, section.start, section.end, [...stack, path]) });
          continue;
        }
        const real = io.realpath(path);
        if (inPseudoFileSystem(path) || inPseudoFileSystem(real)) {
          fail(pseudoFileSystemMessage(path));
          continue;
        }
        if (stack.includes(real)) {
          fail(`include cycle: "${path}" includes itself (nginx recurses until it runs out of file descriptors)`);
          continue;
        }
        const kind = io.stat(path);
        if (kind === 'dir') {
          fail(`pread() "${path}" failed (21: Is a directory)`);
          continue;
        }
        const source = io.read(path);
        if (isIoError(source)) {
          fail(`open() "${path}" failed (${source.error})`);
          continue;
        }
        files.set(path, source);
        d.included.push({ path, textFile: path, directives: parseText(source, 0, source.text.length, [...stack, real]) });
      }
    }
  };

  const first = sections?.[0];
  const directives = first
    ? parseText(root, first.start, first.end, [first.path])
    : parseText(root, 0, root.text.length, [io.realpath(rootPath)]);
  return { rootPath, confPath, prefix, directives, files, comments, problems, unresolved, dump: sections !== null };
}
