/**
 * Which discovered files are lint targets, and in which dialect: the step between finding files
 * and linting them. Run on the main thread, or by each thread of a parallel run on its own files.
 */
import { isIoError, type ConfigIO } from '../source.js';
import { detectDialectOrAmbiguity, type Ambiguous } from '../dialects/detect.js';
import { gitTree, isInside } from '../dialects/path-map.js';
import type { LintMessage } from '../engine/lint.js';
import type { FileResult, LintTarget } from '../engine/project.js';
import type { Dialect } from '../model/header-rewrite.js';

/** A discovered file before detection. */
export interface Candidate {
  readonly path: string;
  /** Named on the command line (not found by a directory walk). */
  readonly explicit: boolean;
  /** `--type`, or the dialect the configuration's `overrides` assign: no detection. */
  readonly dialect?: Dialect;
  /** Found by a walk only as `*.config`: a target only when its content is IIS XML. */
  readonly iisOnly?: boolean;
  /** Found by a walk or a glob as a symbolic link. */
  readonly link?: boolean;
}

export type Detected =
  | { readonly kind: 'target'; readonly target: LintTarget; readonly readable: boolean }
  | { readonly kind: 'undetected'; readonly result: FileResult }
  | { readonly kind: 'none'; readonly reason: string };

/**
 * A file named on the command line that is not linted: a skip the user did not choose, so it is
 * reported and the exit code is 2 (never a silent pass).
 */
function skippedNamed(path: string, message: string, reason: string): FileResult {
  return { path, messages: [{ ruleId: null, severity: 1, message, span: { file: path, start: 0, end: 0 }, notLinted: true }], skipped: reason };
}

const undetected = (path: string): FileResult =>
  skippedNamed(
    path,
    'File skipped: could not tell whether this is an Apache, nginx, IIS, HAProxy or Caddy configuration; pass --type apache|nginx|iis|haproxy|caddy to lint it.',
    'dialect not recognised (pass --type)',
  );

/** An empty file (or only white space): `nginx -T > dump.conf` after a failing `nginx -T` gives one. */
const empty = (path: string): FileResult => skippedNamed(path, 'File skipped: it is empty, there is nothing to lint.', 'an empty file');

/** Content that points to both servers: reported even when found by a directory walk (never a silent pass). */
function ambiguous(path: string, a: Ambiguous): FileResult {
  const message: LintMessage = {
    ruleId: null,
    severity: 2,
    message: `This file looks like both Apache (score ${a.apache}) and nginx (score ${a.nginx}); pass --type apache|nginx or set "overrides" to lint it.`,
    span: { file: path, start: 0, end: 0 },
    notLinted: true,
  };
  return { path, messages: [message], skipped: 'looks like both Apache and nginx (pass --type)' };
}

/**
 * A link a walk found that leads out of the git work tree it is in: `sites-enabled/app.conf ->
 * /etc/nginx/sites-available/app.conf` in a repository copy reads this machine's file, not the
 * repository's. A skip the user did not choose: naming the link on the command line lints it.
 * Outside git (a live `/etc/nginx`, whose `modules-enabled/` links into `/usr/share`) links are
 * the server's own layout and are followed.
 */
function leavesTree(path: string, io: ConfigIO): FileResult | undefined {
  const real = io.realpath(path);
  if (real === path) return undefined; // dangling: the reader reports it
  const tree = gitTree(path, io);
  if (tree === undefined || !isInside(path, tree) || isInside(real, tree)) return undefined;
  return skippedNamed(
    path,
    `File skipped: a symbolic link to ${real}, out of the linted tree ${tree}: that is this machine's file, not the repository's (name the link on the command line to lint it).`,
    'a symbolic link out of the linted tree',
  );
}

export function detectTarget(c: Candidate, io: ConfigIO): Detected {
  // A walk returns symbolic links unresolved: one to a directory is not a file to lint.
  // (A walk marks directories itself: only a link can be one. A stat of every file was a tenth of a run on 10,000 files.)
  if (c.link && io.stat(c.path) === 'dir') return { kind: 'none', reason: 'a symbolic link to a directory' };
  const away = c.link ? leavesTree(c.path, io) : undefined;
  if (away) return { kind: 'undetected', result: away };
  const source = io.read(c.path);
  // Unreadable targets still get a result (and exit code 2) through the project lint.
  if (isIoError(source)) return { kind: 'target', target: { path: c.path, dialect: c.dialect ?? 'apache' }, readable: false };
  // A file a walk found empty is not a target (the walk picks files by name); one named on the command line is a skip.
  if (source.text.trim() === '') return c.explicit ? { kind: 'undetected', result: empty(c.path) } : { kind: 'none', reason: 'an empty file' };
  const detected = c.dialect ?? detectDialectOrAmbiguity(c.path, source.text);
  if (c.iisOnly && !c.dialect && detected !== 'iis') return { kind: 'none', reason: 'a *.config file that is not an IIS configuration' };
  if (detected !== null && typeof detected === 'object') return { kind: 'undetected', result: ambiguous(c.path, detected) };
  const dialect = detected;
  if (dialect) return { kind: 'target', target: { path: c.path, dialect }, readable: true };
  return c.explicit ? { kind: 'undetected', result: undetected(c.path) } : { kind: 'none', reason: 'no Apache, nginx, IIS, HAProxy or Caddy configuration by its content (pass --type to lint it)' };
}
