/**
 * Escaping text for XML attribute values and CDATA sections (checkstyle, JUnit). Control
 * characters are first shown as escapes ({@link printable}: a newline must not start a log line
 * with `::error`); what XML 1.0 cannot carry at all — U+FFFE, U+FFFF and unpaired surrogates — is
 * replaced with U+FFFD, so the document is well-formed for any input.
 */
import { printable } from './printable.js';

/** Not a `Char` of XML 1.0 (https://www.w3.org/TR/xml/#charsets) once controls are escaped. */
const NOT_XML_CHAR = /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function xmlText(text: string): string {
  return printable(text).replace(NOT_XML_CHAR, '\uFFFD');
}

export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function cdata(text: string): string {
  return `<![CDATA[${xmlText(text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
