/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: a rule descriptor per rule
 * (help URI, descriptions, default level, security severity), results with full regions and
 * relative URIs under `%SRCROOT%`, and each autofix as `fixes[]`.
 * Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LintMessage } from '../engine/lint.js';
import type { LintResult } from '../engine/result.js';
import type { RuleMeta } from '../engine/rule.js';
import { HOMEPAGE, TOOL_NAME, TOOL_VERSION, ruleDocsUrl } from '../meta.js';
import { positionAt, type SourceFile } from '../source.js';
import { rangeOf } from './positions.js';
import { NOT_LINTED_ID, ruleLabel, SYNTAX_ERROR_ID } from './rule-label.js';

/** A rule id of messages of no rule (src/formatters/rule-label.ts): SARIF results need one, documented in the README. */
const pseudoRule = (id: string, description: string): RuleMeta => ({ id, severity: 'error', fixable: false, dialects: ['apache', 'nginx', 'iis', 'haproxy', 'caddy'], description });
export const SYNTAX_ERROR_RULE = pseudoRule(SYNTAX_ERROR_ID, 'The file cannot be parsed the way the server would parse it.');
export const NOT_LINTED_RULE = pseudoRule(
  NOT_LINTED_ID,
  'The file was not linted: it cannot be read, or it was skipped (too large, binary, empty, of no known dialect, a link out of the linted tree).',
);

function uriOf(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '' || rel.startsWith('..') || rel.includes(':')) return pathToFileURL(path).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function region(source: SourceFile, start: number, end: number) {
  const a = positionAt(source, start);
  const b = positionAt(source, end);
  return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
}

/** A rule's page; the two ids of no rule are explained with the exit codes in the README. */
const docsOf = (id: string): string => (id === SYNTAX_ERROR_ID || id === NOT_LINTED_ID ? `${HOMEPAGE}/blob/main/README.md#exit-codes` : ruleDocsUrl(id));

function descriptor(rule: RuleMeta) {
  const properties: Record<string, unknown> = {
    tags: rule.securitySeverity !== undefined ? ['security', ...rule.dialects] : [...rule.dialects],
    precision: 'high',
  };
  if (rule.securitySeverity !== undefined) properties['security-severity'] = rule.securitySeverity.toFixed(1);
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z0-9])/g, (_, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: sentence(rule.description) },
    fullDescription: { text: sentence(rule.description) },
    helpUri: docsOf(rule.id),
    help: { text: `See ${docsOf(rule.id)}` },
    defaultConfiguration: { level: rule.severity === 'error' ? 'error' : 'warning' },
    properties,
  };
}

export function formatSarif(results: readonly LintResult[], cwd: string, rules: readonly RuleMeta[]): string {
  const all = [...rules, SYNTAX_ERROR_RULE, NOT_LINTED_RULE];
  const index = new Map(all.map((r, i) => [r.id, i]));
  const srcroot = { uriBaseId: '%SRCROOT%' } as const;
  const location = (path: string) => {
    const uri = uriOf(path, cwd);
    return uri.startsWith('file:') ? { uri } : { uri, ...srcroot };
  };
  const sarifResults = results.flatMap((r) =>
    [...r.messages, ...r.suppressedMessages].map((m: LintMessage) => {
      const ruleId = ruleLabel(m);
      const { line, column, endLine, endColumn } = rangeOf(m, r.source);
      const source = r.source;
      const fixes =
        m.fix && source
          ? [
              {
                description: { text: sentence(m.fix.description) },
                artifactChanges: [
                  {
                    artifactLocation: location(r.filePath),
                    replacements: m.fix.edits.map((e) => ({
                      deletedRegion: region(source, e.start, e.end),
                      insertedContent: { text: e.text },
                    })),
                  },
                ],
              },
            ]
          : undefined;
      return {
        ruleId,
        ruleIndex: index.get(ruleId) ?? 0,
        level: m.severity === 2 ? 'error' : 'warning',
        message: { text: sentence(m.message) },
        locations: [{ physicalLocation: { artifactLocation: location(r.filePath), region: { startLine: line, startColumn: column, endLine, endColumn } } }],
        ...(m.related
          ? {
              relatedLocations: m.related.map((l, i) => ({
                id: i,
                physicalLocation: {
                  artifactLocation: location(l.file),
                  region: { startLine: l.line, startColumn: l.column, ...(l.endLine === undefined ? {} : { endLine: l.endLine, endColumn: l.endColumn }) },
                },
                message: { text: sentence(l.message) },
              })),
            }
          : {}),
        ...(m.data ? { properties: m.data } : {}),
        ...(fixes ? { fixes } : {}),
        // An inline disable comment: GitHub code scanning shows the alert as dismissed, with the reason.
        ...(m.suppressions ? { suppressions: m.suppressions.map((s) => ({ kind: 'inSource', ...(s.justification ? { justification: s.justification } : {}) })) } : {}),
      };
    }),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: HOMEPAGE,
            rules: all.map(descriptor),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
