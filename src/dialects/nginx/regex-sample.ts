/**
 * A string that a simple location regex matches (`~ ^/api/(v1|v2)/.*\.json$` → `/api/v1/a.json`),
 * for request paths that reach regex locations. Handles literals, escapes, classes, groups,
 * alternation (first branch) and quantifiers (fewest repetitions, at least one for `+`);
 * returns null for anything else. Callers verify the sample with the real pattern.
 */

const PREFERRED = 'a0/x._-';

function pickFromClass(body: string): string | null {
  let negate = false;
  let s = body;
  if (s.startsWith('^')) {
    negate = true;
    s = s.slice(1);
  }
  const members = new Set<string>();
  const ranges: [string, string][] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[++i] ?? '';
      if (n === 'd') ranges.push(['0', '9']);
      else if (n === 'w') ranges.push(['a', 'z'], ['0', '9']);
      else members.add(n);
      continue;
    }
    if (s[i + 1] === '-' && i + 2 < s.length) {
      ranges.push([c, s[i + 2]!]);
      i += 2;
      continue;
    }
    members.add(c);
  }
  const inSet = (ch: string) => members.has(ch) || ranges.some(([a, b]) => a <= ch && ch <= b);
  for (const ch of `${PREFERRED}bcdefghijklmnopqrstuvwxyz123456789`) if (inSet(ch) !== negate) return ch;
  return null;
}

interface Out {
  readonly text: string;
  readonly i: number;
}

function repeat(atom: string, src: string, i: number): Out | null {
  const q = src[i];
  let text = atom;
  let j = i;
  if (q === '*' || q === '?') {
    text = '';
    j++;
  } else if (q === '+') j++;
  else if (q === '{') {
    const m = /^\{(\d+)(?:,(\d*))?\}/.exec(src.slice(i));
    if (m) {
      text = atom.repeat(Number(m[1]));
      j += m[0].length;
    }
  }
  if (j > i && (src[j] === '?' || src[j] === '+')) j++;
  return { text, i: j };
}

function sequence(src: string, start: number): Out | null {
  let text = '';
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ')' || c === '|') break;
    let atom: string;
    if (c === '^') {
      i++;
      continue;
    }
    if (c === '$') {
      i++;
      continue;
    }
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return null;
      if (n === 'd') atom = '1';
      else if (n === 'w') atom = 'a';
      else if (n === 'z' || n === 'Z' || n === 'A' || n === 'b' || n === 'B') atom = '';
      else if (/[sSDWhHvVRNpPQEkgx0-9]/.test(n)) return null;
      else atom = n;
      i += 2;
    } else if (c === '.') {
      atom = 'x';
      i++;
    } else if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) return null;
      const pick = pickFromClass(src.slice(i + 1, j));
      if (pick === null) return null;
      atom = pick;
      i = j + 1;
    } else if (c === '(') {
      let j = i + 1;
      let lookaround = false;
      if (src[j] === '?') {
        const m = /^\?(?:[:>|]|P?<[A-Za-z_]\w*>|'[A-Za-z_]\w*'|[=!]|<[=!]|[imsxU-]+[:)])/.exec(src.slice(j));
        if (!m) return null;
        lookaround = /^\?(?:[=!]|<[=!])/.test(m[0]);
        if (m[0].endsWith(')')) {
          i = j + m[0].length;
          continue;
        }
        j += m[0].length;
      }
      const inner = alternation(src, j);
      if (!inner || src[inner.i] !== ')') return null;
      atom = lookaround ? '' : inner.text;
      i = inner.i + 1;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      return null;
    } else {
      atom = c;
      i++;
    }
    const r = repeat(atom, src, i);
    if (!r) return null;
    text += r.text;
    i = r.i;
  }
  return { text, i };
}

/** First alternative of `a|b|c`, skipping the others up to the closing `)` or the end. */
function alternation(src: string, start: number): Out | null {
  const first = sequence(src, start);
  if (!first) return null;
  let i = first.i;
  while (src[i] === '|') {
    const next = sequence(src, i + 1);
    if (!next) return null;
    i = next.i;
  }
  return { text: first.text, i };
}

export function sampleFromRegex(source: string): string | null {
  const r = alternation(source, 0);
  if (!r || r.i !== source.length) return null;
  return r.text;
}
