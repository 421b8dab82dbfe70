/**
 * Semantic identity of cookie operations. Two ops with the same signature do the same thing to
 * every response — a thousand vhosts each holding `Header edit Set-Cookie ^(.*)$ "$1; HttpOnly"`
 * — so the simulator runs one of them and rebinds the result to the others (src/engine/simulator.ts).
 *
 * Sound by construction (STYLE.md habit 11): every op declares its own behaviour-relevant fields
 * as a {@link KeyPart} list (`CookieOp.signature`, required), and a `KeyPart` is plain data —
 * strings, numbers, booleans, null and arrays of them. A closure, a compiled regex or a matcher
 * cannot be put into a key by accident: the type refuses it, so each one is spelled out through
 * the helpers below (a regex by its source and every option, an nginx script by its parts, an IIS
 * matcher by its syntax, case rule and pattern). The fields every op has — kind, dialect, the
 * producers it reaches, its condition, how many parts it has and the attributes it asks to be
 * probed with — are added here, once, so no op
 * can forget them. test/engine/signature.test.ts changes each declared field and sees the key
 * change.
 */
import type { CompiledRegex, RegexOptions } from '../regex/index.js';
import { conditionKey } from './condition-key.js';
import type { CookieOp } from './header-rewrite.js';

/** Plain data that can identify behaviour. No objects, no functions: they cannot be keyed soundly. */
export type KeyPart = string | number | boolean | null | readonly KeyPart[];

/** Builds an op's declared key from its semantic fields. */
export function semanticKey(parts: readonly KeyPart[]): string {
  return JSON.stringify(parts);
}

/** Every option of a regex changes what it matches; list them all, in a fixed order. */
export function regexOptionsKey(options: RegexOptions): KeyPart {
  return [options.flavor, !!options.caseless, !!options.dotAll, !!options.dollarEndOnly, !!options.multiline, !!options.extended, options.stepLimit ?? null];
}

/** A compiled regex: its source and its options decide its behaviour. */
export function regexKey(regex: CompiledRegex | null | undefined): KeyPart {
  return regex ? [regex.source, regexOptionsKey(regex.options)] : null;
}

const cache = new WeakMap<CookieOp, string>();

/** The full identity of an op: its declared key plus the fields every op shares. */
export function opSignature(op: CookieOp): string {
  let signature = cache.get(op);
  if (signature !== undefined) return signature;
  // The condition with every request test it reads: ops guarded by different tests differ in a pipeline.
  const condition = conditionKey(op.condition);
  signature = semanticKey([op.kind, op.dialect, [...op.reaches], condition, op.parts.length, [...(op.probeAttributes ?? [])], op.signature]);
  cache.set(op, signature);
  return signature;
}
