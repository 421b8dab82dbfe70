/**
 * The directives the linter lowers, with the contexts and argument counts nginx's command tables
 * declare (`ngx_command_t` of ngx_http_proxy_module.c, ngx_http_headers_filter_module.c,
 * ngx_http_fastcgi_module.c..., headers-more and lua-nginx-module), so that a directive nginx
 * would refuse is reported in nginx's words (src/core/ngx_conf_file.c `ngx_conf_handler`) and not
 * simulated.
 */
import type { Version } from './version.js';
import { ADD_HEADER_INHERIT_SINCE, COOKIE_FLAGS_SINCE } from './version.js';

/** Where a directive may appear; `if` = `if` in a location (NGX_HTTP_LIF_CONF), `lmt` = limit_except. */
export type ConfContext = 'main' | 'http' | 'server' | 'location' | 'if' | 'lmt' | 'sif';

export interface DirectiveSpec {
  readonly contexts: readonly ConfContext[];
  /** Allowed argument counts (not counting the name); `Infinity` as max = 1MORE. */
  readonly min: number;
  readonly max: number;
  readonly block?: boolean;
  readonly since?: Version;
}

const HSL: readonly ConfContext[] = ['http', 'server', 'location'];
const HSLI: readonly ConfContext[] = ['http', 'server', 'location', 'if'];
/** NGX_HTTP_SRV_CONF|NGX_HTTP_SIF_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LIF_CONF: the rewrite module's directives. */
const REWRITE: readonly ConfContext[] = ['server', 'sif', 'location', 'if'];

export const DIRECTIVES: Readonly<Record<string, DirectiveSpec>> = {
  http: { contexts: ['main'], min: 0, max: 0, block: true },
  server: { contexts: ['http'], min: 0, max: 0, block: true },
  location: { contexts: ['server', 'location'], min: 1, max: 2, block: true },
  if: { contexts: ['server', 'location'], min: 1, max: Infinity, block: true },
  limit_except: { contexts: ['location'], min: 1, max: Infinity, block: true },
  internal: { contexts: ['location'], min: 0, max: 0 },
  include: { contexts: ['main', 'http', 'server', 'location', 'if', 'lmt', 'sif'], min: 1, max: 1 },
  proxy_cookie_path: { contexts: HSL, min: 1, max: 2 },
  proxy_cookie_domain: { contexts: HSL, min: 1, max: 2 },
  proxy_cookie_flags: { contexts: HSL, min: 1, max: 4, since: COOKIE_FLAGS_SINCE },
  add_header: { contexts: HSLI, min: 2, max: 3 },
  add_header_inherit: { contexts: HSLI, min: 1, max: 1, since: ADD_HEADER_INHERIT_SINCE },
  proxy_pass: { contexts: ['location', 'if', 'lmt'], min: 1, max: 1 },
  fastcgi_pass: { contexts: ['location', 'if'], min: 1, max: 1 },
  uwsgi_pass: { contexts: ['location', 'if'], min: 1, max: 1 },
  scgi_pass: { contexts: ['location', 'if'], min: 1, max: 1 },
  grpc_pass: { contexts: ['location', 'if'], min: 1, max: 1 },
  proxy_hide_header: { contexts: HSL, min: 1, max: 1 },
  fastcgi_hide_header: { contexts: HSL, min: 1, max: 1 },
  uwsgi_hide_header: { contexts: HSL, min: 1, max: 1 },
  scgi_hide_header: { contexts: HSL, min: 1, max: 1 },
  grpc_hide_header: { contexts: HSL, min: 1, max: 1 },
  proxy_pass_header: { contexts: HSL, min: 1, max: 1 },
  fastcgi_pass_header: { contexts: HSL, min: 1, max: 1 },
  uwsgi_pass_header: { contexts: HSL, min: 1, max: 1 },
  scgi_pass_header: { contexts: HSL, min: 1, max: 1 },
  grpc_pass_header: { contexts: HSL, min: 1, max: 1 },
  more_set_headers: { contexts: HSLI, min: 1, max: Infinity },
  more_clear_headers: { contexts: HSLI, min: 1, max: Infinity },
  header_filter_by_lua_block: { contexts: HSLI, min: 0, max: 0, block: true },
  header_filter_by_lua: { contexts: HSLI, min: 1, max: 1 },
  header_filter_by_lua_file: { contexts: HSLI, min: 1, max: 1 },
  // ngx_http_rewrite_module / ngx_http_map_module: the variables proxy_cookie_* may read.
  set: { contexts: REWRITE, min: 2, max: 2 },
  // The rest of the rewrite module's code (rewrite-code.ts): NGX_CONF_NOARGS, TAKE12, TAKE23.
  break: { contexts: REWRITE, min: 0, max: 0 },
  return: { contexts: REWRITE, min: 1, max: 2 },
  rewrite: { contexts: REWRITE, min: 2, max: 3 },
  map: { contexts: ['http'], min: 2, max: 2, block: true },
  // nginx_cookie_flag_module: NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE.
  set_cookie_flag: { contexts: ['server', 'location'], min: 1, max: Infinity },
};
