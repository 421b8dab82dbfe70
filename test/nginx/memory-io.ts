/** nginx tests use the shared in-memory ConfigIO; `cwd` is their second argument. */
import type { ConfigIO } from '../../src/source.js';
import { memoryIO as shared } from '../harness/memory-io.js';

export function memoryIO(files: Record<string, string>, cwd = '/'): ConfigIO {
  return shared(files, { cwd });
}
