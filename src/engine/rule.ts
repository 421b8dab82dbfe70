/**
 * The rule API. A rule reads the common model, simulates Set-Cookie headers through it and
 * reports; it never looks at a dialect's syntax. Rules are listed explicitly in rules/index.ts.
 */
import type { CookieCatalog } from '../cookies/catalog.js';
import type { DialectFixers, DialectOptions, FixCandidate, FixRefusal } from '../dialects/dialect.js';
import type { BackendKind } from '../model/backends.js';
import type { CookieOp, Dialect, Endpoint, HeaderRewriteModel, ProblemKind } from '../model/header-rewrite.js';
import type { SimResult } from '../model/simulate.js';
import type { Span } from '../source.js';

export type Severity = 'error' | 'warning';

export interface RuleMeta {
  /** Kebab-case id = folder name under rules/ = fixture folder = docs anchor. */
  readonly id: string;
  readonly severity: Severity;
  readonly fixable: boolean;
  readonly dialects: readonly Dialect[];
  /** One sentence: what the rule finds. */
  readonly description: string;
  /** SARIF `security-severity` (0–10) for findings that weaken security or break it. */
  readonly securitySeverity?: number;
  /** Reported by the engine itself (inline directives), not by a `check` function. */
  readonly engine?: true;
  /**
   * Problems of these kinds, found by the dialects while parsing (`refused`, `include-unresolved`...),
   * are this rule's findings: the engine reports each at its place, under this rule's id and
   * severity. A kind is claimed by one rule at most (checked by the rule registry's tests).
   */
  readonly claims?: readonly ProblemKind[];
}

export interface ReportDescriptor {
  readonly span: Span;
  /** What the directive does, then the consequence; names the cookies (STYLE.md habit 7). */
  readonly message: string;
  /** The message without its consequence, used when a no-fix note would make it too long. */
  readonly brief?: string;
  /**
   * How to fix it, lazily: the engine alone asks for the candidates, proves them with the one
   * set of invariants (src/engine/proof.ts) and offers the first that holds. A rule never proves.
   */
  readonly fix?: FixRequest;
  /**
   * The full story behind the one-sentence message (cookies, products, evidence, the request that
   * breaks), plain JSON: `--format json` prints it as `data`, SARIF as result `properties`.
   */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Other places that explain the finding (evidence lines): SARIF `relatedLocations`. */
  readonly related?: readonly { readonly span: Span; readonly message: string }[];
}

export interface FixRequest {
  /** CSRF cookie names the fix may make lose the HttpOnly the reported directive adds. */
  readonly exempt: readonly string[];
  /** Candidate edits, best first, or why no edit fits. Called only when the engine needs them. */
  candidates(): readonly FixCandidate[] | FixRefusal;
}

/** Memoized simulation: the same pipeline and input give the same result. */
export interface Simulator {
  run(pipeline: readonly CookieOp[], backend: BackendKind, values: readonly string[], status?: number): SimResult;
  /**
   * The same result as {@link run}, answered from memory when it is there but not remembered:
   * for pipelines a rule builds for one question (the blame loop's pipelines with directives
   * taken away), which no other rule asks about. Remembering each of them kept every
   * intermediate Set-Cookie value of every variant alive: cubic memory in the pipeline's length.
   */
  once(pipeline: readonly CookieOp[], backend: BackendKind, values: readonly string[], status?: number): SimResult;
  /**
   * The model's endpoints grouped by pipelines that behave identically: simulate each group's
   * representative once; to blame a finding, run the same input on each of `group.pipelines`
   * (cheap: the cached result is rebound to that pipeline's directives).
   */
  groups(endpoints: readonly Endpoint[]): readonly PipelineGroup[];
  /**
   * A value computed from the pipeline's behaviour alone (plain data that names no directive,
   * such as cookie names and values), remembered for every pipeline with the same signatures:
   * `key` names the computation and its inputs.
   */
  derived<T>(pipeline: readonly CookieOp[], key: string, compute: () => T): T;
  /**
   * The model whose pipelines were asked about is done: results rebound to its directives are
   * let go, so a simulator shared by many files never keeps an earlier file's model alive.
   */
  endModel(): void;
}

export interface PipelineGroup {
  /** A representative: simulate this one; its results rebind to the others in `pipelines`. */
  readonly pipeline: readonly CookieOp[];
  /** Every distinct pipeline of the group (same behaviour, different directives). */
  readonly pipelines: readonly (readonly CookieOp[])[];
  /** Union of the group's endpoints' possible backends. */
  readonly backends: readonly BackendKind[];
  readonly endpoints: readonly Endpoint[];
  /** Identity of the pipeline (op identities in order), for pairing models. */
  readonly key: string;
}

export interface RuleContext {
  readonly model: HeaderRewriteModel;
  readonly catalog: CookieCatalog;
  readonly options: DialectOptions;
  readonly sim: Simulator;
  readonly fixers: DialectFixers;
  report(descriptor: ReportDescriptor): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  /** Absent for engine rules (`meta.engine`) and for rules that only claim problems (`meta.claims`). */
  check?(context: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Every endpoint with the producer kinds it can receive, a convenience for rules. */
export function* endpointBackends(model: HeaderRewriteModel): Generator<[Endpoint, BackendKind]> {
  for (const endpoint of model.endpoints) {
    for (const kind of endpoint.possibleBackends) yield [endpoint, kind];
  }
}
