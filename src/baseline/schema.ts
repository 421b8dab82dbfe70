/**
 * The baseline file's JSON Schema. schema/baseline.schema.json is this object written out (a test
 * keeps them equal; run the tests with UPDATE_SCHEMA=1 to rewrite it).
 */
import { HOMEPAGE } from '../meta.js';

export const BASELINE_VERSION = 1;

export function baselineSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${HOMEPAGE}/blob/main/schema/baseline.schema.json`,
    title: 'lint-proxy-config baseline',
    description: 'Findings accepted for now (written by --baseline-write, read by --baseline or the "baseline" setting): they are not reported again.',
    type: 'object',
    additionalProperties: false,
    required: ['version', 'findings'],
    properties: {
      $schema: { type: 'string', description: 'The schema this file follows.' },
      version: { enum: [BASELINE_VERSION], description: 'Format version.' },
      findings: {
        type: 'array',
        description: 'Sorted by file, rule, scope and directive, so that changes make small diffs.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['file', 'rule', 'scope', 'directive'],
          properties: {
            file: { type: 'string', minLength: 1, description: 'The file that contains the directive, relative to the baseline file, with "/" separators.' },
            rule: { type: 'string', minLength: 1, description: 'The rule id.' },
            scope: { type: 'string', description: 'The scope the directive is written in (virtual host, server, location…); empty at the top level.' },
            directive: { type: 'string', description: 'The directive with its whitespace collapsed.' },
            count: { type: 'integer', minimum: 2, description: 'How many such findings there are, when more than one.' },
          },
        },
      },
    },
  };
}
