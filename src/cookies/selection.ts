/**
 * Which products a user says sit behind a configuration: `--all-products`, the configuration
 * file's `products` (top level and per `overrides` glob), and inline comments per scope:
 *
 *   # lint-proxy-config-products jira, confluence -- the intranet vhost fronts both
 *   <!-- lint-proxy-config-products all -->
 *
 * Plain data (it travels to worker threads inside the catalog); resolved per scope by
 * src/cookies/scope.ts.
 */
import type { CommentToken } from '../model/header-rewrite.js';
import type { Span } from '../source.js';
import { compileGlobList, type PathMatcher } from '../path-glob.js';
import { findProduct } from './products.js';

/** `"all"`, or product ids from src/cookies/products.ts. */
export type ProductSelection = 'all' | readonly string[];

export interface ProductSettings {
  /** `--all-products`: every catalog cookie counts everywhere, whatever else is set. */
  readonly allProducts?: boolean;
  /** The configuration file's top-level `products`. */
  readonly products?: ProductSelection;
  /** `overrides[].products`, with absolute globs; the last matching entry wins. */
  readonly overrides?: readonly { readonly files: readonly string[]; readonly products: ProductSelection }[];
  /** Inline `lint-proxy-config-products` comments are read (off with `--no-inline-config`). */
  readonly inline?: boolean;
}

/** Where a selection came from, for messages and JSON data. */
export interface SelectionSource {
  readonly from: 'command line' | 'configuration' | 'inline comment';
  readonly selection: ProductSelection;
  readonly span?: Span;
}

const INLINE = /^lint-proxy-config-products(?=\s|$)(.*)$/s;

/** An inline products comment: what it selects, and the ids it does not know. */
export interface InlineProducts {
  readonly comment: CommentToken;
  readonly selection: ProductSelection;
  readonly unknown: readonly string[];
}

/** Parses `lint-proxy-config-products jira, confluence -- reason` (a reason is optional). */
export function parseInlineProducts(comment: CommentToken): InlineProducts | undefined {
  const m = INLINE.exec(comment.text.trim());
  if (!m) return undefined;
  const sep = /(?:^|\s)--?(?:\s|$)/.exec(m[1]!);
  const list = (sep ? m[1]!.slice(0, sep.index) : m[1]!)
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
  if (list.some((x) => x.toLowerCase() === 'all')) return { comment, selection: 'all', unknown: list.filter((x) => x.toLowerCase() !== 'all' && !findProduct(x)) };
  const known = list.filter((x) => findProduct(x)).map((x) => findProduct(x)!.id);
  return { comment, selection: known, unknown: list.filter((x) => !findProduct(x)) };
}

const compiledFiles = new WeakMap<readonly string[], PathMatcher>();

/** The file-level selection for a scope opened in `file`: command line, then overrides, then top level. */
export function fileSelection(settings: ProductSettings | undefined, file: string): SelectionSource | undefined {
  if (!settings) return undefined;
  if (settings.allProducts) return { from: 'command line', selection: 'all' };
  let chosen: ProductSelection | undefined;
  for (const o of settings.overrides ?? []) {
    // The same globs as the overrides' `type` (src/config/settings.ts): from the tree, so matched without a RegExp.
    let match = compiledFiles.get(o.files);
    if (!match) compiledFiles.set(o.files, (match = compileGlobList(o.files)));
    if (match(file)) chosen = o.products;
  }
  chosen ??= settings.products;
  return chosen === undefined ? undefined : { from: 'configuration', selection: chosen };
}
