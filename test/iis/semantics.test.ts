/**
 * IIS URL Rewrite outbound-rule semantics on Set-Cookie, one test per documented behaviour. No
 * IIS runs here: each test cites the documentation it pins down.
 *   [2.0]   MicrosoftDocs/iis-docs iis/extensions/url-rewrite-module/url-rewrite-module-20-configuration-reference.md
 *   [1.x]   MicrosoftDocs/iis-docs iis/extensions/url-rewrite-module/url-rewrite-module-configuration-reference.md
 *   [notes] shared/reference/proxy-semantics.md §3.1 (marks what is [UNCERTAIN])
 */
import { describe, expect, it } from 'vitest';
import { build, one, run, webConfig } from './helpers.js';

const rule = (attrs: string, match: string, action: string, inner = '') =>
  `        <rule name="r" ${attrs}>\n          <match serverVariable="RESPONSE_Set_Cookie" ${match} />${inner}\n          <action ${action} />\n        </rule>`;

const ADD = 'type="Rewrite" value="{R:0}; HttpOnly"';

describe('which header a rule rewrites', () => {
  // [2.0] "Accessing Response Headers": RESPONSE_X_Y names header X-Y; server variable names are
  // case-insensitive in IIS [notes: "server variable name case-insensitive"].
  it('serverVariable RESPONSE_Set_Cookie is matched in any case', () => {
    for (const name of ['RESPONSE_Set_Cookie', 'RESPONSE_SET_COOKIE', 'response_set_cookie']) {
      const model = build(webConfig(rule('', '', ADD).replace('RESPONSE_Set_Cookie', name).replace('/>', 'pattern=".*" />')));
      expect(one(model, 'a=1'), name).toBe('a=1; HttpOnly');
    }
  });

  it('rules on other response headers never touch cookies', () => {
    const model = build(webConfig(rule('', 'pattern=".*"', ADD).replace('RESPONSE_Set_Cookie', 'RESPONSE_Server')));
    expect(model.ops).toEqual([]);
  });
});

describe('the pattern', () => {
  // [2.0] "Rule Pattern Syntax": ECMAScript is the default; the pattern is searched in the input
  // and {R:0} is the matched text ("Using Back-references": {R:0} "will contain the matched string").
  it('is searched anywhere in the value, and {R:0} is only the matched text', () => {
    const model = build(webConfig(rule('', 'pattern="Path=/[a-z]*"', ADD)));
    expect(one(model, 'a=1; Path=/app; Secure')).toBe('Path=/app; HttpOnly');
  });

  // [2.0] "Rewrite Action": it "replaces the current rule input string with a substitution string".
  it('the Rewrite action replaces the whole header value', () => {
    const model = build(webConfig(rule('', 'pattern="^([^=]+)=(.*)$"', 'type="Rewrite" value="{R:1}=x; {R:2}"')));
    expect(one(model, 'a=1; Path=/')).toBe('a=x; 1; Path=/');
  });

  // [2.0] "Rule pattern properties": "By default, case insensitive pattern match is used."
  it('ignoreCase defaults to true', () => {
    const model = build(webConfig(rule('', 'pattern="^xsrf-token="', ADD)));
    expect(one(model, 'XSRF-TOKEN=1')).toBe('XSRF-TOKEN=; HttpOnly');
  });

  it('ignoreCase="false" makes it case-sensitive', () => {
    const model = build(webConfig(rule('', 'pattern="^xsrf-token=.*" ignoreCase="false"', ADD)));
    expect(one(model, 'XSRF-TOKEN=1')).toBe('XSRF-TOKEN=1');
    expect(one(model, 'xsrf-token=1')).toBe('xsrf-token=1; HttpOnly');
  });

  // [2.0] "Rule pattern properties": with negate "the rule action will be performed only if the
  // input string does NOT match"; there is no match, so no back-references.
  it('negate="true" runs the action when the pattern does not match, with an empty {R:0}', () => {
    const model = build(webConfig(rule('', 'pattern="^JSESSIONID=" negate="true"', 'type="Rewrite" value="[{R:0}]"')));
    expect(one(model, 'JSESSIONID=1')).toBe('JSESSIONID=1');
    expect(one(model, 'XSRF-TOKEN=1')).toBe('[]');
  });

  // [1.x] "Using back-references": {R:1}..{R:9} are the groups.
  it('{R:n} are the groups; a group that did not take part is empty', () => {
    const model = build(webConfig(rule('', 'pattern="^(\\w+)=(x)?(.*)$"', 'type="Rewrite" value="{R:3}|{R:2}|{R:1}|{R:9}"')));
    expect(one(model, 'a=1')).toBe('1||a|');
  });

  // [2.0] "ExactMatch - exact string search is performed within the input string".
  it('patternSyntax="ExactMatch" is a substring search, case-insensitive by default', () => {
    const model = build(webConfig(rule('patternSyntax="ExactMatch"', 'pattern=".*"', ADD)));
    expect(one(model, 'a=1')).toBe('a=1');
    expect(one(model, 'a=.*')).toBe('.*; HttpOnly');
    const caseless = build(webConfig(rule('patternSyntax="ExactMatch"', 'pattern="xsrf"', 'type="Rewrite" value="{R:0}"')));
    expect(one(caseless, 'a=XSRF')).toBe('XSRF');
  });

  // [2.0] "Rule Pattern Syntax": "wildcard pattern type cannot be used when rule does not have any
  // tag filters" — a header rule has none: IIS refuses it, the linter reports it and runs nothing.
  it('patternSyntax="Wildcard" on a header rule is refused', () => {
    const model = build(webConfig(rule('patternSyntax="Wildcard"', 'pattern="*"', ADD)));
    expect(model.ops).toEqual([]);
    expect(model.problems.map((p) => p.kind)).toEqual(['outbound-wildcard-header']);
  });

  // [2.0] The rule pattern is ECMAScript; [notes] no inline flags, no lookbehind, no named groups.
  it('PCRE-only syntax is refused as iis-regex-unsupported and the rule does not run', () => {
    for (const pattern of ['(?i)^a=', '(?&lt;=a)b', '(?&lt;n&gt;a)', '(']) {
      const model = build(webConfig(rule('', `pattern="${pattern}"`, ADD)));
      expect(model.ops, pattern).toEqual([]);
      expect(model.problems.map((p) => p.kind), pattern).toEqual(['regex-unsupported']);
    }
  });

  // XML 1.0 §4.1: attribute values are decoded before IIS sees the pattern.
  it('XML escapes in the pattern are decoded before matching', () => {
    const model = build(webConfig(rule('', 'pattern="^a=&quot;[^&quot;&lt;]*&quot;$"', ADD)));
    expect(one(model, 'a="x"')).toBe('a="x"; HttpOnly');
    expect(one(model, 'a="<"')).toBe('a="<"');
  });
});

describe('conditions', () => {
  const conds = (grouping: string, adds: string) => `\n          <conditions ${grouping}>\n${adds}\n          </conditions>`;

  // [2.0] "Rule Conditions": MatchAll — all must be true; MatchAny — at least one. MatchAll is the
  // default (url-rewrite schema; [notes] "default MatchAll").
  it('MatchAll (the default) needs every condition', () => {
    const adds = '            <add input="{R:0}" pattern="^a=" />\n            <add input="{R:0}" pattern="Secure" />';
    const model = build(webConfig(rule('', 'pattern=".*"', ADD, conds('', adds))));
    expect(one(model, 'a=1')).toBe('a=1');
    expect(one(model, 'a=1; Secure')).toBe('a=1; Secure; HttpOnly');
  });

  it('MatchAny needs one condition', () => {
    const adds = '            <add input="{R:0}" pattern="^a=" />\n            <add input="{R:0}" pattern="Secure" />';
    const model = build(webConfig(rule('', 'pattern=".*"', ADD, conds('logicalGrouping="MatchAny"', adds))));
    expect(one(model, 'a=1')).toBe('a=1; HttpOnly');
    expect(one(model, 'b=1; Secure')).toBe('b=1; Secure; HttpOnly');
    expect(one(model, 'b=1')).toBe('b=1');
  });

  // [1.x] "Rule conditions": negate inverts a condition; ignoreCase controls its case sensitivity
  // (true by default, like the rule pattern).
  it('negate and ignoreCase on a condition', () => {
    const negated = build(webConfig(rule('', 'pattern=".*"', ADD, conds('', '            <add input="{R:0}" pattern="^xsrf-token=" negate="true" />'))));
    expect(one(negated, 'XSRF-TOKEN=1')).toBe('XSRF-TOKEN=1');
    expect(one(negated, 'a=1')).toBe('a=1; HttpOnly');
    const sensitive = build(webConfig(rule('', 'pattern=".*"', ADD, conds('', '            <add input="{R:0}" pattern="^xsrf-token=" negate="true" ignoreCase="false" />'))));
    expect(one(sensitive, 'XSRF-TOKEN=1')).toBe('XSRF-TOKEN=1; HttpOnly');
  });

  // [1.x] "Using back-references": in the action, {C:n} refers to the last matched condition.
  it('{C:n} is the last matched condition', () => {
    const adds = '            <add input="{R:0}" pattern="^(\\w+)=" />\n            <add input="{R:0}" pattern="[Pp]ath=(/\\w*)" />';
    const model = build(webConfig(rule('', 'pattern=".*"', 'type="Rewrite" value="{C:0}|{C:1}|{C:2}"', conds('', adds))));
    expect(one(model, 'a=1; Path=/x')).toBe('Path=/x|/x|');
  });

  // [2.0] "Tracking Capture Groups Across Conditions": with trackAllCaptures, {C:0} is the first
  // matched condition's match and the groups of every matched condition are numbered in order.
  it('trackAllCaptures numbers the groups of every matched condition', () => {
    const adds = '            <add input="{R:0}" pattern="^(\\w+)=(\\w+)" />\n            <add input="{R:0}" pattern="[Pp]ath=(/\\w*)" />';
    const model = build(webConfig(rule('', 'pattern=".*"', 'type="Rewrite" value="{C:0}|{C:1}|{C:2}|{C:3}"', conds('trackAllCaptures="true"', adds))));
    expect(one(model, 'a=1; Path=/x')).toBe('a=1|a|1|/x');
  });

  // [1.x] "Within a condition input string, you can use the back-references to the rule pattern
  // and to the previously matched condition".
  it('a condition input can use {R:n} and the previous condition {C:n}', () => {
    const adds = '            <add input="{R:1}" pattern="^(\\w)" />\n            <add input="{C:1}" pattern="^x$" />';
    const model = build(webConfig(rule('', 'pattern="^(\\w+)="', ADD, conds('', adds))));
    expect(one(model, 'xsrf=1')).toBe('xsrf=; HttpOnly');
    expect(one(model, 'abc=1')).toBe('abc=1');
  });

  // [1.x] "Using server variables": a condition on a request variable depends on the request;
  // the linter cannot know it, so a Rewrite rule is assumed to run and the message names it.
  it('a condition on an unknown server variable is possibly true, and named', () => {
    const model = build(webConfig(rule('', 'pattern=".*"', ADD, conds('', '            <add input="{HTTPS}" pattern="^on$" />'))));
    expect(one(model, 'a=1')).toBe('a=1; HttpOnly');
    expect(model.ops[0]!.condition).toMatchObject({ text: '{HTTPS} matches "^on$"', value: 'unknown' });
  });
});

describe('pre-conditions', () => {
  const pre = (name: string, adds: string, attrs = '') => `
        <preConditions>
          <preCondition name="${name}" ${attrs}>
${adds}
          </preCondition>
        </preConditions>`;

  // [2.0] "Pre-conditions Collection": checked before the rule, MatchAll / MatchAny, negate.
  it('a pre-condition on the Set-Cookie value is evaluated exactly', () => {
    const adds = '            <add input="{RESPONSE_Set_Cookie}" pattern="^(?:XSRF-TOKEN|csrftoken)=" negate="true" />';
    const model = build(webConfig(rule('preCondition="Not CSRF"', 'pattern=".*"', ADD) + pre('Not CSRF', adds)));
    expect(one(model, 'XSRF-TOKEN=1')).toBe('XSRF-TOKEN=1');
    expect(one(model, 'a=1')).toBe('a=1; HttpOnly');
    expect(model.ops[0]!.condition).toBeNull();
  });

  it('MatchAny in a pre-condition', () => {
    const adds = '            <add input="{RESPONSE_Set_Cookie}" pattern="^a=" />\n            <add input="{RESPONSE_Set_Cookie}" pattern="^b=" />';
    const model = build(webConfig(rule('preCondition="p"', 'pattern=".*"', ADD) + pre('p', adds, 'logicalGrouping="MatchAny"')));
    expect(one(model, 'b=1')).toBe('b=1; HttpOnly');
    expect(one(model, 'c=1')).toBe('c=1');
  });

  // [2.0] "Pre-conditions Collection": they have their own patternSyntax, Wildcard included.
  it('a pre-condition has its own patternSyntax (Wildcard allowed there)', () => {
    const adds = '            <add input="{RESPONSE_Set_Cookie}" pattern="a=*" />';
    const model = build(webConfig(rule('preCondition="p"', 'pattern=".*"', ADD) + pre('p', adds, 'patternSyntax="Wildcard"')));
    expect(model.problems).toEqual([]);
    expect(one(model, 'a=1')).toBe('a=1; HttpOnly');
    expect(one(model, 'b=1')).toBe('b=1');
  });

  // [2.0] Pre-conditions check "request metadata" such as the content type, unknown to the linter.
  it('a pre-condition on the content type is possibly true, and named', () => {
    const adds = '            <add input="{RESPONSE_CONTENT_TYPE}" pattern="^text/html" />';
    const model = build(webConfig(rule('preCondition="IsHTML"', 'pattern=".*"', ADD) + pre('IsHTML', adds)));
    expect(one(model, 'a=1')).toBe('a=1; HttpOnly');
    expect(model.ops[0]!.condition).toMatchObject({ text: 'preCondition="IsHTML"', value: 'unknown' });
  });

  // [notes] What {RESPONSE_Set_Cookie} holds when a response has several cookies is undocumented.
  it('with several cookies, a Set-Cookie pre-condition is unknown (assumed true)', () => {
    const adds = '            <add input="{RESPONSE_Set_Cookie}" pattern="^XSRF-TOKEN=" negate="true" />';
    const model = build(webConfig(rule('preCondition="p"', 'pattern=".*"', ADD) + pre('p', adds)));
    expect(run(model, ['XSRF-TOKEN=1', 'a=2'])).toEqual(['XSRF-TOKEN=1; HttpOnly', 'a=2; HttpOnly']);
  });

  it('a pre-condition that is not defined is reported and assumed true', () => {
    const model = build(webConfig(rule('preCondition="Missing"', 'pattern=".*"', ADD)));
    expect(one(model, 'a=1')).toBe('a=1; HttpOnly');
    expect(model.problems.map((p) => p.message)).toEqual([expect.stringMatching(/No pre-condition named "Missing"/)]);
    expect(model.ops[0]!.condition?.text).toBe('preCondition="Missing" (not defined)');
  });
});

describe('rule order, enabled, stopProcessing', () => {
  // [2.0] "Rules Execution": "the output of Rule 1 will be given to Rule2".
  it('each rule sees the output of the one before', () => {
    const rules = `${rule('', 'pattern=".*"', 'type="Rewrite" value="{R:0}; A"')}\n${rule('', 'pattern="; A$"', 'type="Rewrite" value="[{R:0}]"').replace('name="r"', 'name="r2"')}`;
    expect(one(build(webConfig(rules)), 'a=1')).toBe('[; A]');
  });

  // url-rewrite schema: enabled="false" switches a rule off.
  it('enabled="false" rules do not run', () => {
    const model = build(webConfig(rule('enabled="false"', 'pattern=".*"', ADD)));
    expect(model.ops).toEqual([]);
    expect(one(model, 'a=1')).toBe('a=1');
  });

  // [1.x] "Rules Evaluation": "When the rule action is performed (i.e. the rule matched) and this
  // flag is turned on, it means that no more subsequent rules will be processed".
  it('stopProcessing ends the evaluation for values the rule acted on, only those', () => {
    const rules = `${rule('stopProcessing="true"', 'pattern="^XSRF-TOKEN="', 'type="None"')}\n${rule('', 'pattern=".*"', ADD).replace('name="r"', 'name="r2"')}`;
    const model = build(webConfig(rules));
    expect(one(model, 'XSRF-TOKEN=1')).toBe('XSRF-TOKEN=1');
    expect(one(model, 'a=1')).toBe('a=1; HttpOnly');
    expect(run(model, ['XSRF-TOKEN=1', 'a=1'])).toEqual(['XSRF-TOKEN=1', 'a=1; HttpOnly']);
  });

  it('a Rewrite rule with stopProcessing rewrites, then stops', () => {
    const rules = `${rule('stopProcessing="true"', 'pattern=".*"', 'type="Rewrite" value="{R:0}; Secure"')}\n${rule('', 'pattern=".*"', ADD).replace('name="r"', 'name="r2"')}`;
    expect(one(build(webConfig(rules)), 'a=1')).toBe('a=1; Secure');
  });

  // A None rule whose conditions cannot be decided is assumed not to act, so it cannot hide the
  // rules after it (the linter assumes the worst).
  it('an exclusion that may not apply does not hide later rules', () => {
    const cond = '\n          <conditions><add input="{HTTP_HOST}" pattern="^intranet" /></conditions>';
    const rules = `${rule('stopProcessing="true"', 'pattern=".*"', 'type="None"', cond)}\n${rule('', 'pattern=".*"', ADD).replace('name="r"', 'name="r2"')}`;
    expect(one(build(webConfig(rules)), 'a=1')).toBe('a=1; HttpOnly');
  });
});

describe('substitution values', () => {
  // [1.x] "String functions": ToLower, UrlEncode, UrlDecode; [2.0] HtmlEncode.
  it('string functions apply to back-references', () => {
    const model = build(webConfig(rule('', 'pattern="^(\\w+)=(.*)$"', 'type="Rewrite" value="{ToLower:{R:1}}={HtmlEncode:{R:2}}"')));
    expect(one(model, 'XSRF=<a>')).toBe('xsrf=&lt;a&gt;');
  });

  // [2.0] "Accessing Response Headers": {RESPONSE_Set_Cookie} is the header; other variables are
  // request facts the linter does not know and keeps as written.
  it('{RESPONSE_Set_Cookie} is the current value; other variables stay as written', () => {
    const model = build(webConfig(rule('', 'pattern=".*"', 'type="Rewrite" value="{RESPONSE_Set_Cookie}; Domain={HTTP_HOST}"')));
    expect(one(model, 'a=1')).toBe('a=1; Domain={HTTP_HOST}');
  });

  it('a literal brace that starts no reference is kept', () => {
    const model = build(webConfig(rule('', 'pattern=".*"', 'type="Rewrite" value="{R:0}; x={y"')));
    expect(one(model, 'a=1')).toBe('a=1; x={y');
  });
});
