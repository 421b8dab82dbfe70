/** The Apache httpd dialect: parser, model lowering and fix builders (see lower.ts and edits.ts). */
import { defineDialect, type DialectModule } from '../dialect.js';
import { excludeCookies } from './edits.js';
import { APACHE_DEFAULT_BACKENDS, lowerApache } from './lower.js';

export const apacheDialect: DialectModule = defineDialect({
  id: 'apache',
  defaultBackends: APACHE_DEFAULT_BACKENDS,
  lower: lowerApache,
  fixers: { excludeCookies },
  // A virtual host reads the main server's directives, never another virtual host's.
  units: ({ syntax }) => syntax.vhosts,
});
