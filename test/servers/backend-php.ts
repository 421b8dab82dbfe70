/**
 * PHP scripts served by mod_php inside the test Apache (apache.ts `startApache(..., { php: true })`):
 *
 * - `lpc.php` answers like the backends of backend.ts: one Set-Cookie line per base64url value of
 *   `?lpc=` (through `header(..., false)`, which adds), the status of `?status=` (default 200);
 * - `app.php` sets an application's own cookies the way PHP code does: `session_start()` with a
 *   fixed id, `setcookie()` with PHP's formatting of paths, flags and SameSite, and a raw
 *   `header('Set-Cookie: ...', false)`; some are already Secure or HttpOnly. `?status=` as above.
 *
 * mod_php (sapi/apache2handler `php_apache_sapi_header_handler`) puts every header a script sends
 * into `r->headers_out`, whatever the status: the table `Header [onsuccess]` edits.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STATUS = "http_response_code(isset($_GET['status']) ? (int) $_GET['status'] : 200);";

const LPC = [
  '<?php',
  STATUS,
  "if (isset($_GET['lpc']) && $_GET['lpc'] !== '') {",
  "    foreach (explode('.', $_GET['lpc']) as $part) {",
  "        header('Set-Cookie: ' . base64_decode(strtr($part, '-_', '+/')), false);",
  '    }',
  '}',
  "header('Content-Type: text/plain');",
  'echo "ok\\n";',
  '',
].join('\n');

const APP = [
  '<?php',
  STATUS,
  "session_id('s3ss10n');",
  'session_start();',
  "setcookie('atl.xsrf.token', 'tok123', ['path' => '/']);",
  "setcookie('XSRF-TOKEN', 'x1', ['path' => '/app', 'samesite' => 'Lax']);",
  "setcookie('csrftoken', 'c1', ['secure' => true]);",
  "setcookie('laravel_session', 'l1', ['path' => '/', 'secure' => true, 'httponly' => true]);",
  "header('Set-Cookie: sc=s; Domain=example.com; Path=/; HttpOnly', false);",
  "header('Content-Type: text/plain');",
  'echo "ok\\n";',
  '',
].join('\n');

/** The cookies `app.php` sets, in the order it sends them (the test server checks this list). */
export const APP_COOKIES: readonly string[] = [
  'PHPSESSID=s3ss10n; path=/',
  'atl.xsrf.token=tok123; path=/',
  'XSRF-TOKEN=x1; path=/app; SameSite=Lax',
  'csrftoken=c1; secure',
  'laravel_session=l1; path=/; secure; HttpOnly',
  'sc=s; Domain=example.com; Path=/; HttpOnly',
];

/**
 * Writes `lpc.php` and `app.php` into `dir` and its subdirectory `sub/` (for `<Location /sub/>`,
 * `<Directory .../sub>`).
 */
export function writePhpScripts(dir: string): void {
  for (const d of [dir, join(dir, 'sub')]) {
    mkdirSync(d, { recursive: true });
    chmodSync(d, 0o755);
    writeFileSync(join(d, 'lpc.php'), LPC);
    writeFileSync(join(d, 'app.php'), APP);
  }
}

/**
 * Writes the `php.ini` a test Apache's mod_php reads (through `PHPIniDir`) into `root`, with a
 * session directory of its own, so the system's php.ini changes nothing.
 */
export function writePhpIni(root: string): void {
  const sessions = join(root, 'php-sessions');
  mkdirSync(sessions, { recursive: true });
  // Workers run as www-data when the tests run as root.
  chmodSync(sessions, 0o1733);
  writeFileSync(
    join(root, 'php.ini'),
    ['[PHP]', 'expose_php = Off', 'output_buffering = 0', 'display_errors = Off', 'log_errors = On', `session.save_path = "${sessions}"`, 'session.use_cookies = 1', 'session.cookie_httponly = 0', ''].join('\n'),
  );
}
