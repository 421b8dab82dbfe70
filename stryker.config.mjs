// @ts-check
/**
 * Mutation testing (StrykerJS + its vitest runner): `npm run test:mutation`, or one file at a time,
 * `npm run test:mutation -- --mutate src/engine/directives.ts`. Incremental: results are kept in
 * reports/stryker-incremental.json and only mutants whose code or covering tests changed run
 * again. Not part of `npm test` (a full run takes over an hour on two cores).
 *
 * Equivalent mutants — mutants no test can kill because the program behaves the same — are
 * listed in EQUIVALENT below with a one-line reason each, matched by file and by the exact source
 * text of the mutated node (so they survive line shifts), and reported as "Ignored".
 */
import { readFileSync } from 'node:fs';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/**
 * Equivalent mutants: every mutant of the node whose source text is `code` (or starts with
 * `prefix`) in `file` is ignored, with everything inside it (a node's mutants that tests do kill
 * are then not counted either: list only nodes whose surviving mutants are all equivalent).
 * @type {ReadonlyArray<{ file: string; code?: string; prefix?: string; reason: string }>}
 */
const EQUIVALENT = [
  // src/engine/directives.ts
  { file: 'src/engine/directives.ts', code: 'at < 0', reason: 'parse() only accepts a comment whose text starts with "lint-proxy-config-", and the comment markers (#, <!--) come before it, so at > 0' },
  { file: 'src/engine/directives.ts', code: 'directives.length === 0', reason: 'a shortcut: without directives the general path also keeps every message in order and suppresses nothing' },
  { file: 'src/engine/directives.ts', code: '[...active].sort((a, b) => a.comment.span.start - b.comment.span.start)', reason: 'every dialect hands its comments over in source order, so the sort never moves one' },
  { file: 'src/engine/directives.ts', code: 'd.comment.span.start > m.span.start', reason: 'a message never starts on the first character of a comment, so > and >= agree' },
  { file: 'src/engine/directives.ts', code: "by.rules.length === 0 ? '*' : ruleId", reason: 'a rule-less directive is idle exactly when its used set is empty, whatever was added to it' },
  // src/model/simulate.ts
  { file: 'src/model/simulate.ts', code: 'options.trace ? lines.map((l) => l.value) : []', reason: 'without trace, `before` is never read' },
  // rules/xsrf-cookie-httponly/index.ts
  { file: 'rules/xsrf-cookie-httponly/index.ts', code: 'i < pipeline.length', reason: 'every pass of the blame loop removes a directive or breaks: the loop ends by its break before the bound' },
  { file: 'rules/xsrf-cookie-httponly/index.ts', code: 'i++', reason: 'same: the bound never ends the blame loop, so neither does the counter' },
  { file: 'rules/xsrf-cookie-httponly/index.ts', code: 'current === pipeline', reason: 'run and once give the same result; only whether the simulator remembers it differs' },
  // src/model/ops/nginx-proxy-cookie.ts
  { file: 'src/model/ops/nginx-proxy-cookie.ts', code: 'signature === undefined', reason: 'a cache: computing an entry\'s signature again gives the same string' },
  { file: 'src/model/ops/nginx-proxy-cookie.ts', code: "'re'", reason: 'a tag in a key whose regex and literal forms already differ in length, so they never collide' },
  { file: 'src/model/ops/nginx-proxy-cookie.ts', code: "'lit'", reason: 'same: the literal form has two parts, the regex form three or four' },
  { file: 'src/model/ops/nginx-proxy-cookie.ts', code: 'a.key === null', reason: 'parsing never yields a null key (only a flag edit deletes one, after this stage); the test narrows the type' },
  { file: 'rules/xsrf-cookie-httponly/index.ts', code: 'spanKey(cause) === spanKey(op.span)', reason: 'a cause that is neither a part nor the op\'s span only comes from IIS rules, whose cause is their focus: both returns agree' },
  { file: 'rules/xsrf-cookie-httponly/index.ts', code: '!out.includes(s)', reason: 'a status explored twice finds only directives already seen, which are skipped' },
  { file: 'rules/xsrf-cookie-httponly/index.ts', code: 'found.size === 0', reason: 'with nothing found the pipeline does not change, so the next passes find nothing either' },
  { file: 'rules/xsrf-cookie-httponly/index.ts', code: 'seen.has(gain.change.op)', reason: 'a directive found again on another status is merged with its 200 finding, which keeps the fewer assumptions (one fewer: no status)' },
  // src/model/ops/apache-header.ts
  { file: 'src/model/ops/apache-header.ts', code: "op.kind === 'apache-header'", reason: 'only Header ops have `early`: a line first changed by another kind of op is never early, whatever this test says' },
  { file: 'src/model/ops/apache-header.ts', code: "line.producer === 'proxy' && first !== undefined", reason: 'a line the proxy added always has a first change (the op that added it), and a backend line is never first changed by an early directive (those run before any producer and see only early lines)' },
  { file: 'src/model/ops/apache-header.ts', code: 'subs: PregsubParts = []', reason: 'overwritten on the first call: the replacement differs from the initial undefined' },
  { file: 'src/model/ops/apache-header.ts', code: 'replacement !== forReplacement', reason: "an op's replacement never changes (its format and environment are fixed), so the cache is never reset after the first call" },
  { file: 'src/model/ops/apache-header.ts', code: 'known !== undefined', reason: 'a cache: computing the edit again gives the same result' },
  { file: 'src/model/ops/apache-header.ts', code: "chars += value.length + (typeof after === 'string' ? after.length : 0)", reason: "the cache's size bound: only how much is remembered changes" },
  { file: 'src/model/ops/apache-header.ts', code: 'chars <= 1_000_000', reason: "the cache's size bound: only how much is remembered changes" },
  { file: 'src/model/ops/apache-header.ts', code: 'while (i < val.length && /[ \\t\\n\\r\\v\\f]/.test(val[i]!)) i++;', reason: 'past the end val[i] is undefined, which the blank test rejects: the bound never ends the loop (the blank class is pinned by test/apache/header-op.test.ts)' },
  { file: 'src/model/ops/apache-header.ts', code: "while (i < val.length) if (val[i++] === '\"') break;", reason: 'one step past the end reads undefined, which is no quote, and the token slice stops at the end anyway' },
  { file: 'src/model/ops/apache-header.ts', code: 'i - tokStart === wanted.length', reason: 'a shortcut: the slice comparison after it decides alone' },
  { file: 'src/model/ops/apache-header.ts', code: 'if (i < val.length) i++;', reason: 'stepping past the end ends the loop just the same' },
  { file: 'src/model/ops/apache-header.ts', code: 'init.header.toLowerCase()', reason: 'a case-folded header name in the key: folding up or down makes the same keys equal' },
  { file: 'src/model/ops/apache-header.ts', code: 'init.pattern.error ?? null', reason: 'the error follows from the source and its flags, which the key already holds' },
  { file: 'src/model/ops/apache-header.ts', code: "init.format ? expandFormat(init.format, init.formatEnv) : ''", reason: 'every action that reads its text (edit, set, setifempty, add, append, merge) has a format: httpd refuses it without a value' },
  { file: 'src/model/ops/apache-header.ts', code: 'default:\n          return;', reason: 'the actions that touch cookies all have their case: the default is never reached' },
  // src/engine/fix.ts
  { file: 'src/engine/fix.ts', code: 'edits[0]?.file', reason: 'a proven fix has at least one edit: with none the text, so the finding, stays and the proof (invariant 5) refuses it' },
  { file: 'src/engine/fix.ts', code: 'file === undefined', reason: 'same: a proven fix has at least one edit, so its first edit names a file' },
  { file: 'src/engine/fix.ts', code: 'initialFatal?.get(path)', reason: 'the loop runs at least once (MAX_FIX_PASSES > 0), so initialFatal is always set here' },
  { file: 'src/engine/fix.ts', code: 'reverted.length > 0', reason: 'linting the same overrides again gives the same lint: the guard only saves the work' },
];

/** @type {Map<string, string | null>} */
const sources = new Map();

/** The text of a listed file (offsets of the parsed nodes refer to it). */
function sourceOf(/** @type {string} */ file) {
  if (!sources.has(file)) {
    try {
      sources.set(file, readFileSync(file, 'utf8'));
    } catch {
      sources.set(file, null);
    }
  }
  return sources.get(file) ?? null;
}

/**
 * Stryker's ignorer hook: the reason a node is listed in EQUIVALENT, or undefined. Babel gives
 * the node's offsets and, in `loc.filename`, the base name of its file.
 * @param {any} path a babel NodePath
 */
function equivalentReason(path) {
  const { start, end, loc } = path.node;
  if (typeof start !== 'number' || typeof end !== 'number') return undefined;
  const name = typeof loc?.filename === 'string' ? loc.filename.replaceAll('\\', '/').split('/').pop() : undefined;
  for (const e of EQUIVALENT) {
    if (name !== undefined && e.file.split('/').pop() !== name) continue;
    const text = sourceOf(e.file)?.slice(start, end);
    if (text === undefined) continue;
    if (e.code !== undefined ? text === e.code : e.prefix !== undefined && text.startsWith(e.prefix)) return e.reason;
  }
  return undefined;
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'equivalent-mutants', { shouldIgnore: equivalentReason })];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner', import.meta.url],
  ignorers: ['equivalent-mutants'],
  mutate: [
    'src/model/ops/*.ts',
    'src/model/simulate.ts',
    'src/engine/fix.ts',
    'src/engine/directives.ts',
    'src/engine/proof.ts',
    'rules/xsrf-cookie-httponly/index.ts',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 1,
  timeoutMS: 60_000,
  // The initial run of every suite takes minutes on a busy two-core machine.
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 85, break: null },
  // dist/ is rebuilt in the sandbox by the suites' global setup; copying it races with builds.
  ignorePatterns: ['/dist'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
