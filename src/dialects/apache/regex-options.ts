/**
 * How httpd compiles configuration regexes (server/util_pcre.c `ap_regcomp`): PCRE2 with
 * `AP_REG_DEFAULT` = DOTALL | DOLLAR_ENDONLY OR-ed into every pattern, changeable with the global
 * `RegexDefaultOptions` (server/core.c `set_regex_default_options`, since 2.4.30): `none` clears,
 * `+X` adds, `-X` removes, a bare `X` replaces the whole set; X is ICASE, DOTALL or
 * DOLLAR_ENDONLY. `EXTENDED` is listed in the manual but maps to `AP_REG_EXTENDED`, which is 0 in
 * include/ap_regex.h, so httpd rejects it as unknown. The options apply to regexes compiled after
 * the directive, in reading order.
 */
import { compileRegex } from '../../regex/index.js';

export interface ApacheRegexFlags {
  readonly caseless: boolean;
  readonly dotAll: boolean;
  readonly dollarEndOnly: boolean;
}

export const APACHE_DEFAULT_REGEX_FLAGS: ApacheRegexFlags = { caseless: false, dotAll: true, dollarEndOnly: true };

const NONE: ApacheRegexFlags = { caseless: false, dotAll: false, dollarEndOnly: false };

const NAMES: Readonly<Record<string, keyof ApacheRegexFlags>> = { icase: 'caseless', dotall: 'dotAll', dollar_endonly: 'dollarEndOnly' };

/** Applies `RegexDefaultOptions` arguments; on error, httpd's message and the offending argument. */
export function applyRegexDefaultOptions(current: ApacheRegexFlags, args: readonly string[]): ApacheRegexFlags | { error: string; index: number } {
  let flags = current;
  for (let i = 0; i < args.length; i++) {
    let name = args[i]!;
    if (name.toLowerCase() === 'none') {
      flags = NONE;
      continue;
    }
    let how = 0;
    if (name.startsWith('+')) {
      how = 1;
      name = name.slice(1);
    } else if (name.startsWith('-')) {
      how = -1;
      name = name.slice(1);
    }
    const key = NAMES[name.toLowerCase()];
    if (!key) return { error: `RegexDefaultOptions: option '${name}' unknown`, index: i };
    if (how > 0) flags = { ...flags, [key]: true };
    else if (how < 0) flags = { ...flags, [key]: false };
    else flags = { ...NONE, [key]: true };
  }
  return flags;
}

/** Compiles a configuration regex the way `ap_pregcomp` does. */
export function compileApacheRegex(pattern: string, flags: ApacheRegexFlags): ReturnType<typeof compileRegex> {
  return compileRegex(pattern, { flavor: 'pcre', caseless: flags.caseless, dotAll: flags.dotAll, dollarEndOnly: flags.dollarEndOnly });
}
