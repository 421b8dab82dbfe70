/**
 * Compares the PCRE flavor with the real pcre2test on generated patterns. Shared by the vitest
 * suite and usable from a debugging script.
 */
import fc from 'fast-check';
import { compileRegex, toByteString, RegexBudgetError, type RegexOptions } from '../../src/regex/index.js';
import { pcrePattern, pcreSubject } from './generate.js';
import { renderMatch, runPcre2test, type Pcre2Case, type Pcre2Subject } from './pcre2test.js';

type PcreOptions = Omit<RegexOptions, 'flavor' | 'stepLimit'>;

const OPTION_SETS: readonly PcreOptions[] = [
  {},
  { dotAll: true, dollarEndOnly: true }, // Apache's AP_REG_DEFAULT
  { caseless: true }, // nginx ~regex
  { multiline: true },
  { extended: true },
  { dollarEndOnly: true },
  { caseless: true, dotAll: true, multiline: true },
];

export interface GeneratedCase {
  readonly pattern: string;
  readonly options: PcreOptions;
  readonly subjects: readonly Pcre2Subject[];
}

export function generateCases(seed: number, count: number, subjectLength = 12): GeneratedCase[] {
  const subject: fc.Arbitrary<Pcre2Subject> = fc.oneof(
    { weight: 6, arbitrary: pcreSubject(subjectLength).map((text) => ({ text })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(pcreSubject(subjectLength), fc.nat(4), fc.boolean(), fc.boolean())
        .map(([text, off, notEmptyAtStart, anchored]) => ({ text, offset: Math.min(off, text.length), notEmptyAtStart, anchored })),
    },
  );
  const arb = fc.record({
    pattern: pcrePattern(),
    options: fc.constantFrom(...OPTION_SETS),
    subjects: fc.array(subject, { minLength: 2, maxLength: 5 }),
  });
  return fc.sample(arb, { seed, numRuns: count });
}

export interface Mismatch {
  readonly pattern: string;
  readonly options: PcreOptions;
  readonly subject?: Pcre2Subject;
  readonly expected: unknown;
  readonly actual: unknown;
}

export interface DifferentialReport {
  readonly patterns: number;
  readonly compiled: number;
  readonly compileErrors: number;
  readonly unsupported: number;
  readonly subjects: number;
  readonly matched: number;
  readonly skipped: number;
  /** Syntax errors where both refuse the pattern but the messages differ (reported, not fatal). */
  readonly messageDiffs: ReadonlyArray<{ pattern: string; expected: string; actual: string }>;
  readonly offsetDiffs: number;
  readonly mismatches: readonly Mismatch[];
}

export function runDifferential(cases: readonly GeneratedCase[]): DifferentialReport {
  const pcreCases: Pcre2Case[] = cases.map((c) => ({ pattern: toByteString(c.pattern), subjects: c.subjects, ...c.options }));
  const real = runPcre2test(pcreCases);
  const mismatches: Mismatch[] = [];
  const messageDiffs: Array<{ pattern: string; expected: string; actual: string }> = [];
  const n = { compiled: 0, compileErrors: 0, unsupported: 0, subjects: 0, matched: 0, skipped: 0, offsetDiffs: 0 };
  cases.forEach((c, k) => {
    const r = real[k]!;
    const ours = compileRegex(c.pattern, { flavor: 'pcre', ...c.options });
    if (!ours.ok && ours.error.code === 'unsupported') {
      n.unsupported++;
      return;
    }
    if (r.error) {
      n.compileErrors++;
      if (ours.ok) {
        mismatches.push({ pattern: c.pattern, options: c.options, expected: r.error, actual: 'compiled' });
      } else {
        if (ours.error.message !== r.error.message) messageDiffs.push({ pattern: c.pattern, expected: r.error.message, actual: ours.error.message });
        // pcre2test reports byte offsets; ours index the pattern string.
        if (toByteString(c.pattern.slice(0, ours.error.offset)).length !== r.error.offset) n.offsetDiffs++;
      }
      return;
    }
    if (!ours.ok) {
      mismatches.push({ pattern: c.pattern, options: c.options, expected: 'compiled', actual: ours.error });
      return;
    }
    n.compiled++;
    c.subjects.forEach((s, j) => {
      const outcome = r.outcomes[j]!;
      if (outcome.kind === 'other') {
        n.skipped++;
        return;
      }
      n.subjects++;
      let actual: string[] | null | string;
      try {
        const m = ours.regex.exec(s.text, s.offset ?? 0, { notEmptyAtStart: s.notEmptyAtStart ?? false, anchored: s.anchored ?? false });
        actual = renderMatch(s.text, m ? m.captures : null);
      } catch (e) {
        if (!(e instanceof RegexBudgetError)) throw e;
        actual = 'budget exceeded';
      }
      if (outcome.lines) n.matched++;
      if (JSON.stringify(actual) !== JSON.stringify(outcome.lines)) {
        mismatches.push({ pattern: c.pattern, options: c.options, subject: s, expected: outcome.lines, actual });
      }
    });
  });
  return { patterns: cases.length, ...n, messageDiffs, mismatches };
}
