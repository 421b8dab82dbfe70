/**
 * The command line: argv → commander → a command → exit code. No lint logic lives here; each
 * command is loaded only when used, so a plain lint run loads as little as possible.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_NGINX_VERSION } from '../dialects/dialect.js';
import { TOOL_NAME, TOOL_VERSION } from '../meta.js';
import { WORKER_ENV } from '../run/threads.js';
import type { Io } from './commands/lint.js';

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'checkstyle', 'junit', 'compact', 'diff'];

function cookieName(value: string, previous: string[] = []): string[] {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) {
    throw new InvalidArgumentError("a cookie name is a token (RFC 6265): letters, digits and !#$%&'*+-.^_`|~");
  }
  return [...previous, value];
}

function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function version(value: string): string {
  if (!/^\d+\.\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('expected a version such as 1.24.0');
  return value.split('.').length === 2 ? `${value}.0` : value;
}

function positiveInt(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a whole number, at least 1');
  return Number(value);
}

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

/** Options that every command reading configurations understands. */
function withConfigOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-t, --type <dialect>', 'treat files as this dialect instead of detecting it').choices(['apache', 'nginx', 'iis', 'haproxy', 'caddy']))
    .option('-c, --config <path>', 'use this configuration file instead of searching for one')
    .option('--no-config', 'use no configuration file')
    .option('--xsrf-cookie <name>', 'also treat <name> as a CSRF cookie JavaScript reads (repeatable)', cookieName)
    .option('--all-products', 'count the CSRF cookies of every known product in every scope, not only those of the products the configuration shows')
    .option('--rule <id[:severity]>', 'set a rule to off, warn or error, over the configuration file (repeatable)', repeatable)
    .option('--server-root <dir>', 'Apache: resolve relative Include paths against <dir> (overrides ServerRoot)')
    .option('--prefix <dir>', 'nginx: resolve relative include paths against <dir> (like nginx -p)')
    .option('--root <dir>', 'read absolute include paths under <dir> (a repository copy of the server tree)')
    .addOption(new Option('--context <context>', 'nginx: where a fragment file is included').choices(['main', 'http', 'server', 'location']))
    .option('--nginx-version <x.y.z>', `nginx version to check against (default: ${DEFAULT_NGINX_VERSION})`, version)
    .option('--caddy-version <x.y.z>', 'Caddy version to check against (default: 2.10.2)', version)
    .option('--max-file-size <MB>', 'skip files larger than this, exiting with code 2 (default: 64)', positiveInt)
    .option('--no-color', 'disable colors (also: NO_COLOR, or output that is not a terminal)');
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = withConfigOptions(
    new Command()
      .name(TOOL_NAME)
      .description('Find and fix reverse-proxy rules (Apache, nginx, IIS, HAProxy, Caddy) that add HttpOnly to the CSRF cookies JavaScript must read.')
      .usage('[options] [paths...]\n       lint-proxy-config <command> [options]')
      .argument('[paths...]', 'files, directories or globs to lint (default: the current directory)'),
  )
    .addOption(new Option('-f, --format <name>', 'output format').choices(FORMATS).default('stylish'))
    .option('-o, --output-file <path>', 'write the report to a file instead of standard output')
    .option('--fix', 'fix problems in place (atomic writes; encoding, BOM and line endings kept)')
    .option('--fix-dry-run', 'compute fixes without writing them (JSON output then carries "output")')
    .option('--fix-outside', 'with --fix, also write files outside the given paths (included files, link targets, parent web.config)')
    .option('--stdin', 'lint text from standard input (with --fix, print the fixed text)')
    .option('--stdin-filename <name>', 'file name for --stdin (dialect detection, messages)')
    .option('--ignore-pattern <glob>', 'do not lint files matching <glob> (repeatable)', repeatable)
    .option('--no-ignore', 'disable ignore files and ignore patterns')
    .option('--include-pattern <glob>', 'also lint files matching <glob> when walking a directory, e.g. templates (repeatable)', repeatable)
    .option('--list-files', 'print the files that would be linted, with their dialect or why they are skipped, and exit')
    .option('--no-inline-config', 'ignore lint-proxy-config-disable comments')
    .option('--print-config <file>', 'print the settings that apply to <file> and exit')
    .option('--quiet', 'report errors only, not warnings')
    .option('--max-warnings <n>', 'exit with code 1 when there are more than <n> warnings', nonNegativeInt)
    .option('--baseline <file>', 'report only findings that this baseline file does not record')
    .option('--no-baseline', "ignore the configuration's baseline file")
    .option('--baseline-write <file>', 'record the current findings in a baseline file (dropping fixed ones)')
    .version(TOOL_VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText(
      'after',
      '\nExit codes: 0 no errors; 1 errors, or more warnings than --max-warnings;\n2 usage error, unreadable file or internal error.',
    )
    .showSuggestionAfterError()
    // Options after a command name belong to that command (simulate's -f is not lint's -f).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (paths: string[], options) => {
      const { lintCommand } = await import('./commands/lint.js');
      setExit(await lintCommand(paths, options, io));
    });

  program
    .command('explain')
    .description("show a rule's documentation: what it finds, why it matters, examples, how the fix works")
    .argument('[rule]', 'rule id, e.g. xsrf-cookie-httponly')
    .option('--list', 'list every rule with its severity, fixability and dialects')
    .option('--no-color', 'disable colors')
    .exitOverride()
    .action(async (rule: string | undefined, options: { list?: boolean; color: boolean }) => {
      const { explainRule, listRules } = await import('./commands/explain.js');
      if (options.list || rule === undefined) io.stdout(listRules());
      else io.stdout(explainRule(rule, options.color && io.isTTY && !('NO_COLOR' in io.env)));
      setExit(0);
    });

  withConfigOptions(
    program
      .command('simulate')
      .description('trace Set-Cookie headers through a configuration, directive by directive, to what the browser receives')
      .argument('<config>', 'configuration file'),
  )
    .option('--cookie <set-cookie>', "a Set-Cookie value the backend sends, e.g. 'atl.xsrf.token=abc; Path=/' (repeatable; default: a session cookie and every XSRF cookie)", repeatable)
    .option('--location <path>', 'only the endpoint that serves this request path (with its query: the request simulated, e.g. /app/?lang=en)')
    .option('--header <name: value>', "a header of the simulated request, e.g. 'Host: jira.example.com' (repeatable; values the configuration reads from the request: nginx $host, $http_*, $cookie_*)", repeatable)
    .option('--backend <kind>', 'the backend kind: proxy (http), ajp, fcgi, cgi, scgi, uwsgi, grpc, module (default: what the config declares)')
    .option('--status <code>', 'the response status (default: 200, and each status a directive of the scope is limited to)')
    .addOption(new Option('-f, --format <name>', 'output format').choices(['text', 'json']).default('text'))
    .exitOverride()
    .action(async (config: string, options) => {
      const { simulateCommand } = await import('./commands/simulate.js');
      io.stdout(await simulateCommand(config, { ...options, color: options.color && io.isTTY && !('NO_COLOR' in io.env) }, io.cwd));
      setExit(0);
    });

  program
    .command('lsp')
    .description('run the language server for editors (Language Server Protocol over standard input and output)')
    .option('--stdio', 'use standard input and output (the default; editors pass it)')
    .exitOverride()
    .action(async () => {
      // Its own bundle (dist/lsp.cjs), loaded only here: lint runs never parse it.
      const { startLanguageServer } = await import('../lsp/server.js');
      setExit(await startLanguageServer());
    });

  program
    .command('init')
    .description('write a starter lint-proxy-config.config.json (with $schema) in the current directory')
    .option('--force', 'overwrite an existing file')
    .exitOverride()
    .action(async (options: { force?: boolean }) => {
      const { initCommand } = await import('./commands/init.js');
      const path = initCommand(io.cwd, options.force === true);
      io.stdout(`Wrote ${path}\n`);
      setExit(0);
    });
  return program;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv as string[], { from: 'node' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    const { UsageError } = await import('../usage-error.js');
    if (e instanceof UsageError) {
      io.stderr(`${TOOL_NAME}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return code;
}

/** Standard input, or null as soon as more than `maxBytes` arrived (a gigabyte would not fit in a string). */
function readStdin(maxBytes: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        process.stdin.off('data', onData);
        process.stdin.pause();
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(c);
    };
    process.stdin.on('data', onData);
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

// The bundle is also the worker script for parallel runs (src/run/parallel.ts). Only a worker loads it
// here: on the main thread it would be work at startup (and a floating import in tests).
if (process.env[WORKER_ENV] === '1') void import('../run/parallel.js').then((m) => m.runWorkerIfAsked());

/** Entry point used by bin/lint-proxy-config.js. */
export function runCli(): void {
  // process.stdout is a stream Node makes on first use (for a pipe, with node:net and the stream
  // modules: milliseconds of a small run's start); a run that writes its report to a file never
  // opens it.
  let stdout: NodeJS.WriteStream | undefined;
  const openStdout = (): NodeJS.WriteStream => {
    if (stdout) return stdout;
    stdout = process.stdout;
    // `lint-proxy-config ... | head`: a closed pipe ends the run quietly, not with a stack trace.
    stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
    return stdout;
  };
  const io: Io = {
    stdout: (t) => void openStdout().write(t),
    stderr: (t) => void process.stderr.write(t),
    readStdin,
    get isTTY() {
      return openStdout().isTTY === true;
    },
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv, io).then(
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
}
