/**
 * Where things are in a `Header edit` replacement, through its unescaping layers (see
 * src/model/ops/apache-format.ts): the `$n` group references `ap_pregsub` will expand and the
 * `HttpOnly` attribute, each located in the word's value (after config unescaping) so that the
 * fix builder can renumber or remove them in place.
 */

/** mod_headers' format tags. */
const TAGS = new Set(['D', 't', 'e', 's', 'l', 'i', 'b']);

interface FormatOutput {
  /** The format string's output with tags left out (they expand to request data). */
  readonly out: string;
  /** Value index of each output character; -1 for characters a tag produces. */
  readonly src: readonly number[];
}

/** `parse_format_string` with positions; null for `expr=` values and invalid ones. */
function formatOutput(value: string): FormatOutput | null {
  if (value.startsWith('expr=')) return null;
  let out = '';
  const src: number[] = [];
  const emit = (c: string, at: number) => {
    out += c;
    src.push(at);
  };
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === '%') {
      const n = value[i + 1];
      if (n === undefined || n === '%') {
        emit('%', i);
        i += n === undefined ? 1 : 2;
        continue;
      }
      let j = i + 1;
      if (value[j] === '{') {
        const close = value.indexOf('}', j);
        if (close === -1) return null;
        j = close + 1;
      }
      if (!TAGS.has(value[j] ?? '')) return null;
      emit('\u0000', -1);
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '\\') {
        emit('\\', i);
        i += 2;
      } else if (n === 'r' || n === 'n' || n === 't') {
        emit(n === 'r' ? '\r' : n === 'n' ? '\n' : '\t', i);
        i += 2;
      } else {
        emit('\\', i);
        i++;
      }
      continue;
    }
    emit(c, i);
    i++;
  }
  return { out, src };
}

export interface GroupRef {
  /** Value index of the digit. */
  readonly at: number;
  readonly group: number;
}

/** The `$0`–`$9` references of a replacement, or null when they cannot be located exactly. */
export function groupRefs(value: string): GroupRef[] | null {
  const f = formatOutput(value);
  if (!f) return null;
  const refs: GroupRef[] = [];
  for (let i = 0; i < f.out.length; i++) {
    const c = f.out[i]!;
    const d = f.out[i + 1];
    if (c === '$' && d !== undefined && d >= '0' && d <= '9') {
      if (f.src[i]! < 0 || f.src[i + 1]! < 0) return null;
      refs.push({ at: f.src[i + 1]!, group: Number(d) });
      i++;
    } else if (c === '\\' && i + 1 < f.out.length) i++;
  }
  return refs;
}

/** Value ranges removing every `HttpOnly` attribute (with its `;` separator) from a replacement. */
export function httpOnlyRanges(value: string): { start: number; end: number }[] | null {
  const f = formatOutput(value);
  if (!f) return null;
  const ranges: { start: number; end: number }[] = [];
  const re = /httponly(?:=[^;]*)?/gi;
  for (let m = re.exec(f.out); m; m = re.exec(f.out)) {
    let a = m.index;
    let b = a + m[0].length;
    const before = /;[ \t]*$/.exec(f.out.slice(0, a));
    const after = /^[ \t]*;[ \t]*/.exec(f.out.slice(b));
    if (before) a -= before[0].length;
    else if (after) b += after[0].length;
    for (let k = a; k < b; k++) {
      if (f.src[k]! < 0 || (k > a && f.src[k]! !== f.src[k - 1]! + 1)) return null;
    }
    ranges.push({ start: f.src[a]!, end: f.src[b - 1]! + 1 });
  }
  return ranges;
}
