/** Package facts used in output (SARIF driver, docs links, --version). */
export const TOOL_NAME = 'lint-proxy-config';
export const TOOL_VERSION = '0.1.0';
export const HOMEPAGE = 'https://github.com/lint-proxy-config/lint-proxy-config';
/** Raw files of the repository, by tag (`${RAW_BASE}/v0.1.0/schema/config.schema.json`). */
export const RAW_BASE = 'https://raw.githubusercontent.com/lint-proxy-config/lint-proxy-config';

/** The documentation page of a rule. */
export function ruleDocsUrl(ruleId: string): string {
  return `${HOMEPAGE}/blob/main/rules/${ruleId}/README.md`;
}
