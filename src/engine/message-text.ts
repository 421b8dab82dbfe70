/**
 * Helpers for one-sentence messages (STYLE habit 7): the stylish line names the directive and
 * the cookies, says what breaks, and stays under about 160 characters; the rest of the story goes
 * into the report's `data` (JSON `data`, SARIF `properties`).
 */

/** Cut `text` to `max` characters, ending with "…" when cut. */
export function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/**
 * The directive's name for a message: `Header edit`, `Header always edit*`, `proxy_cookie_flags`,
 * `<rule name="Add HttpOnly">` (the code frame and `data.directive` show the whole of it).
 */
export function directiveName(label: string): string {
  const one = label.replace(/\s+/g, ' ').trim();
  if (one.startsWith('<')) return clip(one, 40);
  const words: string[] = [];
  for (const w of one.split(' ')) {
    if (!/^[A-Za-z_][\w.-]*\*?$/.test(w) || /^set-cookie$/i.test(w) || words.length === 3) break;
    words.push(w);
  }
  return words.length > 0 ? words.join(' ') : clip(one, 40);
}

/** `a, b and 3 more` for at most `max` names. */
export function someOf(names: readonly string[], max = 2): string {
  if (names.length <= max) return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
