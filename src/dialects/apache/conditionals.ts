/**
 * Config-time conditional sections, evaluated while reading like httpd does
 * (server/core.c `start_cond_section`, modules/core/mod_version.c):
 *
 * - the raw argument text up to the last `>`; a leading `!` negates; then one word;
 * - `<IfModule name>`: a module is loaded when a `LoadModule` line read so far named it (by
 *   identifier, `headers_module`, or source file, `mod_headers.c`) or it is compiled into
 *   Debian's apache2 (`apache2 -l`). When the whole tree has no `LoadModule` at all (a vhost file
 *   or a fragment linted alone), the loaded modules are assumed to be the `apacheModules`
 *   setting or else Debian's defaults (what `apt-get install apache2` enables: no mod_headers,
 *   mod_proxy or mod_rewrite), plus every module whose directives the tree uses outside
 *   `<IfModule>` (httpd would not start without it). A name that is not a spelling httpd can
 *   match (`mod_headers` without `.c`) names no module and is never loaded;
 * - `<IfDefine name>`: a `Define` read so far, or a `-D`/environment entry of `options.defines`;
 * - `<IfFile path>`: the path exists (relative to ServerRoot, with the include fallbacks);
 * - `<IfDirective>`/`<IfSection>`: core's directives and sections exist, those of the modules
 *   the linter tracks (`Header`, `ProxyPass`, `<Proxy>`...) when the module is loaded; any other
 *   is assumed to exist, negated or not (the linter does not know every module's directives);
 * - `<IfVersion>`: compared with httpd 2.4.71, the lab server.
 */
import { compileRegex } from '../../regex/index.js';

/** Modules compiled into Debian's apache2 2.4 (`apache2 -l`). */
const STATIC_MODULES = [
  'core.c', 'mod_so.c', 'mod_watchdog.c', 'http_core.c', 'mod_log_config.c', 'mod_logio.c', 'mod_version.c', 'mod_unixd.c',
  'core_module', 'so_module', 'watchdog_module', 'http_module', 'log_config_module', 'logio_module', 'version_module', 'unixd_module',
];

/** The modules Debian's apache2 package enables (`/etc/apache2/mods-enabled/*.load`, bookworm). */
export const DEBIAN_DEFAULT_MODULES: readonly string[] = [
  'access_compat', 'alias', 'auth_basic', 'authn_core', 'authn_file', 'authz_core', 'authz_host', 'authz_user', 'autoindex',
  'deflate', 'dir', 'env', 'filter', 'mime', 'mpm_event', 'negotiation', 'reqtimeout', 'setenvif', 'status',
].map((m) => `${m}_module`);

/**
 * The module that provides a directive or section (lower-cased name), for the modules a
 * configuration's cookie handling depends on: using one outside `<IfModule>` proves it loaded.
 */
const DIRECTIVE_MODULES: Readonly<Record<string, string>> = {
  header: 'headers_module',
  requestheader: 'headers_module',
  ...Object.fromEntries(['rewriteengine', 'rewriterule', 'rewritecond', 'rewritemap', 'rewritebase', 'rewriteoptions'].map((d) => [d, 'rewrite_module'])),
  ...Object.fromEntries(
    ['proxypass', 'proxypassmatch', 'proxypassreverse', 'proxypassreversecookiepath', 'proxypassreversecookiedomain', 'proxyset', 'proxypreservehost', 'proxyrequests', 'balancermember', '<proxy', '<proxymatch'].map((d) => [d, 'proxy_module']),
  ),
  '<macro': 'macro_module',
  use: 'macro_module',
  undefmacro: 'macro_module',
  setenvif: 'setenvif_module',
  setenvifnocase: 'setenvif_module',
  browsermatch: 'setenvif_module',
  browsermatchnocase: 'setenvif_module',
  setenvifexpr: 'setenvif_module',
  setenv: 'env_module',
  unsetenv: 'env_module',
  passenv: 'env_module',
  jkmount: 'jk_module',
  action: 'actions_module',
  scriptalias: 'alias_module',
  scriptaliasmatch: 'alias_module',
  alias: 'alias_module',
  aliasmatch: 'alias_module',
};

/** Sections of httpd's core (server/core.c), which `<IfSection>` always finds. */
const CORE_SECTIONS: ReadonlySet<string> = new Set(
  ['virtualhost', 'directory', 'directorymatch', 'files', 'filesmatch', 'location', 'locationmatch', 'limit', 'limitexcept', 'if', 'elseif', 'else', 'ifmodule', 'ifdefine', 'iffile', 'ifdirective', 'ifsection'].map((n) => `<${n}`),
);

/** The module a directive (`header`) or section (`<macro`) needs, if the linter knows it. */
export function moduleOfDirective(lname: string): string | undefined {
  return DIRECTIVE_MODULES[lname];
}

/** A spelling `<IfModule>` can match: a module identifier or a module's source file name. */
function isModuleName(name: string): boolean {
  return /^\w+_module$/.test(name) || /^[\w-]+\.c$/.test(name);
}

/** The httpd version conditionals are evaluated against. */
export const HTTPD_VERSION: readonly [number, number, number] = [2, 4, 71];

export class ModuleSet {
  private readonly names = new Set<string>(STATIC_MODULES);

  /**
   * The modules assumed for a tree without `LoadModule`: `configured` (module identifiers or
   * source names, the `apacheModules` setting) or Debian's defaults, plus `used`.
   */
  static assumed(configured: readonly string[] | undefined, used: Iterable<string>): ModuleSet {
    const set = new ModuleSet();
    for (const m of [...(configured ?? DEBIAN_DEFAULT_MODULES), ...used]) set.loadByName(m);
    return set;
  }

  /** A module named by identifier (`headers_module`) or source file (`mod_headers.c`). */
  private loadByName(name: string): void {
    const id = /^(\w+)_module$/.exec(name)?.[1] ?? /^mod_([\w-]+)\.c$/.exec(name)?.[1];
    if (id === undefined) return;
    this.load(`${id}_module`, `mod_${id}.so`);
  }

  /** Module identifiers and source names, sorted (what `--print-config` shows). */
  list(): string[] {
    return [...this.names].filter((n) => n.endsWith('_module')).sort();
  }

  /** Records `LoadModule <identifier> <path>`: both the identifier and the source file name. */
  load(identifier: string, path: string): void {
    this.names.add(identifier);
    const mpm = /^mpm_(\w+)_module$/.exec(identifier);
    if (mpm) this.names.add(`${mpm[1]}.c`);
    const base = /(?:^|\/)(mod_[\w-]+)\.so$/.exec(path);
    if (base && !mpm) this.names.add(`${base[1]}.c`);
    const id = /^(\w+)_module$/.exec(identifier);
    if (id && !mpm) this.names.add(`mod_${id[1]}.c`);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }
}

export interface ConditionalEnv {
  /** `undefined` = no LoadModule anywhere: assume loaded. */
  readonly modules: ModuleSet | undefined;
  isDefined(name: string): boolean;
  fileExists(path: string): boolean;
}

function compareVersion(want: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const a = HTTPD_VERSION[i]!;
    const b = want[i] ?? 0;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

/** `<IfVersion [[!]op] version>` (mod_version): `=`, `==`, `<`, `<=`, `>`, `>=`, `~ regex`, `/regex/`. */
function ifVersion(words: readonly string[]): boolean | string {
  let [op, version] = words.length >= 2 ? [words[0]!, words[1]!] : ['=', words[0] ?? ''];
  let negate = false;
  if (op.startsWith('!')) {
    negate = true;
    op = op.slice(1);
  }
  const current = HTTPD_VERSION.join('.');
  let result: boolean;
  if (op === '~' || (version.startsWith('/') && version.endsWith('/') && version.length > 1)) {
    const source = op === '~' ? version : version.slice(1, -1);
    // mod_version compiles with ap_pregcomp: PCRE, run here by the linter's own bounded engine.
    const compiled = compileRegex(source, { flavor: 'pcre' });
    if (!compiled.ok) return 'Unrecognized regex in <IfVersion>';
    try {
      result = compiled.regex.exec(current, 0) !== null;
    } catch {
      return 'Unrecognized regex in <IfVersion>';
    }
  } else {
    const parts = version.split('.').map((p) => Number(p));
    if (parts.some((p) => !Number.isInteger(p))) return `Unrecognized version format: ${version}`;
    const c = compareVersion(parts);
    const prefixEqual = parts.every((p, i) => HTTPD_VERSION[i] === p);
    switch (op) {
      case '=':
      case '==':
        result = prefixEqual;
        break;
      case '<':
        result = c < 0;
        break;
      case '<=':
        result = c <= 0;
        break;
      case '>':
        result = c > 0;
        break;
      case '>=':
        result = c >= 0;
        break;
      default:
        return `unknown operator '${op}'`;
    }
  }
  return negate ? !result : result;
}

/**
 * Evaluates a conditional section. `argText` is the opening tag's text after the section name,
 * up to (excluding) its last `>`; `firstWord` reads one config word from a string.
 * Returns the truth value, or httpd's error text.
 */
export function evaluateConditional(
  lname: string,
  argText: string,
  words: readonly string[],
  env: ConditionalEnv,
): boolean | { error: string } {
  const trimmed = argText.replace(/^[ \t]+/, '');
  if (lname === 'ifversion') {
    if (words.length === 0) return { error: '<IfVersion> directive requires additional arguments' };
    const v = ifVersion(words);
    return typeof v === 'string' ? { error: v } : v;
  }
  const not = trimmed[0] === '!';
  const arg = not ? words[0]?.replace(/^!/, '') || words[1] : words[0];
  if (!arg || (trimmed === '' && !not)) {
    const display = lname.replace(/^if(\w)/, (_, c: string) => `If${c.toUpperCase()}`);
    return { error: `<${display}> directive requires additional arguments` };
  }
  let result: boolean;
  switch (lname) {
    case 'ifmodule':
      // httpd looks the name up as a module identifier (`headers_module`) or source file
      // (`mod_headers.c`); any other spelling (`mod_headers`, `headers`) names no module, so
      // it is never loaded. `modules` undefined: the first reading, which assumes every real
      // module name loaded to find the modules the tree uses outside <IfModule>.
      result = env.modules === undefined ? isModuleName(arg) : env.modules.has(arg);
      break;
    case 'ifdefine':
      result = env.isDefined(arg);
      break;
    case 'iffile':
      result = env.fileExists(arg);
      break;
    case 'ifdirective':
    case 'ifsection': {
      // httpd looks the name up in the loaded modules' command tables (core.c
      // `ap_exists_directive`, caseless; `<IfSection VirtualHost>` looks up `<VirtualHost`).
      // Core's exist on every server; a tracked module's exist when it is loaded, as for
      // <IfModule>; any other is assumed to exist, negated or not.
      const name = `${lname === 'ifsection' ? '<' : ''}${arg.toLowerCase()}`;
      const module = moduleOfDirective(name);
      if (module !== undefined) result = env.modules === undefined || env.modules.has(module);
      else if (CORE_SECTIONS.has(name)) result = true;
      else return true;
      break;
    }
    default:
      result = true;
      return result;
  }
  return not ? !result : result;
}
