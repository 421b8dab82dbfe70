/**
 * Runs the real PCRE2 (Debian package pcre2-utils, `pcre2test`) on a batch of patterns and
 * subjects in ONE process and parses its output, so the PCRE flavor can be compared with the
 * engine Apache and nginx link against.
 *
 * Patterns are passed with the `hex` modifier (no delimiter or escaping issues) and subjects
 * with every non-alphanumeric byte as `\x{hh}`. Captured text is compared in pcre2test's own
 * output format (printable ASCII as is, other bytes as `\xhh`), so `renderMatch` turns one of
 * our matches into the same lines.
 */
import { spawnSync } from 'node:child_process';

/** One pattern with its compile options and the subjects to match. All strings are byte strings. */
export interface Pcre2Case {
  readonly pattern: string;
  readonly caseless?: boolean;
  readonly dotAll?: boolean;
  readonly multiline?: boolean;
  readonly extended?: boolean;
  readonly dollarEndOnly?: boolean;
  readonly subjects: ReadonlyArray<Pcre2Subject>;
}

export interface Pcre2Subject {
  readonly text: string;
  readonly offset?: number;
  readonly notEmptyAtStart?: boolean;
  readonly anchored?: boolean;
}

export type Pcre2Outcome =
  /** Capture lines exactly as printed (` 0: abc`, ` 0+ rest`, ` 1: <unset>`), or null for "No match". */
  | { readonly kind: 'result'; readonly lines: readonly string[] | null }
  /** Anything else pcre2test printed for the subject (match limit, bad offset...). */
  | { readonly kind: 'other'; readonly text: string };

export interface Pcre2CaseResult {
  /** Compile error, e.g. `{ number: 109, offset: 2, message: 'quantifier does not follow a repeatable item' }`. */
  readonly error: { readonly number: number; readonly offset: number; readonly message: string } | null;
  readonly outcomes: readonly Pcre2Outcome[];
}

/** Path of pcre2test, or null when it is not installed. */
export function findPcre2test(): string | null {
  const r = spawnSync('pcre2test', ['-version'], { encoding: 'utf8' });
  return r.status === 0 && /PCRE2 version/.test(r.stdout) ? 'pcre2test' : null;
}

export function pcre2testVersion(): string {
  return spawnSync('pcre2test', ['-version'], { encoding: 'utf8' }).stdout.trim();
}

function hexBytes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += (i ? ' ' : '') + s.charCodeAt(i).toString(16).padStart(2, '0');
  return out;
}

function subjectLine(s: Pcre2Subject): string {
  let line = '';
  for (let i = 0; i < s.text.length; i++) {
    const c = s.text.charCodeAt(i);
    line += /[A-Za-z0-9]/.test(s.text[i]!) ? s.text[i] : `\\x{${c.toString(16)}}`;
  }
  const mods: string[] = [];
  // An empty line ends the subject list; an empty subject needs some modifier.
  if (s.offset || (line === '' && !s.notEmptyAtStart && !s.anchored)) mods.push(`offset=${s.offset ?? 0}`);
  if (s.notEmptyAtStart) mods.push('notempty_atstart');
  if (s.anchored) mods.push('anchored');
  return `  ${line}${mods.length ? `\\=${mods.join(',')}` : ''}`;
}

function patternLine(c: Pcre2Case): string {
  const flags = `${c.caseless ? 'i' : ''}${c.multiline ? 'm' : ''}${c.dotAll ? 's' : ''}${c.extended ? 'x' : ''}`;
  const mods = [flags, 'hex', 'allcaptures', 'allaftertext'];
  if (c.dollarEndOnly) mods.push('dollar_endonly');
  const hex = c.pattern.length ? hexBytes(c.pattern) : '';
  return `/${hex}/${mods.filter(Boolean).join(',')}`;
}

const RESULT_LINE = /^(?:\s\d|\d\d)[:+] /;

/** Runs every case through one pcre2test process. */
export function runPcre2test(cases: readonly Pcre2Case[]): Pcre2CaseResult[] {
  const input: string[] = [];
  for (const c of cases) {
    input.push(patternLine(c));
    for (const s of c.subjects) input.push(subjectLine(s));
    input.push('');
  }
  const r = spawnSync('pcre2test', ['-q'], { input: `${input.join('\n')}\n`, encoding: 'latin1', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`pcre2test failed: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  let i = 0;
  const results: Pcre2CaseResult[] = [];
  for (const c of cases) {
    const header = patternLine(c);
    while (i < lines.length && lines[i] !== header) i++;
    if (i >= lines.length) throw new Error(`pcre2test output lost track at pattern ${JSON.stringify(c.pattern)}`);
    i++;
    let error: Pcre2CaseResult['error'] = null;
    const failed = /^Failed: error (\d+) at offset (\d+): (.*)$/.exec(lines[i] ?? '');
    if (failed) {
      error = { number: Number(failed[1]), offset: Number(failed[2]), message: failed[3]! };
      i++;
    }
    const outcomes: Pcre2Outcome[] = [];
    for (const s of c.subjects) {
      const echo = subjectLine(s);
      if (lines[i] !== echo) throw new Error(`pcre2test output lost track at subject ${JSON.stringify(echo)} (got ${JSON.stringify(lines[i])})`);
      i++;
      if (error) continue;
      const captured: string[] = [];
      let other = '';
      while (i < lines.length && lines[i] !== '' && !lines[i]!.startsWith('  ')) {
        const line = lines[i]!;
        if (RESULT_LINE.test(line)) captured.push(line);
        else if (line === 'No match') captured.length = 0;
        else other += `${line}\n`;
        i++;
        if (line === 'No match') break;
      }
      if (other) outcomes.push({ kind: 'other', text: other });
      else outcomes.push({ kind: 'result', lines: captured.length ? captured : null });
    }
    results.push({ error, outcomes });
  }
  return results;
}

/** pcre2test's rendering of a byte string: printable ASCII as is, everything else `\xhh`. */
export function renderBytes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f ? s[i] : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** Our match in pcre2test's `allcaptures,allaftertext` format; null for no match. */
export function renderMatch(
  subject: string,
  captures: ReadonlyArray<readonly [number, number] | undefined> | null,
): string[] | null {
  if (!captures) return null;
  const out: string[] = [];
  captures.forEach((cap, g) => {
    const label = String(g).padStart(2, ' ');
    if (!cap) {
      out.push(`${label}: <unset>`);
      return;
    }
    out.push(`${label}: ${renderBytes(subject.slice(cap[0], cap[1]))}`);
    out.push(`${label}+ ${renderBytes(subject.slice(cap[1]))}`);
  });
  return out;
}
