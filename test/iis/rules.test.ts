/**
 * The IIS-only rules, run through lintModel with the rest of the rule set: severities, where they
 * point and what they say. (Their fixtures run in test/fixtures.test.ts once rules/index.ts lists them.)
 */
import { describe, expect, it } from 'vitest';
import aspnetHttponlycookiesXsrf from '../../rules/aspnet-httponlycookies-xsrf/index.js';
import iisOutboundWildcardHeader from '../../rules/iis-outbound-wildcard-header/index.js';
import iisRegexUnsupported from '../../rules/iis-regex-unsupported/index.js';
import { lintText, webConfig } from './helpers.js';

function findings(text: string) {
  const { messages, model } = lintText(text);
  const source = model.files.get(model.root)!.text;
  return messages.map((m) => ({ ruleId: m.ruleId, severity: m.severity, at: source.slice(m.span.start, m.span.end), message: m.message, data: m.data }));
}

describe('rule metadata', () => {
  it('are IIS-only, not fixable, with the documented severities', () => {
    expect([aspnetHttponlycookiesXsrf, iisOutboundWildcardHeader, iisRegexUnsupported].map((r) => [r.meta.id, r.meta.severity, r.meta.fixable, r.meta.dialects])).toEqual([
      ['aspnet-httponlycookies-xsrf', 'warning', false, ['iis']],
      ['iis-outbound-wildcard-header', 'error', false, ['iis']],
      ['iis-regex-unsupported', 'error', false, ['iis']],
    ]);
  });
});

describe('aspnet-httponlycookies-xsrf', () => {
  it('warns at httpOnlyCookies="true" and explains what it does and does not affect', () => {
    const [f, ...rest] = findings('<configuration><system.web><httpCookies httpOnlyCookies="true" /></system.web></configuration>');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ ruleId: 'aspnet-httponlycookies-xsrf', severity: 1, at: 'true' });
    expect(f!.message).toMatch(/add HttpOnly to the application's own cookies, an Angular XSRF-TOKEN too unless its code opts out/);
    expect(String(f!.data?.detail)).toMatch(/every cookie the application creates with System\.Web\.HttpCookie, including an Angular XSRF-TOKEN cookie unless the code sets HttpOnly = false/);
    expect(String(f!.data?.detail)).toMatch(/never affects cookies from backends proxied through ARR/);
  });

  it('says that the proxied backends\' cookies are unaffected when the configuration proxies', () => {
    const text = '<configuration><system.webServer><rewrite><rules><rule name="api"><match url="^api/(.*)" /><action type="Rewrite" url="http://127.0.0.1:5000/{R:1}" /></rule></rules></rewrite></system.webServer><system.web><httpCookies httpOnlyCookies="true" /></system.web></configuration>';
    expect(findings(text)[0]!.message).toMatch(/\(not ARR-proxied ones\)/);
    expect(String(findings(text)[0]!.data?.detail)).toMatch(/Cookies from backends this configuration proxies through ARR are not affected/);
  });

  it('is silent for the default, false, and for requireSSL alone', () => {
    expect(findings('<configuration><system.web><httpCookies httpOnlyCookies="false" requireSSL="true" /><httpCookies requireSSL="true" /></system.web></configuration>')).toEqual([]);
  });
});

describe('iis-outbound-wildcard-header', () => {
  it('errs at patternSyntax="Wildcard" on a header rule', () => {
    const text = webConfig('<rule name="r" patternSyntax="Wildcard"><match serverVariable="RESPONSE_Set_Cookie" pattern="*" /><action type="Rewrite" value="{R:0}; HttpOnly" /></rule>');
    expect(findings(text)).toEqual([expect.objectContaining({ ruleId: 'iis-outbound-wildcard-header', severity: 2, at: 'Wildcard' })]);
  });
});

describe('iis-regex-unsupported', () => {
  it('errs at the pattern, naming the construct', () => {
    const text = webConfig('<rule name="r"><match serverVariable="RESPONSE_Set_Cookie" pattern="(?i)^a=.*" /><action type="Rewrite" value="{R:0}; HttpOnly" /></rule>');
    expect(findings(text)).toEqual([expect.objectContaining({ ruleId: 'iis-regex-unsupported', severity: 2, at: '(?i)^a=.*', message: expect.stringMatching(/no inline flags such as \(\?i\)/) })]);
  });
});
