/** Which endpoints an op runs in: rules about one directive judge it where it applies. */
import type { CookieOp, Endpoint, HeaderRewriteModel } from '../model/header-rewrite.js';

export function endpointsByOp(model: HeaderRewriteModel): Map<CookieOp, Endpoint[]> {
  const map = new Map<CookieOp, Endpoint[]>();
  for (const endpoint of model.endpoints) {
    for (const op of new Set(endpoint.pipeline)) {
      let list = map.get(op);
      if (!list) map.set(op, (list = []));
      list.push(endpoint);
    }
  }
  return map;
}

/** Sample responses a directive is judged on: a session cookie with each XSRF cookie. */
export function sampleResponses(xsrfNames: readonly string[]): string[][] {
  return [
    ['JSESSIONID=s1; Path=/; Secure', 'lpc_probe=1'],
    ...xsrfNames.map((n) => ['JSESSIONID=s1; Path=/', `${n}=t1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT`]),
    ['PHPSESSID=p1'],
  ];
}
