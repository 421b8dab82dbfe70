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
