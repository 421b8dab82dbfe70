/**
 * Directives nginx does not know: `ngx_conf_handler` looks the name up in the command tables of
 * every module the binary has (built in or loaded by `load_module`) and stops with
 * `unknown directive "x"` when none has it (the name is case-sensitive). Reported as `refused`,
 * with nginx's words and a "did you mean" when a known name is close.
 *
 * The names nginx knows are in known-directives.ts; the `nginxDirectives` setting adds
 * third-party ones (or whole modules of that file, by name). A dynamic module's directive is
 * refused only when the linter sees the whole main configuration: a fragment (`--context`
 * http/server/location) or a main file with an `include` at the top level that could not be
 * read or matched nothing (Debian's `include modules-enabled/*.conf;` in a copy) may have its
 * module loaded where the linter cannot see, so the module's directives are accepted there.
 */
import { posix } from 'node:path';
import { closest } from '../../closest.js';
import type { Problem } from '../../model/header-rewrite.js';
import type { RootContext } from './context.js';
import { DIRECTIVES } from './directives.js';
import type { SourceTree } from './includes.js';
import { BUILT_IN, MODULES, STANDARD } from './known-directives.js';
import type { Directive } from './syntax.js';

/** Blocks whose contents are directives (`map`, `types`, `geo`... hold table entries). */
const DIRECTIVE_BLOCKS = new Set(['http', 'server', 'location', 'if', 'limit_except', 'events', 'stream', 'mail', 'upstream']);

const MODULE_OF: ReadonlyMap<string, string> = new Map(Object.entries(MODULES).flatMap(([m, names]) => names.map((n) => [n, m] as const)));
/** Known whatever the configuration loads (the lowered headers-more and lua directives are not). */
const ALWAYS: ReadonlySet<string> = new Set([...BUILT_IN, ...STANDARD, ...Object.keys(DIRECTIVES).filter((n) => !MODULE_OF.has(n))]);

/** `load_module modules/ngx_http_lua_module.so;` → `ngx_http_lua_module`. */
function moduleName(path: string): string {
  return posix.basename(path).replace(/\.so$/, '');
}

/** Top-level directives with their includes inlined, as nginx reads the main context. */
function* mainLevel(directives: readonly Directive[]): Generator<Directive> {
  for (const d of directives) {
    yield d;
    if (d.included) for (const f of d.included) yield* mainLevel(f.directives);
  }
}

/** Distinct unknown names per model that get a "did you mean" hint. */
const MAX_HINTED = 256;

/** Reports the directives nginx would not know and returns them (they are not lowered). */
export function unknownDirectives(tree: SourceTree, context: RootContext, declared: readonly string[], problems: Problem[]): Set<Directive> {
  const unknown = new Set<Directive>();
  // Names known beyond ALWAYS (a copy of ALWAYS per file was most of this check on small files).
  const extra = new Set<string>();
  const add = (names: readonly string[]) => {
    for (const n of names) extra.add(n);
  };
  for (const entry of declared) add(MODULES[entry] ?? [entry]);
  let complete = context === 'main';
  for (const d of mainLevel(tree.directives)) {
    if (d.name.value === 'load_module' && d.args[0]) add(MODULES[moduleName(d.args[0].value)] ?? []);
    if (d.name.value === 'include' && (tree.unresolved.has(d) || !d.included || d.included.length === 0)) complete = false;
  }
  const known = (name: string) => ALWAYS.has(name) || extra.has(name) || (!complete && MODULE_OF.has(name));
  let candidates: string[] | undefined;
  // One hint per distinct name, and hints for the first MAX_HINTED names only: a hostile file of
  // random words must not cost a search of every known name per word.
  const hints = new Map<string, string | undefined>();
  const hintFor = (name: string): string | undefined => {
    if (hints.has(name)) return hints.get(name);
    candidates ??= [...new Set([...ALWAYS, ...extra, ...MODULE_OF.keys()])];
    const hint = hints.size < MAX_HINTED ? closest(name, candidates) : undefined;
    hints.set(name, hint);
    return hint;
  };
  // A file included many times (or by files included many times) is checked once.
  const seen = new Set<readonly Directive[]>();
  const check = (directives: readonly Directive[]) => {
    if (seen.has(directives)) return;
    seen.add(directives);
    for (const d of directives) {
      const name = d.name.value;
      if (d.included) for (const f of d.included) check(f.directives);
      if (known(name)) {
        if (d.block && DIRECTIVE_BLOCKS.has(name)) check(d.block.children);
        continue;
      }
      if (d.terminator === 'none') continue;
      const module = MODULE_OF.get(name);
      let message: string;
      if (module) {
        message = `unknown directive "${name}": ${module} is not loaded (add "load_module modules/${module}.so;", or list it in nginxDirectives when built in)`;
      } else {
        const hint = hintFor(name);
        message = hint
          ? `unknown directive "${name}" (did you mean "${hint}"?)`
          : `unknown directive "${name}": not a directive of nginx or of a module the linter knows (list third-party directives in nginxDirectives)`;
      }
      unknown.add(d);
      problems.push({ span: d.name.span, message, kind: 'refused' });
    }
  };
  check(tree.directives);
  return unknown;
}
