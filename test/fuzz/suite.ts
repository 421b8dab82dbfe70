/**
 * The properties every dialect's fuzz file runs: mutated corpus seeds, generated configurations
 * and truncation of the examples at every position class, all through {@link checkProject}.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/model/header-rewrite.js';
import { fuzzParams, fuzzTimeout } from './config.js';
import { seedsFor } from './corpus.js';
import { checkProject } from './invariants.js';
import { materialize, mutatedSeedArb, truncations } from './mutate.js';
import { fuzzProject, targetPath } from './projects.js';

export interface DialectFuzz {
  readonly dialect: Dialect;
  /** Whole configurations from the dialect's small grammar, with the file name to lint them under. */
  readonly generated: fc.Arbitrary<{ readonly basename: string; readonly text: string }>;
  /** CI runs of each property. */
  readonly runs: { readonly mutated: number; readonly generated: number };
}

export function describeDialectFuzz(spec: DialectFuzz): void {
  const { dialect } = spec;
  describe(`${dialect} fuzz`, () => {
    it(
      'mutated corpus configurations keep every invariant',
      () => {
        fc.assert(
          fc.property(mutatedSeedArb(dialect), fc.boolean(), (c, inContext) => {
            const { seed, bytes } = materialize(dialect, c);
            checkProject(fuzzProject(dialect, seed.basename, bytes, inContext));
          }),
          fuzzParams(spec.runs.mutated),
        );
      },
      fuzzTimeout(spec.runs.mutated),
    );

    it(
      'generated configurations keep every invariant',
      () => {
        fc.assert(
          fc.property(spec.generated, fc.boolean(), (g, inContext) => {
            checkProject(fuzzProject(dialect, g.basename, g.text, inContext));
          }),
          fuzzParams(spec.runs.generated),
        );
      },
      fuzzTimeout(spec.runs.generated),
    );

    it('the examples truncated before and after every class of character keep every invariant', () => {
      const examples = seedsFor(dialect).filter((s) => s.name.startsWith('examples/'));
      // Not vacuous: every dialect has a bundled example, and each yields cuts.
      expect(examples.length, `no examples/ seed for ${dialect}`).toBeGreaterThan(0);
      for (const seed of examples) {
        const cuts = truncations(seed.bytes);
        expect(cuts.length, `${seed.name} yields no truncation`).toBeGreaterThan(0);
        for (const cut of cuts) {
          const target = targetPath(dialect, seed.basename);
          try {
            checkProject({ files: { [target]: cut.bytes }, targets: [target], dialect });
          } catch (e) {
            throw new Error(`${seed.name} cut at ${cut.label}: ${(e as Error).message}`);
          }
        }
      }
    });
  });
}
