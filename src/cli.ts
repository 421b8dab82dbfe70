/**
 * The command line: argv → options → run() → formatted output and an exit code.
 * Exit codes (ESLint's): 0 no errors; 1 lint errors or too many warnings; 2 usage error, a file
 * that cannot be read, or an internal error. No lint logic lives here.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_NGINX_VERSION } from './dialects/dialect.js';
import type { LintResult } from './engine/result.js';
import { FORMAT_NAMES, formatResults, type FormatName } from './formatters/index.js';
import { TOOL_NAME, TOOL_VERSION } from './meta.js';
import type { Dialect } from './model/header-rewrite.js';
import { run } from './run.js';

interface CliOptions {
  type?: Dialect;
  format: FormatName;
  fix?: boolean;
  xsrfCookie: string[];
  serverRoot?: string;
  prefix?: string;
  context?: 'main' | 'http' | 'server' | 'location';
  nginxVersion: string;
  color: boolean;
  quiet?: boolean;
  maxWarnings: number;
}

function collect(value: string, previous: string[]): string[] {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) {
    throw new InvalidArgumentError('a cookie name is a token (RFC 6265): letters, digits and !#$%&\'*+-.^_`|~');
  }
  return [...previous, value];
}

function version(value: string): string {
  if (!/^\d+\.\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('expected a version such as 1.24.0');
  return value.split('.').length === 2 ? `${value}.0` : value;
}

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

function buildProgram(): Command {
  return new Command()
    .name(TOOL_NAME)
    .description(
      'Find and fix reverse-proxy rules (Apache, nginx, IIS) that add HttpOnly to the CSRF cookies JavaScript must read.',
    )
    .argument('[paths...]', 'files, directories or globs to lint (default: the current directory)')
    .addOption(new Option('-t, --type <dialect>', 'treat every file as this dialect instead of detecting it').choices(['apache', 'nginx', 'iis']))
    .addOption(new Option('-f, --format <name>', 'output format').choices([...FORMAT_NAMES]).default('stylish'))
    .option('--fix', 'fix problems in place (files are rewritten atomically, keeping encoding and line endings)')
    .option('--xsrf-cookie <name>', 'also treat <name> as a CSRF cookie JavaScript reads (repeatable)', collect, [])
    .option('--server-root <dir>', 'Apache: resolve relative Include paths against <dir> (overrides ServerRoot)')
    .option('--prefix <dir>', 'nginx: resolve relative include paths against <dir> (like nginx -p)')
    .addOption(new Option('--context <context>', 'nginx: where a fragment file is included').choices(['main', 'http', 'server', 'location']))
    .option('--nginx-version <x.y.z>', 'nginx version to check directives and fixes against', version, DEFAULT_NGINX_VERSION)
    .option('--no-color', 'disable colors (also: NO_COLOR, or output that is not a terminal)')
    .option('--quiet', 'report errors only, not warnings')
    .option('--max-warnings <n>', 'exit with code 1 when there are more than <n> warnings', nonNegativeInt, -1)
    .version(TOOL_VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .showSuggestionAfterError()
    .exitOverride();
}

function useColor(option: boolean): boolean {
  if (!option || 'NO_COLOR' in process.env) return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}

function withoutWarnings(results: readonly LintResult[]): LintResult[] {
  return results.map((r) => ({ ...r, messages: r.messages.filter((m) => m.severity === 2), warningCount: 0, fixableWarningCount: 0 }));
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    program.parse(argv as string[], { from: 'node' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    throw e;
  }
  const options = program.opts<CliOptions>();
  const paths = program.args.length > 0 ? program.args : ['.'];
  const cwd = process.cwd();
  const outcome = await run({
    cwd,
    paths,
    ...(options.type ? { type: options.type } : {}),
    fix: options.fix === true,
    xsrfCookies: options.xsrfCookie,
    ...(options.serverRoot ? { serverRoot: options.serverRoot } : {}),
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.context ? { context: options.context } : {}),
    nginxVersion: options.nginxVersion,
  });
  for (const pattern of outcome.unmatched) {
    process.stderr.write(`${TOOL_NAME}: no files matching "${pattern}" were found.\n`);
  }
  for (const path of outcome.reverted) {
    process.stderr.write(`${TOOL_NAME}: fixes for ${path} were not written: the fixed file did not parse.\n`);
  }
  const results = options.quiet ? withoutWarnings(outcome.results) : outcome.results;
  const text = formatResults(options.format, results, { cwd, color: useColor(options.color) });
  if (text) process.stdout.write(text);
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (outcome.unmatched.length > 0 || outcome.unreadable > 0) return 2;
  if (errors > 0) return 1;
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings) {
    process.stderr.write(`${TOOL_NAME}: ${warnings} warnings exceed the maximum of ${options.maxWarnings} (--max-warnings).\n`);
    return 1;
  }
  return 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // Never a stack trace for users; LPC_DEBUG=1 shows it for bug reports.
    const err = e as Error;
    process.stderr.write(`${TOOL_NAME}: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.LPC_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    process.stderr.write('Please report this with the configuration that triggers it.\n');
    process.exitCode = 2;
  },
);
