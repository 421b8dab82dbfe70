/**
 * IIS configuration collections (`<outboundRules>`, `<preConditions>`, `<rules>`): each level
 * adds entries, `<clear/>` drops everything inherited so far and `<remove name="..."/>` one entry
 * (MicrosoftDocs Clear-IISConfigCollection: "prevents the collection from inheriting collection
 * elements from higher levels"; proxy-semantics.md §3.1 marks it as general IIS behaviour).
 * Levels merge parent first (url-rewrite-module-20-configuration-reference.md "Rules
 * Inheritance": "parent rules are evaluated first"). Keys compare case-insensitively
 * [UNCERTAIN]; a second entry with the same key is a configuration error ("Cannot add duplicate
 * collection entry").
 */
import type { XmlElement } from './xml.js';

export type CollectionItem<T> =
  | { readonly kind: 'add'; readonly key: string; readonly item: T; readonly element: XmlElement }
  | { readonly kind: 'clear'; readonly element: XmlElement }
  | { readonly kind: 'remove'; readonly key: string; readonly element: XmlElement };

export interface Merged<T> {
  readonly items: readonly T[];
  /** Entries refused because an entry with the same key was already there. */
  readonly duplicates: readonly { readonly element: XmlElement; readonly key: string }[];
}

export function mergeCollections<T>(levels: readonly (readonly CollectionItem<T>[])[]): Merged<T> {
  // A Map keeps insertion order; an entry removed and added again goes to the end, as in IIS.
  const entries = new Map<string, T>();
  const duplicates: { element: XmlElement; key: string }[] = [];
  for (const level of levels) {
    for (const entry of level) {
      if (entry.kind === 'clear') entries.clear();
      else if (entry.kind === 'remove') entries.delete(entry.key.toLowerCase());
      else if (entries.has(entry.key.toLowerCase())) duplicates.push({ element: entry.element, key: entry.key });
      else entries.set(entry.key.toLowerCase(), entry.item);
    }
  }
  return { items: [...entries.values()], duplicates };
}
