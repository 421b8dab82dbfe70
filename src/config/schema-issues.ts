/**
 * ajv's errors as the linter reports them: the key's path in the file's own notation
 * (`rules.xsrf-cookie-htponly`, `overrides[0].files`), one short sentence, and for an unknown key
 * the closest known one.
 */
import { closest } from '../closest.js';
import { childPath, type JsonValue } from '../jsonc.js';
import type { SchemaError } from './validator-types.js';

export interface SchemaIssue {
  /** `rules.xsrf-cookie-htponly`; `` for the root. */
  readonly path: string;
  readonly message: string;
  /** The issue is about the key itself (an unknown property), not its value. */
  readonly atKey?: boolean;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Follows a JSON pointer through the value, building the dotted path and finding the value. */
function locate(pointer: string, root: JsonValue): { path: string; value: unknown } {
  let path = '';
  let value: unknown = root;
  if (pointer === '') return { path, value };
  for (const raw of pointer.slice(1).split('/')) {
    const segment = unescapePointer(raw);
    if (Array.isArray(value)) {
      const index = Number(segment);
      path = childPath(path, index);
      value = value[index];
    } else {
      path = childPath(path, segment);
      value = value !== null && typeof value === 'object' && Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return { path, value };
}

/** The schema object a `schemaPath` such as `#/properties/rules/additionalProperties` sits in. */
function parentSchema(schema: object, schemaPath: string): Record<string, unknown> | undefined {
  const parts = schemaPath.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(unescapePointer);
  parts.pop();
  let node: unknown = schema;
  for (const p of parts) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, p)) return undefined;
    node = (node as Record<string, unknown>)[p];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

function describe(e: SchemaError, value: unknown, schema: object): string {
  const p = e.params;
  switch (e.keyword) {
    case 'type':
      return `expected ${String(p.type).split(',').join(' or ')}, found ${typeOf(value)}`;
    case 'enum':
      return `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, found ${JSON.stringify(value)}`;
    case 'required':
      return `missing required property "${String(p.missingProperty)}"`;
    case 'pattern':
      return `${JSON.stringify(value)} does not match ${String(p.pattern)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must have at least ${String(p.limit)} characters`;
    case 'minItems':
      return `needs at least ${String(p.limit)} item(s)`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'uniqueItems': {
      const later = Math.max(Number(p.i), Number(p.j));
      return `duplicate ${JSON.stringify((value as unknown[])[later])} (items ${Math.min(Number(p.i), Number(p.j))} and ${later})`;
    }
    case 'additionalProperties': {
      const known = Object.keys((parentSchema(schema, e.schemaPath)?.properties as object | undefined) ?? {});
      const hint = closest(String(p.additionalProperty), known);
      return `unknown property${hint ? ` (did you mean "${hint}"?)` : ''}`;
    }
    default:
      return e.message ?? `fails the schema's "${e.keyword}"`;
  }
}

export function schemaIssues(errors: readonly SchemaError[], root: JsonValue, schema: object): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const { path, value } = locate(e.instancePath, root);
    const issue: SchemaIssue =
      e.keyword === 'additionalProperties'
        ? { path: childPath(path, String(e.params.additionalProperty)), atKey: true, message: describe(e, value, schema) }
        : { path, message: describe(e, value, schema) };
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
