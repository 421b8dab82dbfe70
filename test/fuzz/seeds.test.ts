/** The unmutated corpus: every seed satisfies the invariants (the baseline the mutations start from). */
import { describe, it } from 'vitest';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { seedsFor } from './corpus.js';
import { checkProject } from './invariants.js';
import { targetPath } from './projects.js';

for (const dialect of ['apache', 'nginx', 'iis', 'haproxy', 'caddy'] as const satisfies readonly Dialect[]) {
  describe(`${dialect} corpus`, () => {
    it('every seed lints, fixes and re-lints within the invariants', () => {
      for (const seed of seedsFor(dialect)) {
        const target = targetPath(dialect, seed.basename);
        try {
          checkProject({ files: { [target]: seed.bytes }, targets: [target], dialect });
        } catch (e) {
          throw new Error(`seed ${seed.name}: ${(e as Error).message}`);
        }
      }
    });
  });
}
