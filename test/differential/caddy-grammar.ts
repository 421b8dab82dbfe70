/**
 * Random Caddy sites built from what changes Set-Cookie lines, for the differential test against
 * the real Caddy (caddy.test.ts): the `header` directive in each of its forms (set, add, delete,
 * replace, deferred, with path matchers, with request placeholders), `reverse_proxy`'s `header_down`, `handle`/`route`
 * blocks around them, and what Caddy answers itself (`respond`, `redir`, `error`, a `file_server`
 * without the file, `handle_errors`), and `handle_response` taking over the backend's response. Some combinations are refused by `caddy validate`: the linter must then
 * refuse them too.
 */
import fc from 'fast-check';

export const HEADER_LINES: readonly string[] = [
  'header Set-Cookie "(.*)" "$1; HttpOnly"',
  'header Set-Cookie "^((?:XSRF-TOKEN|csrftoken)=.*)$" "$1; Secure"',
  'header Set-Cookie "(?i); *httponly" ""',
  'header -Set-Cookie',
  'header +Set-Cookie "lpc_add=1; Path=/"',
  'header Set-Cookie "lpc_set=1"',
  'header >Set-Cookie "(.*)" "$1; SameSite=Lax"',
  'header /h/* Set-Cookie "(.*)" "$1; HttpOnly"',
  'header /other/* -Set-Cookie',
  'header {\n\t\tdefer\n\t\tSet-Cookie "(.*)" "$1; HttpOnly"\n\t}',
  'header ?Set-Cookie "lpc_default=1"',
  'header X-Other 1',
  'header >Set-Cookie "(" "x"',
  'header >Set-Cookie "^(?!XSRF-TOKEN)(.*)$" "$1; HttpOnly"',
  'header >Set-Cookie "(?i)^(xsrf-token=.*)$" "${1}; HttpOnly"',
  'header +Set-Cookie "q={query.a}; Path={path}"',
  'header +Set-Cookie "h={host}; p={http.request.proto}"',
  'header Set-Cookie "^(csrftoken=[^;]*)(.*)$" "$1$2; X={header.X-Lpc}"',
  'header +Set-Cookie "c={http.request.cookie.sid}"',
];

export const HEADER_DOWN: readonly string[] = [
  'header_down Set-Cookie "(.*)" "$1; HttpOnly"',
  'header_down -Set-Cookie',
  'header_down +Set-Cookie "down=1"',
  'header_down Set-Cookie "^(XSRF-TOKEN=[^;]*)(.*)$" "$1$2; HttpOnly"',
  'header_down Set-Cookie "lpc_down=1"',
  'header_down Set-Cookie "[" "x"',
  'header_down ?Set-Cookie "lpc_default=2"',
];

/**
 * What Caddy answers itself, beside the proxy: the `header` lines on the way still write their
 * lines into its answer, and no backend line reaches it.
 */
export const ANSWERS: readonly string[] = [
  'respond /ans/* "a" 403',
  'redir /old/* /new',
  'redir /perm/* /new permanent',
  'handle /ans/* {\n\theader +Set-Cookie "lpc_ans=1; HttpOnly"\n\trespond "b"\n}',
  'handle /ans/* {\n\theader >Set-Cookie "(.*)" "$1; Secure"\n\trespond "c" 200\n}',
  'error /err/* 500',
  'handle /files/* {\n\troot * /nonexistent-lpc\n\tfile_server\n}',
  'handle_errors {\n\theader +Set-Cookie "lpc_he=1; HttpOnly"\n\trespond "handled" 599\n}',
  'handle_errors {\n\theader >Set-Cookie "(.*)" "$1; Secure"\n}',
];

/** `reverse_proxy` blocks whose response handlers take over some of the backend's responses (by status). */
export const RESPONSE_HANDLERS: readonly string[] = [
  '@lpc_e status 500\nhandle_response @lpc_e {\n\theader +Set-Cookie "lpc_hr=1"\n\trespond "replaced" 502\n}',
  '@lpc_r status 3xx\nhandle_response @lpc_r {\n\tcopy_response_headers {\n\t\tinclude Set-Cookie\n\t}\n\trespond "copied"\n}',
  'handle_response {\n\tcopy_response\n}',
];

export interface GeneratedSite {
  readonly text: (port: number, backend: number) => string;
}

export const siteArb: fc.Arbitrary<GeneratedSite> = fc
  .record({
    top: fc.array(fc.constantFrom(...HEADER_LINES), { maxLength: 3 }),
    down: fc.array(fc.constantFrom(...HEADER_DOWN), { maxLength: 2 }),
    wrap: fc.constantFrom('none', 'handle', 'route', 'handle_path'),
    inner: fc.array(fc.constantFrom(...HEADER_LINES), { maxLength: 2 }),
    answers: fc.array(fc.constantFrom(...ANSWERS), { maxLength: 2 }),
    responses: fc.array(fc.constantFrom(...RESPONSE_HANDLERS), { maxLength: 1 }),
  })
  .map(({ top, down, wrap, inner, answers, responses }) => ({
    text: (port, backend) => {
      const block = [...down, ...responses.flatMap((r) => r.split('\n'))];
      const proxy = block.length > 0 ? [`reverse_proxy 127.0.0.1:${backend} {`, ...block.map((d) => `\t${d}`), '}'] : [`reverse_proxy 127.0.0.1:${backend}`];
      const body =
        wrap === 'none'
          ? [...inner, ...proxy]
          : [`${wrap === 'handle_path' ? 'handle_path /h/*' : wrap === 'route' ? 'route /h/*' : 'handle /h/*'} {`, ...[...inner, ...proxy].map((l) => `\t${l}`), '}', 'handle {', `\treverse_proxy 127.0.0.1:${backend}`, '}'];
      return [`http://127.0.0.1:${port} {`, ...[...top, ...answers, ...body].map((l) => `\t${l.replaceAll('\n', '\n\t')}`), '}', ''].join('\n');
    },
  }));
