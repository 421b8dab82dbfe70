/**
 * Where fuzzed files live in the in-memory file system, and the configuration around them:
 * on its own, or included from a main configuration (Apache, nginx) or below a parent
 * web.config (IIS), so that messages and fixes also land in a file other than the fuzzed one.
 */
import type { Dialect } from '../../src/model/header-rewrite.js';
import type { FuzzProject } from './invariants.js';

const DIRS: Readonly<Record<Dialect, string>> = {
  apache: '/etc/apache2/sites-enabled',
  nginx: '/etc/nginx/conf.d',
  iis: '/inetpub/wwwroot/app',
  haproxy: '/etc/haproxy',

  caddy: '/etc/caddy',
};

/** An absolute path for a fuzzed file named like its seed (the name guides nginx's context guess). */
export function targetPath(dialect: Dialect, basename: string): string {
  return `${DIRS[dialect]}/${basename}`;
}

const APACHE_MAIN = `ServerRoot "/etc/apache2"
# Hardening guide: every cookie HttpOnly (also the XSRF token cookies).
Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"
IncludeOptional sites-enabled/*.conf
`;

function nginxMain(fragment: string): string {
  // Fragments with server blocks belong in http, the others (locations, directives) in a server.
  const include = /^\s*server\s*\{/m.test(fragment) ? '    include conf.d/*.conf;\n' : '    server {\n        listen 80;\n        include conf.d/*.conf;\n    }\n';
  return `events {}\nhttp {\n    proxy_cookie_flags ~ httponly;\n${include}}\n`;
}

const IIS_PARENT = `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.webServer>
    <rewrite>
      <outboundRules>
        <rule name="Parent HttpOnly">
          <match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />
          <action type="Rewrite" value="{R:0}; HttpOnly" />
        </rule>
      </outboundRules>
    </rewrite>
  </system.webServer>
</configuration>
`;

/**
 * The fuzzed file alone, or (`inContext`) together with the file that includes it or that it
 * inherits from; both are linted, as when a whole server directory is.
 */
export function fuzzProject(dialect: Dialect, basename: string, content: string | Uint8Array, inContext: boolean): FuzzProject {
  if (!inContext) {
    const target = targetPath(dialect, basename);
    return { files: { [target]: content }, targets: [target], dialect };
  }
  switch (dialect) {
    case 'apache': {
      const site = targetPath(dialect, basename.endsWith('.conf') ? basename : `${basename}.conf`);
      return { files: { '/etc/apache2/apache2.conf': APACHE_MAIN, [site]: content }, targets: ['/etc/apache2/apache2.conf', site], dialect };
    }
    case 'nginx': {
      const site = targetPath(dialect, basename.endsWith('.conf') ? basename : `${basename}.conf`);
      const main = nginxMain(Buffer.from(content).toString('latin1'));
      return { files: { '/etc/nginx/nginx.conf': main, [site]: content }, targets: ['/etc/nginx/nginx.conf', site], dialect };
    }
    case 'haproxy': {
      // HAProxy has no include directive: the file is always linted on its own.
      const target = targetPath(dialect, basename);
      return { files: { [target]: content }, targets: [target], dialect };
    }
    case 'iis':
      // Only files named web.config inherit from the web.config files above them.
      return { files: { '/inetpub/wwwroot/web.config': IIS_PARENT, [targetPath(dialect, 'web.config')]: content }, targets: ['/inetpub/wwwroot/web.config', targetPath(dialect, 'web.config')], dialect };
    case 'caddy': {
      // A site block of the main Caddyfile imports the fuzzed file.
      const site = targetPath(dialect, basename.endsWith('.caddy') ? basename : `${basename}.caddy`);
      const main = `http://example.com {\n\theader >Set-Cookie (.*) "$1; HttpOnly"\n\timport ${site}\n\treverse_proxy 127.0.0.1:8080\n}\n`;
      return { files: { '/etc/caddy/Caddyfile': main, [site]: content }, targets: ['/etc/caddy/Caddyfile', site], dialect };
    }
  }
}
