/**
 * The Caddyfile's placeholder shorthands (httpcaddyfile/httptype.go `placeholderShorthands` and
 * its regexp replacements, Caddy 2.6.2): the adapter rewrites them in every token before the
 * directives see them, so `{path}` in a header value is `{http.request.uri.path}` at run time
 * [LAB 2.6.2: `{method}` → GET, `{header.X}`, `{vars.x}`, `${path}` → `$/a/b`].
 */

const SIMPLE: Readonly<Record<string, string>> = {
  dir: 'http.request.uri.path.dir',
  file: 'http.request.uri.path.file',
  host: 'http.request.host',
  hostport: 'http.request.hostport',
  port: 'http.request.port',
  method: 'http.request.method',
  path: 'http.request.uri.path',
  query: 'http.request.uri.query',
  remote: 'http.request.remote',
  remote_host: 'http.request.remote.host',
  remote_port: 'http.request.remote.port',
  scheme: 'http.request.scheme',
  uri: 'http.request.uri',
  tls_cipher: 'http.request.tls.cipher_suite',
  tls_version: 'http.request.tls.version',
  tls_client_fingerprint: 'http.request.tls.client.fingerprint',
  tls_client_issuer: 'http.request.tls.client.issuer',
  tls_client_serial: 'http.request.tls.client.serial',
  tls_client_subject: 'http.request.tls.client.subject',
  tls_client_certificate_pem: 'http.request.tls.client.certificate_pem',
  tls_client_certificate_der_base64: 'http.request.tls.client.certificate_der_base64',
  upstream_hostport: 'http.reverse_proxy.upstream.hostport',
};

const PREFIXED: readonly (readonly [RegExp, string])[] = [
  [/\{header\.([\w-]*)\}/g, '{http.request.header.$1}'],
  [/\{cookie\.([\w-]*)\}/g, '{http.request.cookie.$1}'],
  [/\{labels\.([\w-]*)\}/g, '{http.request.host.labels.$1}'],
  [/\{path\.([\w-]*)\}/g, '{http.request.uri.path.$1}'],
  [/\{file\.([\w-]*)\}/g, '{http.request.uri.path.file.$1}'],
  [/\{query\.([\w-]*)\}/g, '{http.request.uri.query.$1}'],
  [/\{re\.([\w-]*)\.([\w-]*)\}/g, '{http.regexp.$1.$2}'],
  [/\{vars\.([\w-]*)\}/g, '{http.vars.$1}'],
  [/\{rp\.([\w.-]*)\}/g, '{http.reverse_proxy.$1}'],
  [/\{err\.([\w.-]*)\}/g, '{http.error.$1}'],
  [/\{file_match\.([\w-]*)\}/g, '{http.matchers.file.$1}'],
];

/** A token's text as the adapter hands it on: the simple shorthands first, then the prefixed ones. */
export function expandShorthands(text: string): string {
  if (!text.includes('{')) return text;
  let out = text.replace(/\{([a-z_0-9]+)\}/g, (all, name: string) => (Object.hasOwn(SIMPLE, name) ? `{${SIMPLE[name]}}` : all));
  for (const [re, to] of PREFIXED) out = out.replace(re, to);
  return out;
}
