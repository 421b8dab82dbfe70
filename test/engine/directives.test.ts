import { describe, expect, it } from 'vitest';
import { applyDirectives, type DirectiveSettings } from '../../src/engine/directives.js';
import type { LintMessage } from '../../src/engine/lint.js';
import type { CommentToken } from '../../src/model/header-rewrite.js';
import { createSourceFile, positionAt } from '../../src/source.js';

const settings: DirectiveSettings = { requireReason: true, knownRules: new Set(['a-rule', 'b-rule']), unusedSeverity: 1 };

/** A file whose `# ...` lines are comments, and messages at given lines. */
function setup(lines: string[], at: Array<[number, string | null]>) {
  const text = lines.join('\n');
  const file = createSourceFile('/f.conf', text);
  const comments: CommentToken[] = [];
  let offset = 0;
  for (const line of lines) {
    const hash = line.indexOf('#');
    if (hash >= 0) comments.push({ span: { file: '/f.conf', start: offset + hash, end: offset + line.length }, text: line.slice(hash + 1) });
    offset += line.length + 1;
  }
  const messages: LintMessage[] = at.map(([line, ruleId]) => {
    const start = file.lineStarts[line - 1]!;
    return ruleId === null
      ? { ruleId: null, severity: 2, fatal: true, message: 'syntax', span: { file: '/f.conf', start, end: start + 1 } }
      : { ruleId, severity: 2, message: `m ${ruleId}`, span: { file: '/f.conf', start, end: start + 1 } };
  });
  return { file, comments, messages };
}

describe('inline directives', () => {
  it('disable-next-line suppresses only the named rule on the next line', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule -- why', 'x', 'y'], [[2, 'a-rule'], [2, 'b-rule'], [3, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => m.ruleId)).toEqual(['a-rule']);
    expect(out.messages.map((m) => m.ruleId)).toEqual(['b-rule', 'a-rule']);
  });

  it('no rule list means every rule; syntax errors are never suppressed', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line -- why', 'x'], [[2, 'a-rule'], [2, null]]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => m.ruleId)).toEqual(['a-rule']);
    expect(out.messages.map((m) => m.ruleId)).toEqual([null]);
  });

  it('disable … enable ranges, per rule', () => {
    const { file, comments, messages } = setup(
      ['# lint-proxy-config-disable a-rule -- legacy', 'x', '# lint-proxy-config-enable a-rule', 'y'],
      [[2, 'a-rule'], [2, 'b-rule'], [4, 'a-rule']],
    );
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => `${m.ruleId}`)).toEqual(['a-rule']);
    expect(out.messages.map((m) => m.ruleId)).toEqual(['b-rule', 'a-rule']);
  });

  it('disable-line applies to the comment line (trailing comments in nginx and XML)', () => {
    const { file, comments, messages } = setup(['x; # lint-proxy-config-disable-line a-rule -- why'], [[1, 'a-rule']]);
    expect(applyDirectives(file, comments, messages, settings).suppressed).toHaveLength(1);
  });

  it('reports unused, unknown and reasonless directives; " - " is a separator too (XML)', () => {
    const { file, comments, messages } = setup(
      [
        '# lint-proxy-config-disable-next-line a-rule -- nothing here',
        'x',
        '# lint-proxy-config-disable-next-line c-rule -- unknown',
        '# lint-proxy-config-disable-next-line a-rule',
        'y',
        '# lint-proxy-config-disable-next-line b-rule - xml style reason',
        'z',
      ],
      [[5, 'a-rule'], [7, 'b-rule']],
    );
    const out = applyDirectives(file, comments, messages, settings);
    const problems = out.messages.filter((m) => m.ruleId === 'unused-disable-directive').map((m) => m.message);
    expect(problems).toEqual([
      expect.stringContaining('unknown rule "c-rule"'),
      expect.stringContaining('needs a reason'),
      expect.stringContaining('Unused lint-proxy-config-disable-next-line directive: no a-rule problem is reported on the next line.'),
    ]);
    expect(out.messages.some((m) => m.ruleId === 'a-rule')).toBe(true);
    expect(out.suppressed.map((m) => m.ruleId)).toEqual(['b-rule']);
  });

  it('requireReason off accepts bare directives; disabled ignores all; unused severity off reports nothing', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule', 'x', '# lint-proxy-config-disable-next-line b-rule -- r', 'y'], [[2, 'a-rule']]);
    expect(applyDirectives(file, comments, messages, { ...settings, requireReason: false }).suppressed).toHaveLength(1);
    expect(applyDirectives(file, comments, messages, { ...settings, disabled: true }).messages).toEqual(messages);
    const quiet = applyDirectives(file, comments, messages, { ...settings, requireReason: false, unusedSeverity: null });
    expect(quiet.messages).toEqual([]);
  });

  it('disable-line covers its own line only, not the lines after it', () => {
    const { file, comments, messages } = setup(['x; # lint-proxy-config-disable-line a-rule -- why', 'y', 'z'], [[1, 'a-rule'], [2, 'a-rule'], [3, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => positionAt(file, m.span.start).line)).toEqual([1]);
    expect(out.messages.map((m) => positionAt(file, m.span.start).line)).toEqual([2, 3]);
  });

  it('disable-next-line covers the next line only, not its own line nor the one after', () => {
    const { file, comments, messages } = setup(['x # lint-proxy-config-disable-next-line a-rule -- why', 'y', 'z'], [[1, 'a-rule'], [2, 'a-rule'], [3, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => positionAt(file, m.span.start).line)).toEqual([2]);
    expect(out.messages.map((m) => positionAt(file, m.span.start).line)).toEqual([1, 3]);
  });

  it('a bare lint-proxy-config-enable ends a blanket disable', () => {
    const { file, comments, messages } = setup(
      ['# lint-proxy-config-disable -- legacy block', 'x', '# lint-proxy-config-enable', 'y'],
      [[2, 'a-rule'], [2, 'b-rule'], [4, 'a-rule'], [4, 'b-rule']],
    );
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => `${positionAt(file, m.span.start).line}:${m.ruleId}`)).toEqual(['2:a-rule', '2:b-rule']);
    expect(out.messages.map((m) => `${positionAt(file, m.span.start).line}:${m.ruleId}`)).toEqual(['4:a-rule', '4:b-rule']);
  });

  it('an enable naming one rule ends the range for that rule only', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable -- legacy', '# lint-proxy-config-enable a-rule', 'y'], [[3, 'a-rule'], [3, 'b-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => m.ruleId)).toEqual(['b-rule']);
    expect(out.messages.map((m) => m.ruleId)).toEqual(['a-rule']);
  });

  it('a disable range starts at its comment: a problem before it is kept', () => {
    const { file, comments, messages } = setup(['x', '# lint-proxy-config-disable a-rule -- legacy', 'y'], [[1, 'a-rule'], [3, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.messages.map((m) => positionAt(file, m.span.start).line)).toEqual([1]);
    expect(out.suppressed.map((m) => positionAt(file, m.span.start).line)).toEqual([3]);
  });

  it('reports an unused directive without a rule list, for each kind, at the directive text', () => {
    const { file, comments, messages } = setup(
      ['# lint-proxy-config-disable-next-line -- nothing below', 'x', 'y; # lint-proxy-config-disable-line -- nothing here', '# lint-proxy-config-disable -- nothing after', 'z'],
      [],
    );
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.messages.map((m) => [m.ruleId, m.severity, m.message, positionAt(file, m.span.start).column, m.span.end - m.span.start])).toEqual([
      ['unused-disable-directive', 1, 'Unused lint-proxy-config-disable-next-line directive: no problem is reported on the next line.', 3, 'lint-proxy-config-disable-next-line -- nothing below'.length],
      ['unused-disable-directive', 1, 'Unused lint-proxy-config-disable-line directive: no problem is reported on this line.', 6, 'lint-proxy-config-disable-line -- nothing here'.length],
      ['unused-disable-directive', 1, 'Unused lint-proxy-config-disable directive: no problem is reported in its range.', 3, 'lint-proxy-config-disable -- nothing after'.length],
    ]);
  });

  it('a used rule-less directive and a bare enable are not reported', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line -- why', 'x', '# lint-proxy-config-enable'], [[2, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.messages).toEqual([]);
    expect(out.suppressed).toHaveLength(1);
  });

  it('reports the rules of a list that suppressed nothing, and several unknown rules', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule, b-rule -- why', 'x', '# lint-proxy-config-disable-next-line x-rule,y-rule -- why', 'y'], [[2, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, { ...settings, unusedSeverity: 2 });
    expect(out.messages.map((m) => [m.severity, m.message])).toEqual([
      [2, 'lint-proxy-config-disable-next-line names unknown rules "x-rule", "y-rule"; it suppresses nothing.'],
      [2, 'Unused lint-proxy-config-disable-next-line directive: no b-rule problem is reported on the next line.'],
    ]);
  });

  it('an enable needs no reason; a disable without one is reported and suppresses nothing', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable a-rule', 'x', '# lint-proxy-config-enable a-rule', 'y'], [[2, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.messages.map((m) => m.ruleId)).toEqual(['a-rule', 'unused-disable-directive']);
    expect(out.messages[1]!.message).toBe(
      'lint-proxy-config-disable needs a reason after " -- " (" - " in XML comments), for example "-- Jira never sets XSRF-TOKEN"; it suppresses nothing.',
    );
  });

  it('a reason needs the separator as a word: "a-rule--x" is a rule name, not a reason', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule--x', 'x'], [[2, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, { ...settings, requireReason: false });
    expect(out.suppressed).toEqual([]);
    expect(out.messages.map((m) => m.message)).toContain('lint-proxy-config-disable-next-line names unknown rule "a-rule--x"; it suppresses nothing.');
  });

  it('disable-next-line after a comment spanning several lines covers the line after the comment ends', () => {
    const text = ['<a>', '<!-- lint-proxy-config-disable-next-line a-rule', '     - the rule is wrong here -->', '<b/>', '<c/>', '</a>'].join('\n');
    const file = createSourceFile('/w.config', text);
    const start = text.indexOf('<!--');
    const end = text.indexOf('-->') + 3;
    const comments: CommentToken[] = [{ span: { file: '/w.config', start, end }, text: text.slice(start + 4, end - 3) }];
    const at = (line: number): LintMessage => ({ ruleId: 'a-rule', severity: 2, message: `m${line}`, span: { file: '/w.config', start: file.lineStarts[line - 1]!, end: file.lineStarts[line - 1]! + 1 } });
    const out = applyDirectives(file, comments, [at(3), at(4), at(5)], settings);
    expect(out.suppressed.map((m) => m.message)).toEqual(['m4']);
    expect(out.messages.map((m) => m.message)).toEqual(['m3', 'm5']);
  });

  it('disable-line in a comment spanning several lines covers each of its lines', () => {
    const text = ['<a> <!-- lint-proxy-config-disable-line a-rule', ' - why --> <b/>', '<c/>'].join('\n');
    const file = createSourceFile('/w.config', text);
    const start = text.indexOf('<!--');
    const end = text.indexOf('-->') + 3;
    const comments: CommentToken[] = [{ span: { file: '/w.config', start, end }, text: text.slice(start + 4, end - 3) }];
    const at = (line: number): LintMessage => ({ ruleId: 'a-rule', severity: 2, message: `m${line}`, span: { file: '/w.config', start: file.lineStarts[line - 1]!, end: file.lineStarts[line - 1]! + 1 } });
    const out = applyDirectives(file, comments, [at(1), at(2), at(3)], settings);
    expect(out.suppressed.map((m) => m.message)).toEqual(['m1', 'm2']);
    expect(out.messages.map((m) => m.message)).toEqual(['m3']);
  });

  it('a separator with nothing after it is no reason', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule --', 'x'], [[2, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed).toEqual([]);
    expect(out.messages.map((m) => m.message)).toEqual(['m a-rule', expect.stringContaining('lint-proxy-config-disable-next-line needs a reason')]);
  });

  it('the reason, without the blanks around it, justifies each suppression', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule --   Jira sets no CSRF cookie', 'x'], [[2, 'a-rule']]);
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => m.suppressions)).toEqual([[{ kind: 'directive', justification: 'Jira sets no CSRF cookie' }]]);
  });

  it('--no-inline-config suppresses nothing', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule -- why', 'x'], [[2, 'a-rule']]);
    expect(applyDirectives(file, comments, messages, { ...settings, disabled: true })).toEqual({ messages, suppressed: [] });
  });

  it('a line directive wins over an enable before it; a range keeps going past line directives', () => {
    const { file, comments, messages } = setup(
      ['# lint-proxy-config-disable a-rule -- legacy', '# lint-proxy-config-disable-next-line a-rule -- and this one', 'x', 'y', '# lint-proxy-config-enable a-rule', '# lint-proxy-config-disable-next-line a-rule -- why', 'z'],
      [[3, 'a-rule'], [4, 'a-rule'], [7, 'a-rule']],
    );
    const out = applyDirectives(file, comments, messages, settings);
    expect(out.suppressed.map((m) => positionAt(file, m.span.start).line)).toEqual([3, 4, 7]);
    expect(out.messages).toEqual([]);
  });

  it('names every rule of a list that suppressed nothing', () => {
    const { file, comments, messages } = setup(['# lint-proxy-config-disable-next-line a-rule, b-rule -- why', 'x'], []);
    expect(applyDirectives(file, comments, messages, settings).messages.map((m) => m.message)).toEqual([
      'Unused lint-proxy-config-disable-next-line directive: no a-rule, b-rule problem is reported on the next line.',
    ]);
  });

  it('points at the directive text only: not at trailing blanks, not at the end of an XML comment', () => {
    const text = ['<a>', '<!-- lint-proxy-config-disable-next-line a-rule - why-->', '<b/>', '# lint-proxy-config-disable-next-line a-rule -- why   ', 'c'].join('\n');
    const file = createSourceFile('/w.config', text);
    const comments: CommentToken[] = [];
    const xmlStart = text.indexOf('<!--');
    const xmlEnd = text.indexOf('-->') + 3;
    comments.push({ span: { file: '/w.config', start: xmlStart, end: xmlEnd }, text: text.slice(xmlStart + 4, xmlEnd - 3) });
    const hash = text.indexOf('# lint');
    const hashEnd = text.indexOf('\n', hash);
    comments.push({ span: { file: '/w.config', start: hash, end: hashEnd }, text: text.slice(hash + 1, hashEnd) });
    const out = applyDirectives(file, comments, [], settings);
    expect(out.messages.map((m) => text.slice(m.span.start, m.span.end))).toEqual(['lint-proxy-config-disable-next-line a-rule - why', 'lint-proxy-config-disable-next-line a-rule -- why']);
  });

  it('ignores comments that only mention the tool', () => {
    const { file, comments, messages } = setup(['# see lint-proxy-config-disable-next-line in the docs', 'x'], [[2, 'a-rule']]);
    expect(applyDirectives(file, comments, messages, settings).messages).toEqual(messages);
  });
});
