/**
 * The configuration file's JSON Schema validator: ajv (draft-07, every keyword of the schema
 * enforced, all errors at once). In the published bundle scripts/build.mjs replaces this module
 * with ajv's standalone code for schema/config.schema.json, so a run neither loads ajv nor
 * compiles the schema at start-up; from the sources (tests) the schema is compiled once here.
 * test/config keeps schema/config.schema.json equal to {@link configSchema}.
 */
import { Ajv } from 'ajv';
import type { ConfigValidator } from './validator-types.js';

let compiled: { key: string; validate: ConfigValidator } | undefined;

export function configValidator(schema: object): ConfigValidator {
  const key = JSON.stringify(schema);
  if (compiled?.key !== key) {
    // allowUnionTypes: `products` is "all" or a list, one schema for both (src/config/schema.ts).
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = { key, validate: ajv.compile(schema) as unknown as ConfigValidator };
  }
  return compiled.validate;
}
