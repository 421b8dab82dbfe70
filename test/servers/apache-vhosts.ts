/**
 * Turning test cases and fixture files into name-based virtual hosts of one test Apache:
 * every `<VirtualHost>` listens on the test address under its own `ServerName`, backends point at
 * the test backends, and what the test server cannot run (mod_ssl, other Listen lines, modules
 * the preamble already loads) is commented out, so line structure stays close to the original.
 */
import type { Backends } from './apache.js';

export interface Mounts {
  readonly port: number;
  readonly backends: Backends;
}

/**
 * The standard backends of a case: HTTP at /h/, FastCGI at /f/, AJP at /a/, SCGI at /s/, uwsgi
 * at /u/, CGI at /cgi/ (lpc.cgi).
 */
export function standardMounts(m: Mounts): string {
  return [
    `    ProxyPass /h/ http://127.0.0.1:${m.backends.http.port}/`,
    `    ProxyPass /f/ fcgi://127.0.0.1:${m.backends.fcgi.port}/`,
    `    ProxyPass /a/ ajp://127.0.0.1:${m.backends.ajp.port}/`,
    `    ProxyPass /s/ scgi://127.0.0.1:${m.backends.scgi.port}/`,
    `    ProxyPass /u/ uwsgi://127.0.0.1:${m.backends.uwsgi.port}/`,
    `    ScriptAlias /cgi/ ${m.backends.cgiDir}/`,
  ].join('\n');
}

/** Replaces `@HTTP@`, `@FCGI@`, `@AJP@`, `@SCGI@`, `@UWSGI@`, `@CGIDIR@`, `@PHPDIR@` in a case body. */
export function fillPlaceholders(text: string, m: Mounts): string {
  return text
    .replaceAll('@HTTP@', `http://127.0.0.1:${m.backends.http.port}`)
    .replaceAll('@FCGI@', `fcgi://127.0.0.1:${m.backends.fcgi.port}`)
    .replaceAll('@AJP@', `ajp://127.0.0.1:${m.backends.ajp.port}`)
    .replaceAll('@SCGI@', `scgi://127.0.0.1:${m.backends.scgi.port}`)
    .replaceAll('@UWSGI@', `uwsgi://127.0.0.1:${m.backends.uwsgi.port}`)
    .replaceAll('@CGIDIR@', m.backends.cgiDir)
    .replaceAll('@PHPDIR@', m.backends.phpDir);
}

export function caseVhost(host: string, body: string, m: Mounts, mounts = true): string {
  return [`<VirtualHost 127.0.0.1:${m.port}>`, `    ServerName ${host}`, ...(mounts ? [standardMounts(m)] : []), fillPlaceholders(body, m), '</VirtualHost>', ''].join('\n');
}

/** A directive that routes requests to a backend (src/dialects/apache/routing.ts reads these). */
const BACKEND_DIRECTIVE = /^\s*(?:ProxyPass\w*|ScriptAlias\w*|SetHandler|AddHandler|Action|RewriteRule|JkMount)\b/im;

const COMMENT_OUT = /^(\s*)((?:SSL\w*|Listen|ServerName|ServerAlias|LoadModule|ServerRoot|PidFile|ErrorLog|CustomLog|User|Group|Include(?:Optional)?|Redirect\w*)\b.*)$/gim;

/**
 * A fixture as virtual hosts named `<prefix>-<k>.test`: each `<VirtualHost ...>` is moved to the
 * test address; a fragment without one is wrapped in one (with the standard mounts, so each
 * backend kind is exercised). Backend URLs are redirected to the test backend of their kind.
 */
export function fixtureAsVhosts(text: string, prefix: string, m: Mounts): { text: string; hosts: string[] } {
  const hosts: string[] = [];
  let body = text.replace(COMMENT_OUT, '$1# lpc-test: $2');
  body = body
    .replace(/\bhttps?:\/\/(?:localhost|127\.0\.0\.1|[\w.-]+)(?::\d+)?/gi, `http://127.0.0.1:${m.backends.http.port}`)
    .replace(/\bajp:\/\/(?:localhost|127\.0\.0\.1|[\w.-]+)(?::\d+)?/gi, `ajp://127.0.0.1:${m.backends.ajp.port}`)
    .replace(/\bscgi:\/\/(?:localhost|127\.0\.0\.1|[\w.-]+)(?::\d+)?/gi, `scgi://127.0.0.1:${m.backends.scgi.port}`)
    .replace(/\buwsgi:\/\/(?:localhost|127\.0\.0\.1|[\w.-]+)(?::\d+)?/gi, `uwsgi://127.0.0.1:${m.backends.uwsgi.port}`)
    .replace(/unix:[^|\s"]+\|fcgi:\/\/[^/\s"]*/gi, `fcgi://127.0.0.1:${m.backends.fcgi.port}`)
    .replace(/\bfcgi:\/\/(?:localhost|127\.0\.0\.1|[\w.-]+)(?::\d+)?/gi, `fcgi://127.0.0.1:${m.backends.fcgi.port}`)
    .replace(/^(\s*ScriptAlias(?:Match)?\s+\S+\s+)("?)\/usr\/lib\/cgi-bin\/?("?)/gim, `$1$2${m.backends.cgiDir}/$3`);
  // httpd answers 404 before any handler runs when DocumentRoot does not exist; the `<Directory>`
  // sections of the document root and below it follow it there.
  for (const [, docroot] of body.matchAll(/^\s*DocumentRoot\s+"?([^"\s]+?)\/?"?\s*$/gim)) {
    const escaped = docroot!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    body = body.replace(new RegExp(`^(\\s*<Directory\\s+"?)${escaped}(?=[/"\\s>])`, 'gim'), `$1${m.backends.cgiDir}`);
  }
  body = body.replace(/^(\s*DocumentRoot\s+).*$/gim, `$1${m.backends.cgiDir}`);
  if (/^\s*<VirtualHost\b/im.test(body)) {
    let k = 0;
    // Virtual hosts of a configuration that routes nowhere send no cookie: nothing to compare.
    // They get the standard mounts, so that their Header directives meet every producer.
    const mountsToo = !BACKEND_DIRECTIVE.test(body);
    body = body.replace(/^(\s*)<VirtualHost\b[^>]*>/gim, (_all, indent: string) => {
      const host = `${prefix}-${k++}.test`;
      hosts.push(host);
      return `${indent}<VirtualHost 127.0.0.1:${m.port}>\n${indent}    ServerName ${host}${mountsToo ? `\n${standardMounts(m)}` : ''}`;
    });
    return { text: body, hosts };
  }
  const host = `${prefix}-0.test`;
  hosts.push(host);
  return { text: caseVhost(host, body, m), hosts };
}
