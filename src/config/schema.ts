/**
 * The configuration file's JSON Schema, built from the rule registry so the two cannot drift.
 * schema/config.schema.json is this object written out (a test keeps them equal; run the tests
 * with UPDATE_SCHEMA=1 to rewrite it).
 */
import type { RuleMeta } from '../engine/rule.js';
import { HOMEPAGE } from '../meta.js';
import { productIds } from '../cookies/products.js';

/** A JSON Schema (draft-07) as a plain object. */
export type JsonSchema = Record<string, unknown>;

export function configSchema(rules: readonly RuleMeta[]): JsonSchema {
  const cookieList = {
    type: 'array',
    items: { $ref: '#/definitions/cookieName' },
    uniqueItems: true,
  };
  const products = {
    description: 'Products behind these configurations whose CSRF cookies count: ids from the catalog, or "all" for every known CSRF cookie. Without it, the products are inferred per scope from evidence in the configuration.',
    // One schema for both forms (pattern applies to the string, the rest to the array): a
    // mistake then gets one message, not one per anyOf branch.
    type: ['string', 'array'],
    pattern: '^all$',
    minItems: 1,
    uniqueItems: true,
    items: { $ref: '#/definitions/product' },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${HOMEPAGE}/blob/main/schema/config.schema.json`,
    title: 'lint-proxy-config configuration',
    description: 'Configuration of lint-proxy-config (lint-proxy-config.config.json, .lint-proxy-configrc.json or "lint-proxy-config" in package.json).',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'The schema this file follows.' },
      $comment: { type: 'string', description: 'A note for readers; ignored.' },
      rules: {
        type: 'object',
        description: 'Severity of each rule: "off", "warn" or "error".',
        additionalProperties: false,
        properties: Object.fromEntries(
          [...rules].sort((a, b) => a.id.localeCompare(b.id)).map((r) => [r.id, { $ref: '#/definitions/ruleSetting', description: r.description }]),
        ),
      },
      xsrfCookies: { ...cookieList, description: 'More cookies that JavaScript reads (CSRF tokens): they must never get HttpOnly.' },
      sessionCookies: { ...cookieList, description: 'More session cookies, which should stay HttpOnly (used when proving fixes). A name may not also be a CSRF cookie.' },
      products,
      overrides: {
        type: 'array',
        description: 'Settings for some files, by glob relative to this file.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['files'],
          properties: {
            files: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Globs, relative to this file.' },
            type: { enum: ['apache', 'nginx', 'iis', 'haproxy', 'caddy'], description: 'The dialect of these files.' },
            products: { ...products, description: 'Products behind the scopes of these files (replaces the top-level "products").' },
          },
        },
      },
      ignores: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Globs of files never to lint, relative to this file.' },
      include: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Globs a directory walk also lints, relative to the walked directory, e.g. "**/*.conf.j2" (templates are skipped otherwise).',
      },
      root: {
        type: 'string',
        minLength: 1,
        description: 'Absolute paths in includes are read under this directory (a copy of the whole file system), relative to this file.',
      },
      pathMap: {
        type: 'object',
        description: 'Absolute path prefixes in includes and the directories (relative to this file) that hold their copies, e.g. {"/etc/nginx": "deploy/nginx"}.',
        propertyNames: { pattern: '^/' },
        additionalProperties: { type: 'string', minLength: 1 },
      },
      serverRoot: { type: 'string', minLength: 1, description: 'Apache: directory relative Include paths resolve against.' },
      apacheModules: {
        type: 'array',
        items: { type: 'string', pattern: '^(\\w+_module|mod_[\\w-]+\\.c)$' },
        uniqueItems: true,
        description:
          'Apache: the modules your server loads (e.g. "headers_module" or "mod_headers.c"), for files linted without the LoadModule lines of their server; default: what Debian\'s apache2 package enables.',
      },
      prefix: { type: 'string', minLength: 1, description: 'nginx: directory relative include paths resolve against.' },
      nginxVersion: { type: 'string', pattern: '^\\d+\\.\\d+(\\.\\d+)?$', description: 'nginx version to check against, e.g. "1.24.0".' },
      nginxDirectives: {
        type: 'array',
        items: { type: 'string', pattern: '^[^\\s;{}#]+$' },
        uniqueItems: true,
        description:
          'nginx: directives of third-party modules your nginx has (e.g. "set_cookie_flag"), or a dynamic module built in (e.g. "ngx_http_lua_module" for OpenResty); other names nginx does not know are reported as unknown.',
      },
      caddyVersion: { type: 'string', pattern: '^\\d+\\.\\d+(\\.\\d+)?$', description: 'Caddy version to check against, e.g. "2.6.2".' },
      requireReason: { type: 'boolean', description: 'Inline disable comments need a reason after "--" (default true).' },
      maxFileSize: { type: 'integer', minimum: 1, description: 'Skip files larger than this many megabytes, with a message and exit code 2 (default 64).' },
      noInlineConfig: { type: 'boolean', description: 'Ignore inline lint-proxy-config-disable comments.' },
      baseline: { type: 'string', minLength: 1, description: 'Baseline file (written by --baseline-write), relative to this file: its findings are not reported.' },
    },
    definitions: {
      ruleSetting: { enum: ['off', 'warn', 'error'] },
      product: { enum: [...productIds(), 'all'] },
      cookieName: { type: 'string', pattern: "^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$" },
    },
  };
}
