/** Where the language server's "disable for this line" comment goes, per dialect, and when it is not offered. */
import { describe, expect, it } from 'vitest';
import { disableAction } from '../src/lsp/actions.js';
import type { LintMessage } from '../src/engine/lint.js';
import { createSourceFile } from '../src/source.js';
import type { Dialect } from '../src/model/header-rewrite.js';

const URI = 'file:///x/site.conf';
const diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: '' };

function insert(text: string, at: string, dialect: Dialect): string | undefined {
  const source = createSourceFile('/x/site.conf', text);
  const start = text.indexOf(at);
  const message: LintMessage = { ruleId: 'xsrf-cookie-httponly', severity: 2, message: 'm', span: { file: source.path, start, end: start + at.length } };
  const action = disableAction(URI, message, source, dialect, diagnostic);
  if (!action) return undefined;
  const edit = action.edit!.changes![URI]![0]!;
  const offset = source.lineStarts[edit.range.start.line]! + edit.range.start.character;
  return text.slice(0, offset) + edit.newText + text.slice(offset);
}

describe('disable for this line', () => {
  it('nginx and Apache: a # comment above, with the line indentation and line ending', () => {
    expect(insert('server {\r\n    proxy_cookie_flags ~ httponly;\r\n}\r\n', '~ httponly', 'nginx')).toBe(
      'server {\r\n    # lint-proxy-config-disable-next-line xsrf-cookie-httponly -- \r\n    proxy_cookie_flags ~ httponly;\r\n}\r\n',
    );
  });

  it('XML: a comment with " - " before an element that starts on the line', () => {
    expect(insert('<rules>\n  <set name="x" value="{R:0}; HttpOnly" />\n</rules>\n', '{R:0}; HttpOnly', 'iis')).toBe(
      '<rules>\n  <!-- lint-proxy-config-disable-next-line xsrf-cookie-httponly - -->\n  <set name="x" value="{R:0}; HttpOnly" />\n</rules>\n',
    );
  });

  it('not offered where a comment line would land inside a directive or a tag', () => {
    expect(insert('Header edit Set-Cookie \\\n    ^(.*)$ "$1; HttpOnly"\n', '^(.*)$', 'apache')).toBeUndefined();
    expect(insert('<action type="Rewrite"\n        value="{R:0}; HttpOnly" />\n', '{R:0}; HttpOnly', 'iis')).toBeUndefined();
  });
});
