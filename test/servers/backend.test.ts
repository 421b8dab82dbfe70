import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieQuery, cookiesFromQuery, fetchCookies, startHttpBackend, type RunningBackend } from './backend.js';

describe('test backend', () => {
  let http: RunningBackend;
  beforeAll(async () => {
    http = await startHttpBackend();
  });
  afterAll(() => http.close());

  it('round-trips the cookie list through the query string', () => {
    const values = ['a=1; Path=/', 'XSRF-TOKEN=x; Expires=Wed, 21 Oct 2037 07:28:00 GMT', 'b=é'];
    expect(cookiesFromQuery(cookieQuery(values))).toEqual(values);
    expect(cookiesFromQuery('x=1')).toEqual([]);
  });

  it('sends exactly the requested Set-Cookie lines, in order', async () => {
    const values = ['JSESSIONID=abc; Path=/; Secure', 'atl.xsrf.token=t; Path=/'];
    const res = await fetchCookies(http.port, `/x?${cookieQuery(values)}`);
    expect(res).toEqual({ status: 200, setCookies: values });
  });
});
