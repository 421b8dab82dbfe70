/**
 * The IIS configuration model: levels (`<location>`), inheritance from parent levels and parent
 * web.config files, collection `<clear/>` / `<remove/>`, backends, facts and reported problems.
 *   [2.0] MicrosoftDocs/iis-docs url-rewrite-module-20-configuration-reference.md "Rules Inheritance":
 *         "parent rules are evaluated first and the rules defined on a last child level are evaluated last"
 *   [1.x] url-rewrite-module-configuration-reference.md "Rewrite Rules Scope" (<location> tags)
 */
import { describe, expect, it } from 'vitest';
import { iisDialect } from '../../src/dialects/iis/index.js';
import type { AspNetHttpCookiesFact } from '../../src/model/facts.js';
import { build, memoryIO, one, OPTIONS, spanText, webConfig } from './helpers.js';

const appendRule = (name: string, tag = name) => `<rule name="${name}"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; ${tag}" /></rule>`;
const outbound = (inner: string) => `<system.webServer><rewrite><outboundRules>${inner}</outboundRules></rewrite></system.webServer>`;
const location = (path: string, inner: string) => `<location path="${path}">${outbound(inner)}</location>`;

describe('levels and locations', () => {
  const host = `<configuration>${outbound(appendRule('S'))}${location('Default Web Site', appendRule('Site'))}${location('Default Web Site/app', appendRule('App'))}${location('Default Web Site/app/admin', `<clear/>${appendRule('Admin')}`)}${location('Other Site', '<remove name="S"/>')}</configuration>`;
  const model = build(host, '/iis/config/applicationHost.config');

  it('has one endpoint for the file and one per location path, labelled and with a request path', () => {
    expect(model.endpoints.map((e) => [e.label, e.requestPath])).toEqual([
      ['applicationHost.config', '/'],
      ['applicationHost.config › <location path="Default Web Site">', '/'],
      ['applicationHost.config › <location path="Default Web Site/app">', '/app'],
      ['applicationHost.config › <location path="Default Web Site/app/admin">', '/app/admin'],
      ['applicationHost.config › <location path="Other Site">', '/'],
    ]);
    expect(spanText(model, model.endpoints[2]!.span)).toBe('<location path="Default Web Site/app">');
  });

  // [2.0] Rules Inheritance: parent levels first.
  it('runs the rules of every covering level, parents first', () => {
    expect(one(model, 'a=1', 'applicationHost.config › <location path="Default Web Site/app">')).toBe('a=1; S; Site; App');
  });

  // Clear-IISConfigCollection (MicrosoftDocs): <clear/> stops inheriting the collection's entries.
  it('<clear/> drops everything inherited', () => {
    expect(one(model, 'a=1', 'applicationHost.config › <location path="Default Web Site/app/admin">')).toBe('a=1; Admin');
  });

  it('<remove name/> drops one inherited rule', () => {
    expect(one(model, 'a=1', 'applicationHost.config › <location path="Other Site">')).toBe('a=1');
  });

  it('shares one operation per rule between endpoints, listed once in source order', () => {
    expect(model.ops.map((o) => o.label)).toEqual(['<rule name="S">', '<rule name="Site">', '<rule name="App">', '<rule name="Admin">']);
    expect(model.endpoints[1]!.pipeline[0]).toBe(model.endpoints[0]!.pipeline[0]);
  });

  it('merges locations with the same path (case-insensitive, slashes normalized)', () => {
    const m = build(`<configuration>${location('App', appendRule('A'))}${location('app/', appendRule('B'))}</configuration>`);
    expect(m.endpoints.map((e) => e.label)).toEqual(['web.config', 'web.config › <location path="App">']);
    expect(one(m, 'a=1', 'web.config › <location path="App">')).toBe('a=1; A; B');
  });

  it('a location path "." is the file level itself', () => {
    const m = build(`<configuration>${location('.', appendRule('A'))}</configuration>`);
    expect(m.endpoints.map((e) => e.label)).toEqual(['web.config']);
    expect(one(m, 'a=1')).toBe('a=1; A');
  });

  it('a rule removed and added again runs last', () => {
    const m = build(`<configuration>${outbound(appendRule('A') + appendRule('B'))}${location('x', `<remove name="a"/>${appendRule('A', 'A2')}`)}</configuration>`);
    expect(one(m, 'c=1', 'web.config › <location path="x">')).toBe('c=1; B; A2');
  });
});

describe('parent web.config files', () => {
  const files = {
    '/inetpub/wwwroot/web.config': `<configuration>${outbound(appendRule('Root'))}${location('shop', appendRule('ShopFromRoot'))}${location('blog', appendRule('Blog'))}</configuration>`,
    '/inetpub/wwwroot/shop/Web.config': `<configuration>${outbound(appendRule('Shop'))}</configuration>`,
    '/inetpub/wwwroot/shop/api/web.config': `<configuration>${outbound(appendRule('Api'))}</configuration>`,
  };
  const io = memoryIO(files);
  const model = iisDialect.buildModel('/inetpub/wwwroot/shop/api/web.config', io, OPTIONS);

  // [2.0] Rules Inheritance across configuration files; locations of a parent that cover the
  // child's directory apply too, other locations do not.
  it('runs parent rules first, outermost first, including covering parent locations', () => {
    expect(one(model, 'a=1')).toBe('a=1; Root; ShopFromRoot; Shop; Api');
  });

  it('reads the parents but covers only the linted file, so each parent is linted on its own', () => {
    expect([...model.files.keys()]).toEqual(['/inetpub/wwwroot/shop/api/web.config', '/inetpub/wwwroot/web.config', '/inetpub/wwwroot/shop/Web.config']);
    expect(model.covers).toEqual(['/inetpub/wwwroot/shop/api/web.config']);
  });

  it('only files named web.config take part in the hierarchy', () => {
    const other = memoryIO({ ...files, '/inetpub/wwwroot/shop/api/site.config': files['/inetpub/wwwroot/shop/api/web.config'] });
    expect(one(iisDialect.buildModel('/inetpub/wwwroot/shop/api/site.config', other, OPTIONS), 'a=1')).toBe('a=1; Api');
  });

  it('a <clear/> in the child drops the parents\' rules', () => {
    const cleared = memoryIO({ ...files, '/inetpub/wwwroot/shop/api/web.config': `<configuration>${outbound(`<clear/>${appendRule('Api')}`)}</configuration>` });
    expect(one(iisDialect.buildModel('/inetpub/wwwroot/shop/api/web.config', cleared, OPTIONS), 'a=1')).toBe('a=1; Api');
  });

  it('a broken parent is reported on the linted file (include-unresolved) and skipped', () => {
    const broken = memoryIO({ ...files, '/inetpub/wwwroot/web.config': '<configuration><oops></configuration>' });
    const m = iisDialect.buildModel('/inetpub/wwwroot/shop/api/web.config', broken, OPTIONS);
    expect(m.problems).toEqual([expect.objectContaining({ kind: 'include-unresolved', message: expect.stringContaining('/inetpub/wwwroot/web.config cannot be used') })]);
    expect(one(m, 'a=1')).toBe('a=1; Shop; Api');
  });

  it('a parent that redefines a rule name is a duplicate IIS refuses, reported on the child only', () => {
    const dup = memoryIO({ ...files, '/inetpub/wwwroot/shop/api/web.config': `<configuration>${outbound(appendRule('Root', 'Again'))}</configuration>` });
    const m = iisDialect.buildModel('/inetpub/wwwroot/shop/api/web.config', dup, OPTIONS);
    expect(m.problems.map((p) => [p.kind, p.span.file])).toEqual([['refused', '/inetpub/wwwroot/shop/api/web.config']]);
    expect(m.problems[0]!.message).toMatch(/Another <rule> named "Root"/);
  });
});

describe('backends', () => {
  const inbound = (rules: string) => `<configuration><system.webServer><rewrite><rules>${rules}</rules></rewrite></system.webServer></configuration>`;

  it('outbound rules reach ARR-proxied responses and the application\'s own by default', () => {
    expect(build(webConfig('')).endpoints[0]!.possibleBackends).toEqual(['http', 'module']);
  });

  // reverse-proxy-with-url-rewrite-v2-and-application-request-routing.md: a Rewrite to an
  // absolute URL hands the request to ARR.
  it('narrows to http when the first rule sends every request to an http(s) backend', () => {
    const m = build(inbound('<rule name="proxy" stopProcessing="true"><match url="(.*)" /><action type="Rewrite" url="https://backend:8443/{R:1}" /></rule>'));
    expect(m.endpoints[0]!.possibleBackends).toEqual(['http']);
    expect(m.endpoints[0]!.backends).toEqual([expect.objectContaining({ kind: 'http', target: 'https://backend:8443/{R:1}' })]);
  });

  it('keeps both kinds when only some requests are proxied, or conditions decide', () => {
    const partial = build(inbound('<rule name="api"><match url="^api/(.*)" /><action type="Rewrite" url="http://localhost:5000/{R:1}" /></rule>'));
    expect(partial.endpoints[0]!.possibleBackends).toEqual(['http', 'module']);
    expect(partial.endpoints[0]!.backends).toHaveLength(1);
    const conditional = build(inbound('<rule name="p"><match url=".*" /><conditions><add input="{HTTP_HOST}" pattern="^api\\." /></conditions><action type="Rewrite" url="http://b/{R:0}" /></rule>'));
    expect(conditional.endpoints[0]!.possibleBackends).toEqual(['http', 'module']);
  });
});

describe('ASP.NET httpCookies', () => {
  // microsoft/referencesource System.Web/HttpCookie.cs SetDefaultsFromConfig.
  it('becomes a fact, not an operation', () => {
    const m = build('<configuration><system.web><httpCookies httpOnlyCookies="True" requireSSL="false" /></system.web><location path="x"><system.web><httpCookies requireSSL="true"/></system.web></location></configuration>');
    expect(m.ops).toEqual([]);
    const fact = m.facts[0] as AspNetHttpCookiesFact;
    expect(m.facts).toHaveLength(1);
    expect(fact).toMatchObject({ kind: 'aspnet-httpcookies', httpOnlyCookies: true, requireSSL: false, proxies: false });
    expect(spanText(m, fact.attributeSpan)).toBe('True');
  });
});

describe('what IIS refuses, reported where it is', () => {
  it('attribute names are case-sensitive', () => {
    const m = build(webConfig('<rule name="r" stopprocessing="true"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="None" /></rule>'));
    expect(m.problems).toEqual([expect.objectContaining({ kind: 'refused', message: expect.stringMatching(/Unrecognized attribute 'stopprocessing'.*'stopProcessing'/) })]);
    expect(spanText(m, m.problems[0]!.span)).toBe('stopprocessing');
  });

  it('element names are case-sensitive', () => {
    const m = build(webConfig('<Rule name="r"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Rewrite" value="{R:0}; HttpOnly" /></Rule>'));
    expect(m.problems.map((p) => [p.kind, spanText(m, p.span)])).toEqual([['refused', 'Rule']]);
    expect(m.ops).toEqual([]);
  });

  it('booleans are true or false; enumerations are the documented values', () => {
    const m = build(webConfig('<rule name="r" enabled="yes" patternSyntax="Regex"><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="Replace" /></rule>'));
    expect(m.problems.map((p) => spanText(m, p.span))).toEqual(['Regex', 'yes', 'Replace']);
  });

  it('two rules with the same name at one level', () => {
    const m = build(webConfig(appendRule('A') + appendRule('a')));
    expect(m.problems.map((p) => p.message)).toEqual([expect.stringMatching(/Another <rule> named "a"/)]);
    expect(one(m, 'x=1')).toBe('x=1; A');
  });

  // A section kept in another file is followed (config-source.test.ts); a missing one is reported.
  it('a configSource file that does not exist is an unresolved include', () => {
    const m = build('<configuration><system.webServer><rewrite><outboundRules configSource="outbound.config" /></rewrite></system.webServer></configuration>');
    expect(m.problems.map((p) => [p.kind, spanText(m, p.span)])).toEqual([['include-unresolved', 'outbound.config']]);
  });

  it('a rule without a name', () => {
    const m = build(webConfig('<rule><match serverVariable="RESPONSE_Set_Cookie" pattern=".*" /><action type="None" /></rule>'));
    expect(m.problems.map((p) => p.message)).toEqual([expect.stringMatching(/needs a name attribute/)]);
  });
});
