/**
 * Turning a configuration the linter read (a fixture, a test case) into one the real nginx can
 * run on loopback, without changing what happens to cookies: every `listen` becomes
 * 127.0.0.1:<port>, every `*_pass` (and upstream server) points at the test backends, a FastCGI
 * location passes the query string, and what needs root or real files (user, pid, logs, SSL,
 * modules, includes that do not exist here) goes. Edits use the dialect's own spans.
 * Fragments are wrapped into a server block (location and server context) or an http block.
 */
import { applyEdits, type TextEdit } from '../../src/source.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Lowering } from '../../src/dialects/dialect.js';
import type { NginxEndpoint, NginxSyntax } from '../../src/dialects/nginx/index.js';
import type { Directive } from '../../src/dialects/nginx/syntax.js';
import { chainOf, type Level } from '../../src/dialects/nginx/levels.js';
import { httpBoilerplate, type NginxModule } from '../servers/nginx.js';

export interface Ports {
  readonly listen: number;
  readonly http: number;
  readonly fastcgi: number;
  /** uwsgi and SCGI test backends; without them `uwsgi_pass`/`scgi_pass` point at the discard port. */
  readonly uwsgi?: number;
  readonly scgi?: number;
}

export interface RunnableConfig {
  /** `server`: a server block for the shared process; `main`: a whole nginx.conf of its own. */
  readonly kind: 'server' | 'main';
  readonly text: string;
  readonly modules: ReadonlySet<NginxModule>;
  /** The Host header that reaches an endpoint's server. */
  host(endpoint: NginxEndpoint): string;
}

const DELETE = new Set([
  'user', 'pid', 'error_log', 'access_log', 'worker_processes', 'worker_rlimit_nofile', 'load_module', 'daemon', 'master_process',
  'http2', 'ssl', 'proxy_cache_path', 'fastcgi_cache_path', 'lua_package_path', 'server_tokens',
]);

function passTarget(name: string, ports: Ports): string | undefined {
  switch (name) {
    case 'proxy_pass':
      return `http://127.0.0.1:${ports.http}`;
    case 'fastcgi_pass':
      return `127.0.0.1:${ports.fastcgi}`;
    case 'uwsgi_pass':
      return `127.0.0.1:${ports.uwsgi ?? 9}`;
    case 'scgi_pass':
      return `127.0.0.1:${ports.scgi ?? 9}`;
    case 'grpc_pass':
      return '127.0.0.1:9';
    default:
      return undefined;
  }
}

function serverHost(index: number): string {
  return `lpc-s${index}.test`;
}

function argsRange(d: Directive): { start: number; end: number } {
  return { start: d.args[0]!.span.start, end: d.args[d.args.length - 1]!.span.end };
}

export function runnable({ model, syntax: info }: Lowering<NginxSyntax>, ports: Ports, serverName: string, prefix: string): RunnableConfig | { skip: string } {
  if (info.tree.dump) return { skip: 'the configuration is an nginx -T dump' };
  if (model.problems.some((p) => p.kind === 'syntax')) return { skip: 'the configuration has a syntax error' };
  const file = model.files.get(model.root)!;
  const modules = new Set<NginxModule>();
  const anyPass = info.levels.some((l) => l.backends.length > 0);
  const passLine = `proxy_pass http://127.0.0.1:${ports.http};`;
  const listenLine = `listen 127.0.0.1:${ports.listen};`;
  const textOf = (path: string) => model.files.get(path)?.text;

  const servers = info.levels.filter((l) => l.kind === 'server' && l.directive).map((l) => l.directive!);
  const hostOf = (e: NginxEndpoint) => {
    const server = chainOf(e.level).find((l) => l.kind === 'server' && l.directive);
    return server ? serverHost(servers.indexOf(server.directive!)) : 'lpc-default';
  };
  // Edits of the last pass below, by file (a level may come from an included file).
  const late = new Map<string, TextEdit[]>();
  /**
   * The edits of one file; an `include` that nginx resolved is replaced by the edited text of the
   * files it includes, so that the runnable configuration is one file with the same directives.
   */
  const visit = (directives: readonly Directive[], parent: Directive | null, path: string, edits: TextEdit[]) => {
    const del = (d: Directive) => edits.push({ file: path, start: d.span.start, end: d.span.end, text: '' });
    let listenSeen = false;
    for (const d of directives) {
      const name = d.name.value;
      if (DELETE.has(name) || name.startsWith('ssl_')) {
        del(d);
        continue;
      }
      if (name === 'include') {
        const inlined = (d.included ?? []).map((inc) => {
          const text = textOf(inc.textFile);
          if (text === undefined) throw new Error(`runnable: no text for ${inc.textFile}`);
          const sub = [...(late.get(inc.textFile) ?? [])];
          visit(inc.directives, parent, inc.textFile, sub);
          return applyEdits(text, sub);
        });
        if (inlined.length > 0) edits.push({ file: path, start: d.span.start, end: d.span.end, text: `\n${inlined.join('\n')}\n` });
        else if (!(d.args[0]?.value.startsWith('/') && existsSync(d.args[0].value))) del(d);
        continue;
      }
      if (name === 'listen' && d.args.length > 0) {
        if (listenSeen || (parent === null && info.context === 'server')) del(d);
        else edits.push({ file: path, ...argsRange(d), text: `127.0.0.1:${ports.listen}` });
        listenSeen = true;
        continue;
      }
      if (name === 'server_name' && parent === null && info.context === 'server') {
        del(d);
        continue;
      }
      if (name === 'server' && parent?.name.value === 'upstream' && d.args.length > 0) {
        edits.push({ file: path, ...argsRange(d), text: `127.0.0.1:${ports.http}` });
        continue;
      }
      const target = passTarget(name, ports);
      if (target && d.args.length === 1) {
        // A proxy_pass URI part stays: nginx refuses it where no location prefix can be replaced.
        const uri = name === 'proxy_pass' && !d.args[0]!.value.includes('$') ? (/^https?:\/\/(?:unix:[^:]*:|[^/]*)(\/.*)$/i.exec(d.args[0]!.value)?.[1] ?? '') : '';
        edits.push({ file: path, start: d.args[0]!.span.start, end: d.args[0]!.span.end, text: `${target}${uri}` });
        // The FastCGI, uwsgi and SCGI backends read the cookies to send from QUERY_STRING.
        const param = { fastcgi_pass: 'fastcgi_param', uwsgi_pass: 'uwsgi_param', scgi_pass: 'scgi_param' }[name];
        if (param) edits.push({ file: path, start: d.span.end, end: d.span.end, text: ` ${param} QUERY_STRING $query_string;` });
        continue;
      }
      if (name === 'header_filter_by_lua_file' && d.args[0] && !d.args[0].value.startsWith('/')) {
        // lua-nginx-module resolves relative paths against nginx's prefix, which is the test's own.
        edits.push({ file: path, start: d.args[0].span.start, end: d.args[0].span.end, text: join(info.tree.prefix, d.args[0].value) });
      }
      if (name === 'more_set_headers' || name === 'more_clear_headers') modules.add('headers-more');
      if (/_by_lua(?:_block|_file)?$/.test(name)) modules.add('lua');
      if (d.block) {
        visit(d.block.children, d, path, edits);
        if (name === 'server' && parent?.name.value !== 'upstream') {
          // A name of its own, so that several servers sharing a name still get their own requests.
          const own = `server_name ${serverHost(servers.indexOf(d))};`;
          const listen = d.block.children.some((c) => c.name.value === 'listen') ? '' : ` ${listenLine}`;
          edits.push({ file: path, start: d.block.open.end, end: d.block.open.end, text: `${listen} ${own}` });
        }
      }
    }
  };
  // A configuration that reaches no backend is linted as if it proxied over HTTP; make it do so.
  const needsPass = (l: Level) => !anyPass && l.kind === 'location' && l.directive?.block;
  const lateEdit = (e: TextEdit) => late.set(e.file, [...(late.get(e.file) ?? []), e]);
  if (!anyPass) {
    for (const l of info.levels) {
      const block = l.directive?.block;
      if (needsPass(l)) lateEdit({ file: block!.open.file, start: block!.open.end, end: block!.open.end, text: ` ${passLine}` });
      const close = block?.close;
      if (l.kind === 'server' && close && !l.children.some((c) => c.kind === 'location')) {
        lateEdit({ file: close.file, start: close.start, end: close.start, text: `location / { ${passLine} }\n` });
      }
    }
  }
  const edits: TextEdit[] = [...(late.get(file.path) ?? [])];
  visit(info.tree.directives, null, file.path, edits);
  const body = applyEdits(file.text, edits);
  const rootLevel = info.levels[0]!;
  const fallbackLocation = !anyPass && rootLevel.children.every((c) => c.kind !== 'location') ? `location / { ${passLine} }\n` : '';
  switch (info.context) {
    case 'location':
      return {
        kind: 'server',
        text: `server {\n${listenLine}\nserver_name ${serverName};\nlocation / {\n${body}\n${anyPass ? '' : passLine}\n}\n}\n`,
        modules,
        host: () => serverName,
      };
    case 'server':
      return { kind: 'server', text: `server {\n${listenLine}\nserver_name ${serverName};\n${body}\n${fallbackLocation}}\n`, modules, host: () => serverName };
    case 'http': {
      const extraServer = rootLevel.children.some((c) => c.kind === 'server') ? '' : `server {\n${listenLine}\n${fallbackLocation}}\n`;
      return { kind: 'main', text: `events {}\nhttp {\n${httpBoilerplate(prefix)}\n${body}\n${extraServer}}\n`, modules, host: hostOf };
    }
    case 'main': {
      const http = info.tree.directives.find((d) => d.name.value === 'http' && d.block);
      if (!http) return { skip: 'no http block' };
      // An http block without a server still gets one, so that nginx listens (as for http fragments).
      const httpLevel = info.levels.find((l) => l.directive === http);
      const serverless = !httpLevel?.children.some((c) => c.kind === 'server') && http.block!.close;
      const extra = serverless ? [{ file: file.path, start: http.block!.close!.start, end: http.block!.close!.start, text: `server {\n${listenLine}\n${fallbackLocation}}\n` }] : [];
      const withBoilerplate = applyEdits(file.text, [...edits, { file: file.path, start: http.block!.open.end, end: http.block!.open.end, text: `\n${httpBoilerplate(prefix)}\n` }, ...extra]);
      const events = info.tree.directives.some((d) => d.name.value === 'events') ? '' : 'events {}\n';
      return { kind: 'main', text: `${events}${withBoilerplate}`, modules, host: hostOf };
    }
  }
}
