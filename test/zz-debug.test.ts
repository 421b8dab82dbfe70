import { it } from 'vitest';
import { createNodeIO } from '../src/node-io.js';
import { loadDialects } from '../src/dialects/registry.js';
it('dbg', async () => {
  const d = (await loadDialects(new Set(['apache'] as const))).get('apache')!;
  const m = d.buildModel(process.cwd() + '/fixtures/xsrf-cookie-httponly/apache/invalid-inline-products.conf', createNodeIO(process.cwd()), { nginxVersion: '1.30.1' });
  for (const e of m.endpoints) console.log(e.label, e.span.start, e.span.end, e.pipeline.length);
  for (const c of m.comments) console.log(c.text, c.span.start, c.span.end);
});
