/**
 * Git's binary patch hunk (`GIT binary patch`, git's apply.c and diff.c `emit_binary_diff`): the
 * whole new file, zlib-deflated and base85-encoded in lines of at most 52 bytes, then the reverse.
 * Used for files a text patch cannot carry byte for byte (UTF-16, Latin-1): their text is not
 * UTF-8, and git treats UTF-16 as binary. `git apply` needs the full blob ids on the `index` line.
 */
// crypto and zlib are loaded on first use (engines: node >= 20.19 has process.getBuiltinModule):
// only a diff of a binary file needs them, and loading them cost every start a few milliseconds.
const crypto = () => process.getBuiltinModule('node:crypto');
const zlib = () => process.getBuiltinModule('node:zlib');

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~';

/** Git's object id of a blob with these bytes (`git hash-object`). */
export function blobId(bytes: Uint8Array): string {
  return crypto().createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Git's base85 (base85.c): 4 bytes big-endian → 5 characters, the last group zero-padded. */
function base85(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let acc = 0;
    for (let j = 0; j < 4; j++) acc = acc * 256 + (bytes[i + j] ?? 0);
    let group = '';
    for (let j = 0; j < 5; j++) {
      group = ALPHABET[acc % 85]! + group;
      acc = Math.floor(acc / 85);
    }
    out += group;
  }
  return out;
}

/** One `literal` block: the size, then lines of a length letter and base85 data, then an empty line. */
function literal(bytes: Uint8Array): string {
  const data = zlib().deflateSync(bytes);
  let out = `literal ${bytes.length}\n`;
  for (let i = 0; i < data.length; i += 52) {
    const chunk = data.subarray(i, i + 52);
    const n = chunk.length;
    out += `${n <= 26 ? String.fromCharCode(64 + n) : String.fromCharCode(96 + n - 26)}${base85(chunk)}\n`;
  }
  return `${out}\n`;
}

/** The `index` line and binary hunks turning `before` into `after`. */
export function binaryPatch(before: Uint8Array, after: Uint8Array): string {
  return `index ${blobId(before)}..${blobId(after)}\nGIT binary patch\n${literal(after)}${literal(before)}`;
}
