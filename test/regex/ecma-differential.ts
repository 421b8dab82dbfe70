/**
 * Compares the ECMAScript flavor with the JavaScript engine running the tests (V8, Annex B,
 * non-unicode) on generated patterns, using the `d` flag for capture offsets.
 */
import fc from 'fast-check';
import { compileRegex, RegexBudgetError } from '../../src/regex/index.js';
import { ecmaPattern, ecmaSubject } from './generate.js';

export interface EcmaCase {
  readonly pattern: string;
  readonly caseless: boolean;
  readonly multiline: boolean;
  readonly subjects: readonly string[];
}

export function generateEcmaCases(seed: number, count: number, subjectLength = 12): EcmaCase[] {
  const arb = fc.record({
    pattern: ecmaPattern(),
    caseless: fc.boolean(),
    multiline: fc.boolean(),
    subjects: fc.array(ecmaSubject(subjectLength), { minLength: 2, maxLength: 5 }),
  });
  return fc.sample(arb, { seed, numRuns: count });
}

type Captures = ReadonlyArray<readonly [number, number] | undefined> | null;

export interface EcmaReport {
  readonly patterns: number;
  readonly compiled: number;
  readonly bothRefused: number;
  /** Refused on purpose (inline flags, lookbehind, named groups) though V8 accepts them. */
  readonly refusedForIis: number;
  readonly subjects: number;
  readonly matched: number;
  readonly mismatches: ReadonlyArray<{ pattern: string; flags: string; subject?: string; expected: unknown; actual: unknown }>;
}

function nativeExec(re: RegExp, subject: string): Captures {
  re.lastIndex = 0;
  const m = re.exec(subject);
  if (!m?.indices) return null;
  return Array.from(m.indices, (pair) => (pair ? ([pair[0], pair[1]] as const) : undefined));
}

export function runEcmaDifferential(cases: readonly EcmaCase[]): EcmaReport {
  const mismatches: Array<EcmaReport['mismatches'][number]> = [];
  const n = { compiled: 0, bothRefused: 0, refusedForIis: 0, subjects: 0, matched: 0 };
  for (const c of cases) {
    const flags = `d${c.caseless ? 'i' : ''}${c.multiline ? 'm' : ''}`;
    let native: RegExp | null = null;
    let nativeError = '';
    try {
      native = new RegExp(c.pattern, flags);
    } catch (e) {
      nativeError = (e as Error).message;
    }
    const ours = compileRegex(c.pattern, { flavor: 'ecmascript', caseless: c.caseless, multiline: c.multiline });
    if (!ours.ok) {
      if (ours.error.code !== 'syntax') n.refusedForIis++;
      else if (native) mismatches.push({ pattern: c.pattern, flags, expected: 'compiled', actual: ours.error });
      else n.bothRefused++;
      continue;
    }
    if (!native) {
      mismatches.push({ pattern: c.pattern, flags, expected: nativeError, actual: 'compiled' });
      continue;
    }
    n.compiled++;
    for (const subject of c.subjects) {
      n.subjects++;
      const expected = nativeExec(native, subject);
      let actual: Captures | string;
      try {
        actual = ours.regex.exec(subject)?.captures ?? null;
      } catch (e) {
        if (!(e instanceof RegexBudgetError)) throw e;
        actual = 'budget exceeded';
      }
      if (expected) n.matched++;
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push({ pattern: c.pattern, flags, subject, expected, actual });
    }
  }
  return { patterns: cases.length, ...n, mismatches };
}
