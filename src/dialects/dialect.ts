/**
 * What every dialect (src/dialects/apache|nginx|iis|haproxy|caddy) provides to the engine: a model
 * builder and the fix builders that turn a model-level fix into text edits in that dialect's syntax.
 *
 * The one way back from the model to the syntax: a dialect's lowering returns the model together
 * with its own syntax handle ({@link Lowering}), and {@link defineDialect} binds that handle into
 * the model's fixers ({@link BuiltModel}). The engine keeps the fixers beside the model and hands
 * them to the rules; only the dialect's fixers ever see the handle.
 */
import type { BackendKind } from '../model/backends.js';
import type { CookieOp, Dialect, HeaderRewriteModel } from '../model/header-rewrite.js';
import type { Span, ConfigIO, TextEdit } from '../source.js';
import type { PathMapping } from './path-map.js';

export interface DialectOptions {
  /** Apache `ServerRoot` override (`--server-root`). */
  readonly serverRoot?: string;
  /** nginx conf prefix override (`--prefix`). */
  readonly prefix?: string;
  /** nginx: where a fragment lives when linted on its own (`--context`). */
  readonly context?: 'main' | 'http' | 'server' | 'location';
  /** nginx version to check against, `major.minor.patch` (`--nginx-version`). */
  readonly nginxVersion: string;
  /** nginx: directive names (or dynamic modules of known-directives.ts, by name) that third-party modules add (`nginxDirectives`). */
  readonly nginxDirectives?: readonly string[];
  /** Caddy version to check against, `major.minor.patch` (default: the current release). */
  readonly caddyVersion?: string;
  /** Where absolute include paths are read from (`--root`, `pathMap`): see path-map.ts. */
  readonly pathMap?: readonly PathMapping[];
  /** The directory the linter runs in: a root file below it is a copy that absolute includes may leave. */
  readonly cwd?: string;
  /** Apache `-D` defines and environment variables visible to `${VAR}`. */
  readonly defines?: Readonly<Record<string, string>>;
  /** Apache: the modules the server loads, for a tree without `LoadModule` (`apacheModules`; default: Debian's). */
  readonly apacheModules?: readonly string[];
}

/** The stable branch current at this release (1.30.1, May 2026). */
export const DEFAULT_NGINX_VERSION = '1.30.1';

export interface FixCandidate {
  readonly edits: readonly TextEdit[];
  /** One sentence: what the edits do. */
  readonly description: string;
  /**
   * Set when the fix deliberately changes what other cookies receive (replacing nginx's path
   * hack also stops it corrupting sub-path cookies): says how. The proof then only requires
   * that other cookies keep their name, value and every security flag, instead of staying
   * byte-identical.
   */
  readonly changesOtherCookies?: string;
}

export interface FixRefusal {
  /** Why no safe edit exists, for the message. */
  readonly reason: string;
  /** A directive the user can adapt by hand. */
  readonly suggestion?: string;
}

export interface ExcludeCookiesRequest {
  readonly op: CookieOp;
  /** The exact directive that adds HttpOnly (for array ops: the entry that matched). */
  readonly cause: Span;
  /** XSRF cookie names to exclude, as browsers spell them. */
  readonly names: readonly string[];
  readonly options: DialectOptions;
}

/** The fix builders of one model, bound to the syntax it was lowered from: what rules call. */
export interface DialectFixers {
  /**
   * Edits that stop `cause` from adding HttpOnly to `names` while keeping every other effect
   * (other flags for those cookies, everything for other cookies). Several candidates may be
   * returned, best first; the rule proves each by re-simulation and offers the first that holds.
   */
  excludeCookies(request: ExcludeCookiesRequest): FixCandidate[] | FixRefusal;
}

/** A model with its fixers, which the engine keeps together while it lints the model. */
export interface BuiltModel {
  readonly model: HeaderRewriteModel;
  readonly fixers: DialectFixers;
  /** The model's independent units (see {@link DialectDefinition.units}), for dialects that have them. */
  readonly units?: () => readonly Span[];
  /**
   * Lets go of the syntax the fixers edit, once every candidate edit is made: on a large file the
   * syntax tree is as large as the model, and fix proofs build more models while it would stay
   * alive. Units read before stay known; the fixers, and units not read before, may not be asked after.
   */
  readonly release?: () => void;
}

/**
 * What a dialect's lowering returns: the model, and the syntax its fixers edit. `S` is the
 * dialect's own type; outside the dialect's folder nothing names it.
 */
export interface Lowering<S> {
  readonly model: HeaderRewriteModel;
  readonly syntax: S;
}

/** A dialect's fix builders, given the model and its syntax handle. */
export interface SyntaxFixers<S> {
  excludeCookies(lowered: Lowering<S>, request: ExcludeCookiesRequest): FixCandidate[] | FixRefusal;
}

export interface DialectModule {
  readonly id: Dialect;
  /** Producer kinds a scope may reach when the configuration does not declare any. */
  readonly defaultBackends: readonly BackendKind[];
  /**
   * Parses `rootPath` and everything it includes, and lowers it to the common model, with the
   * fixers bound to the syntax it was lowered from. Never throws on bad input.
   */
  build(rootPath: string, io: ConfigIO, options: DialectOptions): BuiltModel;
  /** {@link build} for callers that only read the model (hover, simulate, tests). */
  buildModel(rootPath: string, io: ConfigIO, options: DialectOptions): HeaderRewriteModel;
}

export interface DialectDefinition<S> {
  readonly id: Dialect;
  readonly defaultBackends: readonly BackendKind[];
  lower(rootPath: string, io: ConfigIO, options: DialectOptions): Lowering<S>;
  readonly fixers: SyntaxFixers<S>;
  /**
   * Blocks of the root file that the rest of the configuration does not read (an nginx `server`,
   * an Apache `<VirtualHost>`), each from its opening to its closing: the engine proves a fix
   * inside some of them on the configuration with the others blanked out (src/engine/proof.ts),
   * after checking that the blanked configuration gives the kept blocks the same endpoints.
   */
  units?(lowered: Lowering<S>): readonly Span[];
  /**
   * Cuts what the model still holds of the syntax, when the engine lets go of it
   * ({@link BuiltModel.release}): the model must answer the same afterwards.
   */
  release?(lowered: Lowering<S>): void;
}

/** The engine's view of a dialect: each built model's syntax handle is closed over by its fixers. */
export function defineDialect<S>(definition: DialectDefinition<S>): DialectModule {
  const { id, defaultBackends, lower, fixers, units, release } = definition;
  return {
    id,
    defaultBackends,
    build(rootPath, io, options) {
      // Only `held` is closed over, so that release() lets go of the syntax.
      let held: Lowering<S> | undefined = lower(rootPath, io, options);
      const model = held.model;
      const syntax = (): Lowering<S> => {
        if (!held) throw new Error(`the syntax of ${rootPath} was released: its fixers can no longer be called`);
        return held;
      };
      let unitSpans: readonly Span[] | undefined;
      return {
        model,
        fixers: { excludeCookies: (request) => fixers.excludeCookies(syntax(), request) },
        ...(units ? { units: () => (unitSpans ??= units(syntax())) } : {}),
        release: () => {
          if (held && release) release(held);
          held = undefined;
        },
      };
    },
    buildModel: (rootPath, io, options) => lower(rootPath, io, options).model,
  };
}

export function isFixRefusal(x: readonly FixCandidate[] | FixRefusal): x is FixRefusal {
  return !Array.isArray(x);
}
