/**
 * What an nginx model keeps of its syntax once the engine lets go of it (BuiltModel.release): its
 * endpoints keep their levels (for the request path and `selects`, worked out on demand), and the
 * levels held their block directives, so a released model still kept every directive: 467 MB on
 * the 20,000-server bench file. Released, the levels keep no directive, and the model answers as
 * before.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NGINX_VERSION } from '../../src/dialects/dialect.js';
import { lowerNginx, nginxDialect } from '../../src/dialects/nginx/index.js';
import { detachLevels } from '../../src/dialects/nginx/lower.js';
import type { HeaderRewriteModel } from '../../src/model/header-rewrite.js';
import { memoryIO } from './memory-io.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CONFIG = `events {}
http {
    proxy_cookie_flags ~ secure;
    server {
        listen 80;
        server_name a.test;
        if ($bad) { return 403; }
        location / {
            proxy_pass http://127.0.0.1:8080;
            if ($arg_debug = yes) { add_header X-D 1; }
            location /app/ {
                proxy_pass http://127.0.0.1:8081;
                if ($arg_q) { proxy_cookie_flags ~ httponly; }
            }
        }
        location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }
        location = /exact { proxy_pass http://127.0.0.1:8082; }
        location ^~ /static/ { root /srv; }
        location /internal/ { internal; proxy_pass http://127.0.0.1:8084; }
    }
    server {
        listen 81;
        location /b/ { proxy_pass http://127.0.0.1:8085; }
    }
}
`;
const PATH = '/etc/nginx/nginx.conf';
const OPTIONS = { nginxVersion: DEFAULT_NGINX_VERSION };
const PATHS = ['/', '/app/', '/app/x?q=1', '/x.php', '/exact', '/static/a.css', '/internal/x', '/b/', '/nowhere'];

/** What the model's endpoints answer on demand: the request path, and which paths each selects. */
function answers(m: HeaderRewriteModel): unknown {
  return m.endpoints.map((e) => [e.label, e.requestPath ?? null, PATHS.map((p) => e.selects?.(p) ?? null), e.pipeline.length]);
}

describe('an nginx model once its syntax is released', () => {
  it('answers the same: labels, request paths (`if` queries too), the paths each scope selects', () => {
    const kept = nginxDialect.build(PATH, memoryIO({ [PATH]: CONFIG }), OPTIONS).model;
    const released = nginxDialect.build(PATH, memoryIO({ [PATH]: CONFIG }), OPTIONS);
    released.release!();
    expect(answers(released.model)).toEqual(answers(kept));
    // The `if` levels' query strings, noted before their directives went.
    expect(kept.endpoints.map((e) => e.requestPath)).toContain('/app/?q=1');
  });

  it('keeps no directive alive', async () => {
    let lowered: ReturnType<typeof lowerNginx> | undefined = lowerNginx(PATH, memoryIO({ [PATH]: CONFIG }), OPTIONS);
    const model = lowered.model;
    const before = answers(model);
    const directive = new WeakRef(lowered.syntax.tree.directives.find((d) => d.name.value === 'http')!);
    detachLevels(lowered.syntax);
    lowered = undefined;
    // A WeakRef made in this job holds its target until the job ends.
    await new Promise((r) => setImmediate(r));
    gc();
    expect(directive.deref()).toBeUndefined();
    expect(answers(model)).toEqual(before);
  });
});
