/** `explain <rule>` prints a rule's documentation; `explain --list` lists every rule. */
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { RULES, findRule } from '../../../rules/index.js';
import { closest } from '../../closest.js';
import { ruleDocsUrl } from '../../meta.js';
import { readSmallRegularFile } from '../../run/node-io.js';
import { packageRoot } from '../../run/package-root.js';
import { isIoError } from '../../source.js';
import { UsageError } from '../../usage-error.js';

const DIALECT_NAMES: Readonly<Record<string, string>> = { apache: 'Apache', nginx: 'nginx', xml: 'IIS', iis: 'IIS', caddy: 'Caddy' };

/**
 * Markdown for a terminal: headings bold, code blocks indented, inline code highlighted. A code
 * block fenced as ```` ```nginx bad ```` gets a label line ("Bad (nginx):"), since the fence's
 * info string is all that tells the two examples of a dialect apart.
 */
export function renderMarkdown(markdown: string, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  let inCode = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^```/.test(line)) {
      if (!inCode) {
        const info = /^```(\w+)\s+(bad|good)\b/.exec(line);
        if (info) {
          const label = `${info[2] === 'bad' ? 'Bad' : 'Good'} (${DIALECT_NAMES[info[1]!] ?? info[1]}):`;
          out.push(info[2] === 'bad' ? c.red.bold(label) : c.green.bold(label));
        }
      }
      inCode = !inCode;
      continue;
    }
    if (inCode) {
      out.push(`    ${c.cyan(line)}`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      out.push(heading[1]!.length <= 2 ? c.bold.underline(heading[2]!) : c.bold(heading[2]!));
      continue;
    }
    out.push(line.replace(/`([^`]+)`/g, (_, code: string) => c.cyan(code)).replace(/\*\*([^*]+)\*\*/g, (_, t: string) => c.bold(t)));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

export function listRules(): string {
  const rows = [...RULES].sort((a, b) => a.meta.id.localeCompare(b.meta.id)).map((r) => [
    r.meta.id,
    r.meta.severity,
    r.meta.fixable ? 'fixable' : '',
    r.meta.dialects.join(','),
    r.meta.description,
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  return `${rows.map((row) => row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ')).join('\n')}\n`;
}

export function explainRule(id: string, color: boolean): string {
  const rule = findRule(id);
  if (!rule) {
    const hint = closest(id, RULES.map((r) => r.meta.id));
    throw new UsageError(`unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}; "explain --list" lists them`);
  }
  const meta = rule.meta;
  const header = `${meta.id} — ${meta.severity}${meta.fixable ? ', fixable' : ''} — ${meta.dialects.join(', ')}\n${ruleDocsUrl(meta.id)}\n\n`;
  const path = join(packageRoot(), 'rules', meta.id, 'README.md');
  const doc = readSmallRegularFile(path, 1024 * 1024);
  if (isIoError(doc)) throw new Error(`cannot read ${path}: ${doc.error}`);
  return header + renderMarkdown(doc.text, color);
}
