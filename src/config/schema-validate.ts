/**
 * Validates a value against the subset of JSON Schema (draft-07) that schema/config.schema.json
 * uses: type, enum, properties, additionalProperties: false, required, items, minItems,
 * uniqueItems, minLength, pattern, const, anyOf and local `$ref`s. Each mistake names the key's path and, for
 * an unknown key, the closest known one.
 */
import { childPath, type JsonValue } from './json-positions.js';

export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly enum?: readonly JsonValue[];
  readonly const?: JsonValue;
  /** The value must match one of these; the issues reported are those of the branch of its type. */
  readonly anyOf?: readonly SchemaNode[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: boolean;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly minItems?: number;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly pattern?: string;
  readonly $ref?: string;
  readonly description?: string;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

export interface SchemaIssue {
  /** `rules.xsrf-cookie-htponly`; `` for the root. */
  readonly path: string;
  readonly message: string;
  /** The issue is about the key itself (an unknown property), not its value. */
  readonly atKey?: boolean;
}

function typeOf(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(actual: string, wanted: string): boolean {
  return actual === wanted || (wanted === 'number' && actual === 'integer');
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function describeBranch(b: SchemaNode): string {
  if (b.const !== undefined) return JSON.stringify(b.const);
  return [b.type ?? 'value'].flat().join(' or ');
}

export function validateSchema(value: JsonValue, schema: SchemaNode, root: SchemaNode = schema, path = ''): SchemaIssue[] {
  if (schema.$ref) {
    const name = /^#\/definitions\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : root.definitions?.[name];
    if (!target) throw new Error(`unresolvable $ref ${schema.$ref}`);
    return validateSchema(value, { ...target, ...(schema.description ? { description: schema.description } : {}) }, root, path);
  }
  const issues: SchemaIssue[] = [];
  const actual = typeOf(value);
  if (schema.anyOf) {
    const outcomes = schema.anyOf.map((branch) => validateSchema(value, branch, root, path));
    if (outcomes.some((o) => o.length === 0)) return [];
    const sameType = schema.anyOf.findIndex((b) => (b.type === undefined ? b.const !== undefined && typeOf(b.const) === actual : [b.type].flat().some((t) => typeMatches(actual, t as string))));
    return sameType >= 0 ? outcomes[sameType]! : [{ path, message: `expected ${schema.anyOf.map(describeBranch).join(' or ')}, found ${actual}` }];
  }
  if (schema.const !== undefined && value !== schema.const) return [{ path, message: `expected ${JSON.stringify(schema.const)}, found ${JSON.stringify(value)}` }];
  if (schema.type) {
    const wanted = Array.isArray(schema.type) ? schema.type : [schema.type as string];
    if (!wanted.some((w) => typeMatches(actual, w))) return [{ path, message: `expected ${wanted.join(' or ')}, found ${actual}` }];
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    return [{ path, message: `expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, found ${JSON.stringify(value)}` }];
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) issues.push({ path, message: `must be at least ${schema.minimum}` });
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) issues.push({ path, message: 'must not be empty' });
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      issues.push({ path, message: `${JSON.stringify(value)} does not match ${schema.pattern}` });
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) issues.push({ path, message: `needs at least ${schema.minItems} item(s)` });
    if (schema.uniqueItems) {
      const seen = new Set<string>();
      value.forEach((v, i) => {
        const key = JSON.stringify(v);
        if (seen.has(key)) issues.push({ path: childPath(path, i), message: `duplicate ${key}` });
        seen.add(key);
      });
    }
    if (schema.items) value.forEach((v, i) => issues.push(...validateSchema(v, schema.items!, root, childPath(path, i))));
  }
  if (actual === 'object') {
    const obj = value as { [k: string]: JsonValue };
    for (const req of schema.required ?? []) if (!(req in obj)) issues.push({ path, message: `missing required property "${req}"` });
    const known = Object.keys(schema.properties ?? {});
    for (const [key, v] of Object.entries(obj)) {
      const sub = schema.properties?.[key];
      if (sub) issues.push(...validateSchema(v, sub, root, childPath(path, key)));
      else if (schema.additionalProperties === false) {
        const hint = closest(key, known);
        issues.push({ path: childPath(path, key), atKey: true, message: `unknown property${hint ? ` (did you mean "${hint}"?)` : ''}` });
      }
    }
  }
  return issues;
}
