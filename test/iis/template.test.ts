/**
 * IIS URL Rewrite templates (src/model/ops/iis-template.ts): what is known to the simulation (the
 * Set-Cookie value, back-references, the string functions of known input) and what is not
 * (server variables, rewrite maps, a function of an unknown). Unknown inputs make a condition
 * "possibly true", and the finding says so: the tests read that sentence through lint.
 */
import { describe, expect, it } from 'vitest';
import { evaluateTemplate, isSetCookieVariable, parseTemplate, readsConditionCaptures, readsUnknowns, UNKNOWN, type TemplateContext } from '../../src/model/ops/iis-template.js';
import { lintText, webConfig } from './helpers.js';

const ctx: TemplateContext = { rule: ['sid=AbC; Path=/', 'sid', 'AbC'], cond: ['Host: X', 'X'], setCookie: 'sid=AbC; Path=/' };
const evaluate = (source: string, c: TemplateContext = ctx) => evaluateTemplate(parseTemplate(source), c);

describe('IIS templates', () => {
  it('substitutes back-references, the Set-Cookie value and the string functions', () => {
    expect(evaluate('{R:1}={ToLower:{R:2}}; {C:1}')).toEqual({ text: 'sid=abc; X', unknown: false });
    expect(evaluate('{RESPONSE_Set_Cookie}|{response_set-cookie}')).toEqual({ text: 'sid=AbC; Path=/|sid=AbC; Path=/', unknown: false });
    expect(evaluate('{UrlEncode:{R:0}}')).toEqual({ text: 'sid%3DAbC%3B+Path%3D%2F', unknown: false });
    expect(evaluate('{UrlDecode:a%20b+c%zz}')).toEqual({ text: 'a%20b+c%zz', unknown: false });
    expect(evaluate('{UrlDecode:a%20b+c}')).toEqual({ text: 'a b c', unknown: false });
    expect(evaluate(`{HtmlEncode:<a href="x">'&'</a>}`)).toEqual({ text: '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;', unknown: false });
    expect(evaluate('{R:9}{C:7}|{r:1}{c:1}')).toEqual({ text: '|sidX', unknown: false });
  });

  it('a server variable, a rewrite map, or a function of an unknown is unknown', () => {
    expect(evaluate('{HTTP_HOST}')).toEqual({ text: '{HTTP_HOST}', unknown: true });
    expect(evaluate('{ToLower:{HTTP_X_APP}}')).toEqual({ text: '{http_x_app}', unknown: true });
    expect(evaluate('{SiteMap:{R:1}}')).toEqual({ text: '{SiteMap:{R:1}}', unknown: true });
    expect(evaluate('{C:1}', { ...ctx, cond: UNKNOWN })).toEqual({ text: '', unknown: true });
    expect(evaluate('{RESPONSE_Set_Cookie}', { ...ctx, setCookie: UNKNOWN })).toEqual({ text: '{RESPONSE_Set_Cookie}', unknown: true });
    expect(evaluate('{R:1}', { ...ctx, rule: null })).toEqual({ text: '', unknown: false });
  });

  it('readsUnknowns walks function arguments and knows only the four functions', () => {
    expect(readsUnknowns(parseTemplate('{R:0}; HttpOnly'))).toBe(false);
    expect(readsUnknowns(parseTemplate('{ToLower:{R:1}}{RESPONSE_SET_COOKIE}'))).toBe(false);
    expect(readsUnknowns(parseTemplate('{ToLower:{HTTP_X}}'))).toBe(true);
    expect(readsUnknowns(parseTemplate('{UrlEncode:{ToLower:{SERVER_NAME}}}'))).toBe(true);
    expect(readsUnknowns(parseTemplate('{SiteMap:{R:1}}'))).toBe(true);
    expect(readsUnknowns(parseTemplate('{HTTPS}'))).toBe(true);
    expect(readsConditionCaptures(parseTemplate('{ToLower:{C:1}}'))).toBe(true);
    expect(readsConditionCaptures(parseTemplate('{R:1}{HTTP_C}'))).toBe(false);
  });

  it('reads what is not a well-formed reference as literal text', () => {
    const cases: [string, string][] = [
      ['{', '{'],
      ['}', '}'],
      ['{}', '{}'],
      ['{R:}', '{R:}'],
      ['{R:x}', '{R:x}'],
      ['{R:10}', '{R:10}'],
      ['{:x}', '{:x}'],
      ['a{b', 'a{b'],
      // An unclosed function: its brace is text, what follows is still read.
      ['{ToLower:{R:1}', '{ToLower:sid'],
    ];
    for (const [source, text] of cases) expect(evaluate(source), source).toEqual({ text, unknown: false });
    // Nesting deeper than 8 braces is text (`{ToLower:{R:1}}` is 2 deep).
    expect(evaluate(`${'{ToLower:'.repeat(7)}{R:2}${'}'.repeat(7)}`).text).toBe('abc');
    expect(evaluate(`${'{ToLower:'.repeat(8)}{R:2}${'}'.repeat(8)}`).text).not.toBe('abc');
  });

  it('recognises RESPONSE_Set_Cookie in any case and with - or _', () => {
    expect(['RESPONSE_Set_Cookie', 'response_set_cookie', 'RESPONSE-SET-COOKIE'].map(isSetCookieVariable)).toEqual([true, true, true]);
    expect(['RESPONSE_Set_Cookie2', 'HTTP_SET_COOKIE', 'RESPONSE_SetCookie'].map(isSetCookieVariable)).toEqual([false, false, false]);
  });
});

describe('IIS conditions on unknown inputs, through lint', () => {
  const rule = (input: string) =>
    webConfig(`<rule name="Add HttpOnly">
          <match serverVariable="RESPONSE_Set_Cookie" pattern=".*" />
          <conditions>
            <add input="${input}" pattern="^legacy$" />
          </conditions>
          <action type="Rewrite" value="{R:0}; HttpOnly" />
        </rule>`);
  const xsrf = (input: string) => lintText(rule(input), '/site/web.config', false).messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly');

  it('a function of a request header makes the finding conditional, and the message names it', () => {
    const [f, ...rest] = xsrf('{ToLower:{HTTP_X_APP}}');
    expect(rest).toEqual([]);
    expect(f!.message).toContain('for requests where {ToLower:{HTTP_X_APP}} matches');
  });

  it('a condition on the Set-Cookie value alone is decided, so the finding depends on it', () => {
    // The response cookie never equals "legacy": the rule never fires.
    expect(xsrf('{ToLower:{RESPONSE_Set_Cookie}}')).toEqual([]);
    expect(xsrf('{HTTP_X_APP}')[0]!.message).toContain('for requests where {HTTP_X_APP} matches "^legacy$"');
  });
});

describe('two rules whose templates differ only in their text each get their own verdict', () => {
  const site = (a: string, b: string, pattern = '^([^=]+)=(.*)$') => {
    const loc = (path: string, value: string) => `  <location path="${path}">
    <system.webServer><rewrite><outboundRules>
      <rule name="r">
        <match serverVariable="RESPONSE_Set_Cookie" pattern="${pattern}" />
        <action type="Rewrite" value="${value}" />
      </rule>
    </outboundRules></rewrite></system.webServer>
  </location>`;
    return `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n${loc('a', a)}\n${loc('b', b)}\n</configuration>\n`;
  };
  /** The action values the XSRF rule reports, in file order. */
  const flagged = (text: string) => {
    const { messages, model } = lintText(text, '/site/web.config', false);
    const source = model.files.get(model.root)!.text;
    return messages.filter((m) => m.ruleId === 'xsrf-cookie-httponly').map((m) => source.slice(m.span.start, m.span.end));
  };
  const both = (bad: string, good: string, pattern?: string) => {
    expect(flagged(site(bad, good, pattern))).toEqual([bad]);
    expect(flagged(site(good, bad, pattern))).toEqual([bad]);
  };

  it('literal text', () => both('{R:0}; HttpOnly', '{R:0}; Secure'));
  it('a function', () => both('{ToLower:{R:0}}; HttpOnly', '{ToLower:{R:0}}; Secure'));
});
