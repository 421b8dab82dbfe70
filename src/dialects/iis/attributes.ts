/**
 * Reading typed IIS configuration attributes the way the IIS configuration system does, and
 * reporting what it refuses. Element and attribute names are case-sensitive (IIS's own error:
 * "Unrecognized attribute 'stopprocessing'. Note that attribute names are case-sensitive."), so a
 * case variant of a known name is reported: IIS would refuse the file, and the linter must not
 * silently read `stopprocessing` as `stopProcessing`. Boolean values are `true` / `false` (any
 * case); enumeration values are compared case-insensitively [UNCERTAIN].
 */
import type { Problem, ProblemKind } from '../../model/header-rewrite.js';
import type { Span } from '../../source.js';
import { attribute, type XmlElement } from './xml.js';

/** Collects problems; reports nothing for files that are linted on their own (parents). */
export interface Reporter {
  readonly active: boolean;
  report(span: Span, message: string, kind?: ProblemKind): void;
}

export function createReporter(active: boolean, problems: Problem[]): Reporter {
  const seen = new Set<string>();
  return {
    active,
    report(span, message, kind = 'refused') {
      if (!active) return;
      const key = `${kind}\u0000${span.file}\u0000${span.start}\u0000${span.end}\u0000${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      problems.push({ span, message, kind, severity: 'error' });
    },
  };
}

/** Reports attributes that differ from a known one only by case. */
export function checkAttributeNames(r: Reporter, element: XmlElement, known: readonly string[]): void {
  for (const a of element.attributes) {
    if (known.includes(a.name)) continue;
    const meant = known.find((k) => k.toLowerCase() === a.name.toLowerCase());
    if (meant) {
      r.report(a.nameSpan, `Unrecognized attribute '${a.name}' on <${element.name}>: attribute names are case-sensitive, IIS knows '${meant}' and refuses the file (HTTP 500.19)`);
    }
  }
}

/** Reports child elements that differ from a known one only by case (`<Rule>`, `<OutboundRules>`). */
export function checkElementNames(r: Reporter, parent: XmlElement, known: readonly string[]): void {
  for (const c of parent.children) {
    if (known.includes(c.name)) continue;
    const meant = known.find((k) => k.toLowerCase() === c.name.toLowerCase());
    if (meant) r.report(c.nameSpan, `Unrecognized element '${c.name}': element names are case-sensitive, IIS knows <${meant}> and refuses the file (HTTP 500.19)`);
  }
}

export function stringAttr(element: XmlElement, name: string): string | undefined {
  return attribute(element, name)?.value;
}

export function boolAttr(r: Reporter, element: XmlElement, name: string, fallback: boolean): boolean {
  const a = attribute(element, name);
  if (!a) return fallback;
  const v = a.value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  r.report(a.valueSpan, `'${a.value}' is not a valid value for the boolean attribute ${name}: use true or false (IIS refuses the file)`);
  return fallback;
}

export function enumAttr<T extends string>(r: Reporter, element: XmlElement, name: string, values: readonly T[], fallback: T): T {
  const a = attribute(element, name);
  if (!a) return fallback;
  const found = values.find((v) => v.toLowerCase() === a.value.trim().toLowerCase());
  if (found) return found;
  r.report(a.valueSpan, `'${a.value}' is not a valid value for ${name} on <${element.name}>: expected ${values.join(', ')} (IIS refuses the file)`);
  return fallback;
}
