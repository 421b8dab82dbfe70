/**
 * HAProxy's view of a header value as a comma-separated list (`http_find_header` without the
 * full-line flag; `replace-value`, `res.hdr()`): values end at a comma outside double quotes (a
 * backslash escapes the next character inside quotes; an unclosed quote runs to the end), and
 * each value is trimmed of spaces and tabs. `replace-value` replaces a value together with the
 * white space around it and keeps the commas [LAB haproxy 2.6.12: `a=1 ,  b=2 ,c=3` with
 * `^b(.*)$` → `a=1 ,<=2>,c=3`; every Expires date is split at its comma].
 */
export interface CommaSlot {
  /** The slot between two commas, white space included: `[start, end)` of the header value. */
  readonly start: number;
  readonly end: number;
  /** The trimmed value. */
  readonly value: string;
}

export function commaSlots(header: string): CommaSlot[] {
  const slots: CommaSlot[] = [];
  let start = 0;
  let i = 0;
  let quoted = false;
  const push = (end: number) => {
    let a = start;
    let b = end;
    while (a < b && (header[a] === ' ' || header[a] === '\t')) a++;
    while (b > a && (header[b - 1] === ' ' || header[b - 1] === '\t')) b--;
    slots.push({ start, end, value: header.slice(a, b) });
  };
  for (; i < header.length; i++) {
    const c = header[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      push(i);
      start = i + 1;
    }
  }
  push(header.length);
  return slots;
}
