/** The shape of a compiled validator: ajv's `ValidateFunction`, without importing ajv's types at run time. */

/** One ajv error (`ErrorObject`), the fields this project reads. */
export interface SchemaError {
  /** JSON pointer of the value, e.g. `/rules/xsrf-cookie-httponly`. */
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly schemaPath: string;
}

export interface ConfigValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}
