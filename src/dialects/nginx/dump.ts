/**
 * `nginx -T` output: nginx prints every configuration file it read, once, as
 * `# configuration file <full path>:` LF, the file's bytes, LF (src/core/nginx.c, after
 * `ngx_init_cycle`; files are recorded by `ngx_conf_add_dump` in the order they are opened).
 * A dump is read as the files it contains; spans point into the dump itself.
 */

export interface DumpSection {
  /** The full path nginx printed. */
  readonly path: string;
  /** Where the file's text starts and ends inside the dump. */
  readonly start: number;
  readonly end: number;
}

const HEADER = /^# configuration file (.+):\r?$/;

/** The sections of an `nginx -T` dump, or null when `text` is not one. */
export function splitDump(text: string): DumpSection[] | null {
  const headers: { path: string; lineStart: number; contentStart: number }[] = [];
  let lineStart = 0;
  let seenOther = false;
  while (lineStart <= text.length) {
    let nl = text.indexOf('\n', lineStart);
    if (nl < 0) nl = text.length;
    const line = text.slice(lineStart, nl);
    const m = HEADER.exec(line);
    if (m) headers.push({ path: m[1]!, lineStart, contentStart: Math.min(nl + 1, text.length) });
    else if (headers.length === 0 && line.trim() !== '' && !line.startsWith('nginx: ')) seenOther = true;
    if (headers.length === 0 && seenOther) return null;
    if (nl >= text.length) break;
    lineStart = nl + 1;
  }
  if (headers.length === 0) return null;
  return headers.map((h, i) => {
    const next = headers[i + 1];
    // nginx writes a LF after each file's text.
    let end = next ? next.lineStart : text.length;
    if (end > h.contentStart && text[end - 1] === '\n') end--;
    return { path: h.path, start: h.contentStart, end: Math.max(end, h.contentStart) };
  });
}
