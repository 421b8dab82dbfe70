// GitHub workflow commands (pull-request annotations) from a SARIF report, so that the GitHub
// Action lints once and both annotates and uploads code scanning results from that one run.
// Suppressed results (inline disable comments) are not annotated. Usage:
//   node scripts/sarif-annotations.mjs report.sarif
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
import { readFileSync } from 'node:fs';

/** Message data: `%`, CR and LF are escaped. */
const escapeData = (text) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** Property values: additionally `:` and `,`. */
const escapeProperty = (text) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

function fileOf(location) {
  const uri = location?.physicalLocation?.artifactLocation?.uri ?? '';
  if (uri.startsWith('file:')) return decodeURIComponent(new URL(uri).pathname);
  return uri.split('/').map(decodeURIComponent).join('/');
}

const log = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const lines = [];
for (const run of log.runs ?? []) {
  for (const result of run.results ?? []) {
    if ((result.suppressions ?? []).length > 0) continue;
    const location = result.locations?.[0];
    const r = location?.physicalLocation?.region ?? {};
    const command = result.level === 'error' ? 'error' : result.level === 'warning' ? 'warning' : 'notice';
    const props = [
      `file=${escapeProperty(fileOf(location))}`,
      `line=${r.startLine ?? 1}`,
      `col=${r.startColumn ?? 1}`,
      `endLine=${r.endLine ?? r.startLine ?? 1}`,
      `endColumn=${r.endColumn ?? r.startColumn ?? 1}`,
      `title=${escapeProperty(result.ruleId ?? 'lint-proxy-config')}`,
    ];
    lines.push(`::${command} ${props.join(',')}::${escapeData(result.message?.text ?? '')}`);
  }
}
if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
