/**
 * nginx "complex values" (src/http/ngx_http_script.c `ngx_http_script_compile`): literal text
 * with `$1`..`$9` regex captures and `$name` / `${name}` variables. The ops give the variables
 * they know a value (`map`/`set` ones, the response's, the request's: nginx-request-vars.ts); the
 * others stay as written (`$remote_addr`). Captures come from the regex the directive just matched.
 */
import type { KeyPart } from '../signature.js';

export type ScriptPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'capture'; readonly n: number }
  | { readonly kind: 'variable'; readonly name: string; readonly raw: string };

export interface Script {
  readonly source: string;
  readonly parts: readonly ScriptPart[];
  /** Whether any `$` part exists (`ngx_http_script_variables_count`). */
  readonly dynamic: boolean;
}

/** What a script does, as plain data for semantic keys (src/model/signature.ts). */
export function scriptKey(script: Script): KeyPart {
  return script.parts.map((p): KeyPart => (p.kind === 'text' ? ['t', p.text] : p.kind === 'capture' ? ['c', p.n] : ['v', p.name]));
}

/** The variables a script reads (lower-cased, as nginx looks them up), in order of first use. */
export function scriptVariables(script: Script): readonly string[] {
  // Most scripts read no variable; a large configuration asks of the same scripts over and over.
  if (!script.dynamic) return NO_VARIABLES;
  let names = variablesOf.get(script);
  if (!names) variablesOf.set(script, (names = [...new Set(script.parts.flatMap((p) => (p.kind === 'variable' ? [p.name.toLowerCase()] : [])))]));
  return names;
}

const NO_VARIABLES: readonly string[] = Object.freeze([]);
const variablesOf = new WeakMap<Script, readonly string[]>();

/** Values of some variables (lower-cased name → value); the others stay as written. */
export type VariableLookup = (name: string) => string | undefined;

export type ScriptResult = { readonly ok: true; readonly script: Script } | { readonly ok: false; readonly message: string };

function isNameChar(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

export function compileScript(source: string): ScriptResult {
  const parts: ScriptPart[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < source.length; ) {
    if (source[i] !== '$') {
      text += source[i++];
      continue;
    }
    const at = i;
    if (++i === source.length) return { ok: false, message: 'invalid variable name' };
    const c = source[i]!;
    if (c >= '1' && c <= '9') {
      flush();
      parts.push({ kind: 'capture', n: Number(c) });
      i++;
      continue;
    }
    let bracket = false;
    if (c === '{') {
      bracket = true;
      if (++i === source.length) return { ok: false, message: 'invalid variable name' };
    }
    const nameStart = i;
    while (i < source.length) {
      const ch = source[i]!;
      if (ch === '}' && bracket) break;
      if (!isNameChar(ch)) break;
      i++;
    }
    const name = source.slice(nameStart, i);
    if (bracket) {
      if (source[i] !== '}') return { ok: false, message: `the closing bracket in "${source.slice(nameStart)}" variable is missing` };
      i++;
    }
    if (name === '') return { ok: false, message: 'invalid variable name' };
    flush();
    parts.push({ kind: 'variable', name, raw: source.slice(at, i) });
  }
  flush();
  return { ok: true, script: { source, parts, dynamic: parts.some((p) => p.kind !== 'text') } };
}

/**
 * Evaluates a script. `captures` are `[start, end)` pairs into `subject` (byte string);
 * a capture that did not participate or does not exist yields "" (`ngx_http_script_copy_capture_code`).
 * `variable` gives the value of the variables the caller knows (lower-cased name); the others
 * stay as written.
 */
export function runScript(
  script: Script,
  subject = '',
  captures: ReadonlyArray<readonly [number, number] | undefined> = [],
  variable: VariableLookup = () => undefined,
): string {
  let out = '';
  for (const p of script.parts) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'variable') out += variable(p.name.toLowerCase()) ?? p.raw;
    else {
      const c = captures[p.n];
      if (c) out += subject.slice(c[0], c[1]);
    }
  }
  return out;
}
