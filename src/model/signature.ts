/**
 * Semantic identity of cookie operations. Two ops with the same signature do the same thing to
 * every response — a thousand vhosts each holding `Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"`
 * — so the simulator runs one of them and rebinds the result to the others (src/engine/simulator.ts).
 *
 * An op may state its signature (`CookieOp.signature`, needed when its behaviour depends on state
 * held outside its fields, e.g. Apache's format environment); otherwise it is derived from the
 * op's own data: every field except where it is written (spans, labels, syntax nodes). Ops whose
 * data cannot be serialized get no signature and are only ever shared by identity.
 */
import type { CookieOp } from './header-rewrite.js';

/** Fields that say where or how an op is written, not what it does. */
const PLACEMENT = new Set(['span', 'focus', 'label', 'cause', 'directive', 'syntax', 'node', 'actionSpan', 'conditionSpan', 'patternSpan', 'replacementSpan', 'attributeSpan', 'appendSpan']);

function replacer(key: string, value: unknown): unknown {
  if (PLACEMENT.has(key)) return undefined;
  if (value === null || typeof value !== 'object') return value;
  const v = value as Record<string, unknown>;
  // A compiled regex: its source and options decide its behaviour.
  if (typeof v.exec === 'function' && typeof v.source === 'string') return { re: v.source, options: v.options };
  if (value instanceof Map) return [...value.entries()];
  if (value instanceof Set) return [...value.values()];
  if (typeof v.file === 'string' && typeof v.start === 'number' && typeof v.end === 'number' && Object.keys(v).length === 3) return undefined;
  return value;
}

/** The behaviour-relevant data of any value (an op, or a part shared by many ops), as a string. */
export function dataSignature(value: object): string | null {
  try {
    return JSON.stringify(value, replacer);
  } catch {
    return null; // cyclic or otherwise unserializable
  }
}

const cache = new WeakMap<CookieOp, string | null>();

export function opSignature(op: CookieOp): string | null {
  let signature = cache.get(op);
  if (signature !== undefined) return signature;
  if (op.signature !== undefined) signature = op.signature;
  else {
    try {
      signature = `${op.kind}\u0000${JSON.stringify(op, replacer)}`;
    } catch {
      signature = null; // cyclic or otherwise unserializable: identity only
    }
  }
  cache.set(op, signature);
  return signature;
}
