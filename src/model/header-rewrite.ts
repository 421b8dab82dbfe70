/**
 * The common header-rewrite model. Every dialect (Apache, nginx, IIS) lowers its own syntax into
 * this shape; rules only ever look at this shape, never at a dialect's syntax tree.
 *
 *   HeaderRewriteModel
 *     ├─ endpoints: the places a response comes from (a vhost, a <Location>, an nginx location,
 *     │             an IIS site path), each with the backends it reaches and the ORDERED
 *     │             pipeline of cookie operations its responses pass through, in execution order
 *     ├─ ops:       every cookie operation found, once, in source order
 *     ├─ problems:  what the parser or the server itself would refuse
 *     ├─ comments:  for inline lint-proxy-config directives
 *     └─ facts:     observations rules need that are not simulable operations
 */
import type { Span, SourceFile } from '../source.js';
import type { BackendKind, BackendRef } from './backends.js';
import type { Fact } from './facts.js';

export type Dialect = 'apache' | 'nginx' | 'iis' | 'haproxy' | 'caddy';

export const DIALECTS: readonly Dialect[] = ['apache', 'nginx', 'iis', 'haproxy', 'caddy'];

/** One Set-Cookie header line while a response passes through the pipeline. */
export interface SetCookieLine {
  /** The header value (everything after `Set-Cookie:`). */
  value: string;
  /**
   * Apache only: the mod_headers table holding the line. `Header [onsuccess]` directives see
   * `onsuccess` (headers_out), `Header always` see `always` (err_headers_out). §1.5.
   */
  table?: 'onsuccess' | 'always';
  /** Who produced the line: the backend, or the proxy itself (a directive added it). */
  readonly producer: BackendKind | 'proxy';
  /** The backend value this line started as; undefined for lines a directive added. */
  readonly origin?: string;
  /** Every change made to this line, in order (the provenance rules blame). */
  readonly history: LineChange[];
}

export interface LineChange {
  readonly op: CookieOp;
  /** The exact directive that changed the line (an entry of an nginx array, an IIS rule...). */
  readonly cause: Span;
  readonly before: string;
  readonly after: string;
}

/** When an operation runs. `null` on an op means: unconditionally. */
export interface Condition {
  /** As written: `env=!no_httponly`, `expr=%{REQUEST_URI} =~ m#^/jira#`, `preCondition="No HttpOnly"`. */
  readonly text: string;
  readonly span?: Span;
  /**
   * Known truth value, or `unknown`: the simulation then explores both outcomes, the requests
   * where it holds and those where it does not (src/model/simulate.ts).
   */
  readonly value: boolean | 'unknown';
  /**
   * For an `unknown` condition: the undecided request tests that must all come out as stated for
   * the op to run (a conjunction). Tests with the same {@link ConditionLiteral.key} are the same
   * fact of one request, so `<If c>` and its `<Else>` never both run. Absent: one test, keyed by
   * {@link text}.
   */
  readonly literals?: readonly ConditionLiteral[];
}

/**
 * The key prefix of a literal that chooses the value a variable takes for a request (nginx `map`,
 * `set`): it selects what a directive writes, not whether the directive runs.
 */
export const VALUE_CHOICE_KEY = 'nginx-var:';

/** One undecided test of a request, and the outcome an op needs from it. */
export interface ConditionLiteral {
  /**
   * The request fact tested, e.g. `expr:%{REQUEST_URI} =~ m#^/a#`, `env:no_httponly`, or for an
   * `<If>`/`<ElseIf>`/`<Else>` chain `chain:<its expressions>` (one fact: which branch runs).
   */
  readonly key: string;
  /** For a boolean fact: the value the op needs. For a chain: true (the op needs {@link branch} to run). */
  readonly holds: boolean;
  /** The test as written, for messages: `<If "%{REQUEST_URI} =~ m#^/a#">`, `env=no_httponly`. */
  readonly text: string;
  /**
   * For a chain: the branch the op sits in (`index`, the `<Else>` or "none" being `count - 1`),
   * and the branches whose expression is literally false (`impossible`, bit i = branch i): a
   * request takes exactly one possible branch.
   */
  readonly branch?: {
    readonly index: number;
    readonly count: number;
    readonly impossible: bigint;
    /** The key of the chain's first expression (tested on its own), for messages. */
    readonly first: string;
  };
  /**
   * Messages: how to say that the test came out as the op needs (`holds`) or not (`fails`).
   * Default: "<text> holds" / "<text> does not hold".
   */
  readonly phrase?: { readonly holds: string; readonly fails: string };
  /**
   * When the test reads the request path (`%{REQUEST_URI} =~ m#\.js$#`, `!~ ...`): the PCRE
   * patterns that must all come out as stated for the test to hold, so messages can name a
   * request path on which it holds or fails.
   */
  readonly uriTests?: readonly { readonly source: string; readonly negated: boolean }[];
}

/** What a simulated response looks like, beyond its cookies. */
export interface SimEnv {
  readonly backend: BackendKind;
  /** Response status (nginx `add_header` without `always` runs only for some statuses). */
  readonly status: number;
  /**
   * The Set-Cookie values the backend sent, before any operation: what nginx's
   * `$upstream_http_set_cookie` and `$upstream_cookie_NAME` read. Set by `simulate`.
   */
  readonly upstream?: readonly string[];
  /**
   * The request the response answers, when the caller knows it (a test that sent it): ops that
   * read the request's values read this one instead of the probe request they were built for.
   */
  readonly request?: SimRequest;
}

/** A request as sent: its method, target (path and query) and header fields (Host among them). */
export interface SimRequest {
  readonly method?: string;
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Returned by {@link CookieOp.apply} when something beyond line changes happened. */
export interface OpOutcome {
  /** The server would not deliver the response at all (Apache `edit*` empty-match recursion segfaults the worker). */
  readonly crash?: string;
}

/**
 * The kind of every cookie operation a dialect creates. Each has its op interface in
 * src/model/ops (`KnownOp` in src/model/ops/index.ts); rules tell ops apart with `opOfKind`.
 */
export type OpKind =
  | 'apache-header'
  | 'apache-cookie-reverse'
  | 'apache-error-override'
  | 'apache-header-check'
  | 'apache-rewrite-cookie'
  | 'nginx-proxy-cookie'
  | 'nginx-hide-header'
  | 'nginx-add-header'
  | 'nginx-more-headers'
  | 'nginx-set-cookie-flag'
  | 'iis-outbound-rule'
  | 'haproxy-http-response'
  | 'haproxy-allow'
  | 'haproxy-final'
  | 'haproxy-cookie-insert'
  | 'haproxy-server-cookie'
  | 'haproxy-set-var'
  | 'caddy-headers'
  | 'caddy-answer'
  | 'request-facts';

/**
 * One cookie operation: a directive (or, for nginx arrays evaluated first-match, the effective
 * array of one directive name at one level) with the server's semantics in {@link apply}.
 */
export interface CookieOp {
  /** Stable kind id, e.g. `apache-header`, `nginx-proxy-cookie`, `iis-outbound-rule`. */
  readonly kind: OpKind;
  readonly dialect: Dialect;
  /** The whole directive or element. */
  readonly span: Span;
  /** One line, as written, for messages: `Header edit Set-Cookie ^(.*)$ $1;HttpOnly`. */
  readonly label: string;
  /**
   * Where a finding about this op points when no narrower cause is known: the pattern argument
   * of `Header edit`, the `value` attribute of an IIS rule. Defaults to {@link span}.
   */
  readonly focus?: Span;
  readonly condition: Condition | null;
  /** Producers whose cookies this op can see and change. */
  readonly reaches: readonly BackendKind[];
  /** The individual directives an array op is made of (empty for a single directive). */
  readonly parts: readonly OpPart[];
  /**
   * Definitions written elsewhere that the op reads by name (HAProxy named ACLs, an IIS
   * `<preCondition>`): the cookies their text names count as named by the op, as when the test
   * is written inline. No effect on what the op does (the condition itself carries that).
   */
  readonly related?: readonly Span[];
  /**
   * Cookie attributes that make this op act, for ops that only touch cookies carrying a given
   * value (`Domain=backend.internal`, `Path=/two/`): the text after `name=value; `. Verdicts and
   * fix proofs add samples with these attributes to the catalog's ordinary shapes.
   */
  readonly probeAttributes?: readonly string[];
  /**
   * The op changes each Set-Cookie line on its own: what it does to a response is what it does to
   * each line alone, in place, with no line added, removed or moved, and nothing of the response
   * read or recorded besides the line (mod_headers' `Header edit Set-Cookie`). Fix proofs then
   * simulate many probe cookies in one response (src/engine/proof.ts). Absent: not known to.
   */
  readonly linewise?: true;
  /**
   * Semantic identity: the op's own behaviour-relevant fields (pattern source and options,
   * replacement, table, flags, matcher syntax...) as `semanticKey([...])` of plain data
   * (src/model/signature.ts). Ops with equal signatures behave identically on every input, so
   * simulation results are shared between them. Required: an op that forgot a field would share
   * a verdict with one that behaves differently. The fields every op has (kind, dialect,
   * reaches, condition, parts, probeAttributes) are added by `opSignature`.
   */
  readonly signature: string;
  /**
   * Applies the server's semantics to `lines` in place: edits values (recording a
   * {@link LineChange} in each changed line's history), removes lines or adds new ones.
   * May throw `RegexBudgetError` when a pattern is too complex to evaluate.
   */
  apply(lines: SetCookieLine[], env: SimEnv): OpOutcome | void;
}

export interface OpPart {
  readonly span: Span;
  readonly label: string;
  /** Where findings about this part point; defaults to {@link span}. */
  readonly focus?: Span;
}

/**
 * A place responses come from, with everything that happens to their cookies on the way out.
 */
export interface Endpoint {
  /** Human-readable scope path: `<VirtualHost *:443> › <Location /jira>`, `server example.com › location /`. */
  readonly label: string;
  /** Where the scope opens. */
  readonly span: Span;
  /**
   * The blocks the scope sits in, outermost first, each from its opening to its closing tag
   * (`<VirtualHost>` … `</VirtualHost>`, `server { … }`, `<location>` … `</location>`): a
   * `lint-proxy-config-products` comment inside one of them belongs to the scope.
   */
  readonly blocks?: readonly Span[];
  /** Backends declared for this scope. Empty when the config does not say (a fragment). */
  readonly backends: readonly BackendRef[];
  /** The producer kinds to simulate: the declared ones, or every kind the dialect knows when unknown. */
  readonly possibleBackends: readonly BackendKind[];
  /**
   * Why no backend answers this scope although one is declared (nginx: a `return` or `rewrite`
   * takes every request first), for `simulate` to say; absent: the dialect's usual reason.
   */
  readonly noBackend?: string;
  /** Operations in execution order. */
  readonly pipeline: readonly CookieOp[];
  /** A request path that reaches this endpoint, when one is known (used by `simulate` and tests). */
  readonly requestPath?: string;
  /**
   * Whether a request for `path` is served here, where the dialect can tell beyond a prefix of
   * {@link requestPath}: nginx's location search, an Apache `<LocationMatch>` or `ProxyPassMatch`
   * regex (`simulate --location /index.php`).
   */
  readonly selects?: (path: string) => boolean;
  /**
   * Names the scope answers to, where the configuration writes them: its host names (`ServerName`,
   * `ServerAlias`, `server_name`) and the paths of the sections it sits in (`<Location /jira>`,
   * `location /confluence/`, `<location path="nexus">`), the host names a rule routes on (an
   * HAProxy `hdr(host)` ACL, a Caddy site address) and the sections that name the application
   * (an HAProxy `backend jira`). Evidence of the products behind it.
   */
  readonly names?: readonly ScopeName[];
}

/** A host name, path or section name a scope answers to (see {@link Endpoint.names}). */
export interface ScopeName {
  /** `section`: the name of a section the request passes through (`backend jira`), with its keyword. */
  readonly kind: 'host' | 'path' | 'section';
  readonly value: string;
  readonly span: Span;
}

/**
 * The kinds of problem a dialect finds while parsing and lowering:
 * - `syntax`: the server cannot read the file (an unclosed block, a bad token);
 * - `refused`: it reads it but refuses to start on a directive (a regex that does not compile,
 *   a wrong number of arguments, an unknown flag);
 * - `include-unresolved` / `include-outside-tree`: an include that cannot be followed, or leads
 *   outside the linted tree;
 * - `regex-unsupported`: a pattern in syntax its regex flavor lacks (IIS's ECMAScript);
 * - `outbound-wildcard-header`: an IIS outbound rule on a response header with
 *   `patternSyntax="Wildcard"`, which URL Rewrite refuses.
 */
export const PROBLEM_KINDS = ['syntax', 'refused', 'include-unresolved', 'include-outside-tree', 'regex-unsupported', 'outbound-wildcard-header'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** Something the parser or the server refuses, reported at its place. */
export interface Problem {
  readonly span: Span;
  readonly message: string;
  /**
   * What kind of problem it is. `syntax` errors are reported ESLint-style (`fatal: true`,
   * `ruleId: null`); every other kind is claimed by one rule (`RuleMeta.claims`), which gives it
   * its id, severity and docs. Dialects name kinds, never rules.
   */
  readonly kind: ProblemKind;
  readonly severity?: 'error' | 'warning';
}

/** A comment, for inline `lint-proxy-config-disable...` directives. */
export interface CommentToken {
  readonly span: Span;
  /** Comment body without the comment markers (`#`, `<!--`, `-->`). */
  readonly text: string;
}

export interface HeaderRewriteModel {
  readonly dialect: Dialect;
  /** The file the model was built from. */
  readonly root: string;
  /** Every file read while building it (root first, then includes), by absolute path. */
  readonly files: ReadonlyMap<string, SourceFile>;
  /**
   * Files this model lints in context — its root and the files it includes — which the engine
   * therefore does not lint again as roots of their own. Defaults to every file in `files`;
   * IIS lists the root and its configSource files, not the parent web.config files it reads for
   * inheritance, which are roots of their own.
   */
  readonly covers?: readonly string[];
  readonly endpoints: readonly Endpoint[];
  readonly ops: readonly CookieOp[];
  readonly problems: readonly Problem[];
  readonly comments: readonly CommentToken[];
  readonly facts: readonly Fact[];
  /**
   * Text the configuration reads more than once from one place (Apache `Use` of a `<Macro>`):
   * each expansion, where it was asked for and the definition it read. A finding inside a
   * definition names the expansions that produced it.
   */
  readonly expansions?: readonly Expansion[];
}

/** One expansion of a definition (an Apache `Use name args` of `<Macro name ...>`). */
export interface Expansion {
  /** The macro's name. */
  readonly name: string;
  /** The line that asked for it (`Use vhost app 8080`). */
  readonly use: Span;
  /** That line as written, for messages. */
  readonly label: string;
  /** The whole definition: a finding inside it came from this expansion (among others). */
  readonly body: Span;
}
