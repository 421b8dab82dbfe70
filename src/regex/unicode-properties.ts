/**
 * PCRE2 10.42's `\p{..}` / `\P{..}` in 8-bit non-UTF mode (pcre2pattern(3) "Unicode character
 * properties"; pcre2_compile.c get_ucp): the subject's bytes are the code points U+0000-U+00FF,
 * and a property is tested on them as on any code point. Names are matched loosely (case,
 * spaces, hyphens and underscores ignored); `^` after `{` negates; `sc:`/`scx:`/`script=`/
 * `scriptextensions=` name a script as a bare name does.
 *
 * The names are PCRE2's own (`pcre2test -LP`, `-LS`: a test compares them with the installed
 * library); membership comes from the JavaScript engine's Unicode tables (`\p{..}` with the `u`
 * flag), evaluated once per property for the 256 code points a byte can be. Bidi classes have no
 * JavaScript table: they are valid but not simulated ('unsupported').
 */
import { CharSet, CharSetBuilder } from './charset.js';

/** A property as PCRE2 resolves it, or why not. */
export type PropertyLookup = { readonly set: CharSet } | { readonly unknown: true } | { readonly unsupported: string };

const GENERAL_CATEGORIES = 'C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' ');

/** PCRE2 binary properties (loose names and abbreviations) → the JavaScript property name, or null when JavaScript has none (no byte has it). */
const BINARY: ReadonlyArray<readonly [string, string | null]> = [
  ['asciihexdigit ahex', 'ASCII_Hex_Digit'],
  ['alphabetic alpha', 'Alphabetic'],
  ['ascii', 'ASCII'],
  ['bidicontrol bidic', 'Bidi_Control'],
  ['bidimirrored bidim', 'Bidi_Mirrored'],
  ['cased', 'Cased'],
  ['caseignorable ci', 'Case_Ignorable'],
  ['changeswhencasefolded cwcf', 'Changes_When_Casefolded'],
  ['changeswhencasemapped cwcm', 'Changes_When_Casemapped'],
  ['changeswhenlowercased cwl', 'Changes_When_Lowercased'],
  ['changeswhentitlecased cwt', 'Changes_When_Titlecased'],
  ['changeswhenuppercased cwu', 'Changes_When_Uppercased'],
  ['dash', 'Dash'],
  ['defaultignorablecodepoint di', 'Default_Ignorable_Code_Point'],
  ['deprecated dep', 'Deprecated'],
  ['diacritic dia', 'Diacritic'],
  ['emojimodifierbase ebase', 'Emoji_Modifier_Base'],
  ['emojicomponent ecomp', 'Emoji_Component'],
  ['emojimodifier emod', 'Emoji_Modifier'],
  ['emoji', 'Emoji'],
  ['emojipresentation epres', 'Emoji_Presentation'],
  ['extender ext', 'Extender'],
  ['extendedpictographic extpict', 'Extended_Pictographic'],
  ['graphemebase grbase', 'Grapheme_Base'],
  ['graphemeextend grext', 'Grapheme_Extend'],
  // Virama signs (U+094D ...): none below U+0100.
  ['graphemelink grlink', null],
  ['hexdigit hex', 'Hex_Digit'],
  ['idcontinue idc', 'ID_Continue'],
  ['ideographic ideo', 'Ideographic'],
  ['idstart ids', 'ID_Start'],
  ['idsbinaryoperator idsb', 'IDS_Binary_Operator'],
  ['idstrinaryoperator idst', 'IDS_Trinary_Operator'],
  ['joincontrol joinc', 'Join_Control'],
  ['logicalorderexception loe', 'Logical_Order_Exception'],
  ['lowercase lower', 'Lowercase'],
  ['math', 'Math'],
  ['noncharactercodepoint nchar', 'Noncharacter_Code_Point'],
  ['patternsyntax patsyn', 'Pattern_Syntax'],
  ['patternwhitespace patws', 'Pattern_White_Space'],
  // Arabic number signs (U+0600 ...): none below U+0100.
  ['prependedconcatenationmark pcm', null],
  ['quotationmark qmark', 'Quotation_Mark'],
  ['radical', 'Radical'],
  ['regionalindicator ri', 'Regional_Indicator'],
  ['softdotted sd', 'Soft_Dotted'],
  ['sentenceterminal sterm', 'Sentence_Terminal'],
  ['whitespace space wspace', 'White_Space'],
  ['terminalpunctuation term', 'Terminal_Punctuation'],
  ['unifiedideograph uideo', 'Unified_Ideograph'],
  ['uppercase upper', 'Uppercase'],
  ['variationselector vs', 'Variation_Selector'],
  ['xidcontinue xidc', 'XID_Continue'],
  ['xidstart xids', 'XID_Start'],
];

/** PCRE2 10.42's scripts (`pcre2test -LS`): its names and abbreviations, space-separated. */
export const PCRE2_SCRIPTS: readonly string[] = (
  'adlam adlm|ahom|anatolianhieroglyphs hluw|arabic arab|armenian armn|avestan avst|balinese bali|bamum bamu|bassavah bass|batak batk|' +
  'bengali beng|bhaiksuki bhks|bopomofo bopo|brahmi brah|braille brai|buginese bugi|buhid buhd|canadianaboriginal cans|carian cari|' +
  'caucasianalbanian aghb|chakma cakm|cham|cherokee cher|chorasmian chrs|common zyyy|coptic copt qaac|cuneiform xsux|cypriot cprt|' +
  'cyprominoan cpmn|cyrillic cyrl|deseret dsrt|devanagari deva|divesakuru diak|dogra dogr|duployan dupl|egyptianhieroglyphs egyp|' +
  'elbasan elba|elymaic elym|ethiopic ethi|georgian geor|glagolitic glag|gothic goth|grantha gran|greek grek|gujarati gujr|' +
  'gunjalagondi gong|gurmukhi guru|han hani|hangul hang|hanifirohingya rohg|hanunoo hano|hatran hatr|hebrew hebr|hiragana hira|' +
  'imperialaramaic armi|inherited qaai zinh|inscriptionalpahlavi phli|inscriptionalparthian prti|javanese java|kaithi kthi|' +
  'kannada knda|katakana kana|kayahli kali|kharoshthi khar|khitansmallscript kits|khmer khmr|khojki khoj|khudawadi sind|lao laoo|' +
  'latin latn|lepcha lepc|limbu limb|lineara lina|linearb linb|lisu|lycian lyci|lydian lydi|mahajani mahj|makasar maka|' +
  'malayalam mlym|mandaic mand|manichaean mani|marchen marc|masaramgondi gonm|medefaidrin medf|meeteimayek mtei|mendekikakui mend|' +
  'meroiticcursive merc|meroitichieroglyphs mero|miao plrd|modi|mongolian mong|mro mroo|multani mult|myanmar mymr|nabataean nbat|' +
  'nandinagari nand|newa|newtailue talu|nko nkoo|nushu nshu|nyiakengpuachuehmong hmnp|ogham ogam|olchiki olck|oldhungarian hung|' +
  'olditalic ital|oldnortharabian narb|oldpermic perm|oldpersian xpeo|oldsogdian sogo|oldsoutharabian sarb|oldturkic orkh|' +
  'olduyghur ougr|oriya orya|osage osge|osmanya osma|pahawhhmong hmng|palmyrene palm|paucinhau pauc|phagspa phag|phoenician phnx|' +
  'psalterpahlavi phlp|rejang rjng|runic runr|samaritan samr|saurashtra saur|sharada shrd|shavian shaw|siddham sidd|signwriting sgnw|' +
  'sinhala sinh|sogdian sogd|sorasompeng sora|soyombo soyo|sundanese sund|sylotinagri sylo|syriac syrc|tagalog tglg|tagbanwa tagb|' +
  'taile tale|taitham lana|taiviet tavt|takri takr|tamil taml|tangsa tnsa|tangut tang|telugu telu|thaana thaa|thai|tibetan tibt|' +
  'tifinagh tfng|tirhuta tirh|toto|ugaritic ugar|unknown zzzz|vai vaii|vithkuqi vith|wancho wcho|warangciti wara|yezidi yezi|yiii yi|' +
  'zanabazarsquare zanb'
).split('|');

/** PCRE2 10.42's bidi classes (`\p{bc:..}`, `\p{bidiclass:..}`). */
const BIDI_CLASSES = new Set('al an b bn cs en es et fsi l lre lri lro nsm on pdf pdi r rle rli rlo s ws'.split(' '));

const loose = (name: string): string => name.toLowerCase().replace(/[ _-]/g, '');

/** The code points 0-255 a JavaScript `\p{..}` matches. */
function bytesMatching(jsProperty: string): CharSet {
  const re = new RegExp(`^\\p{${jsProperty}}$`, 'u');
  const b = new CharSetBuilder();
  for (let c = 0; c <= 0xff; c++) if (re.test(String.fromCharCode(c))) b.add(c, c);
  return b.build();
}

/** The name tables, built on the first `\p{..}` (most runs never see one). */
interface NameTables {
  readonly gc: ReadonlyMap<string, string>;
  readonly binary: ReadonlyMap<string, string | null>;
  /** The 4-letter code JavaScript knows a PCRE2 script by (`Latn`, `Ahom`, `Yiii`). */
  readonly script: ReadonlyMap<string, string>;
}
let tables: NameTables | undefined;
function nameTables(): NameTables {
  tables ??= {
    gc: new Map(GENERAL_CATEGORIES.map((g) => [g.toLowerCase(), g])),
    binary: new Map(BINARY.flatMap(([names, js]) => names.split(' ').map((n) => [n, js] as const))),
    script: new Map(
      PCRE2_SCRIPTS.flatMap((entry) => {
        const names = entry.split(' ');
        const code = names.find((n) => n.length === 4 && n !== 'qaac' && n !== 'qaai') ?? names[0]!;
        const js = code[0]!.toUpperCase() + code.slice(1);
        return names.map((n) => [n, js] as const);
      }),
    ),
  };
  return tables;
}

/**
 * The bytes of a script. PCRE2 10.42 gives U+00B7 MIDDLE DOT (the only byte whose Script
 * Extensions list other scripts) to Common alone, whether the name is bare, `sc:` or `scx:`:
 * checked against pcre2test, so Script is used for all three.
 */
const scriptBytes = (code: string): CharSet => bytesMatching(`Script=${code}`);

const cache = new Map<string, PropertyLookup>();

/** Resolves the text between `\p{` and `}` (or the letter of `\pL`) as PCRE2 does; `negate` is `\P`. */
export function lookupProperty(text: string, negate: boolean): PropertyLookup {
  const key = `${negate ? 'P' : 'p'}${text}`;
  let hit = cache.get(key);
  if (!hit) cache.set(key, (hit = resolve(text, negate)));
  return hit;
}

function resolve(text: string, negate: boolean): PropertyLookup {
  let name = text;
  if (name.startsWith('^')) {
    negate = !negate;
    name = name.slice(1);
  }
  const found = resolveName(loose(name));
  if (!('set' in found) || !negate) return found;
  return { set: found.set.negate(0xff) };
}

function resolveName(name: string): PropertyLookup {
  const { gc: GC_BY_LOOSE, binary: BINARY_BY_LOOSE, script: SCRIPT_BY_LOOSE } = nameTables();
  const sep = name.search(/[:=]/);
  if (sep >= 0) {
    const prefix = name.slice(0, sep);
    const value = name.slice(sep + 1);
    if (prefix === 'sc' || prefix === 'script' || prefix === 'scx' || prefix === 'scriptextensions') {
      const script = SCRIPT_BY_LOOSE.get(value);
      if (!script) return { unknown: true };
      return { set: scriptBytes(script) };
    }
    if (prefix === 'bc' || prefix === 'bidiclass') {
      return BIDI_CLASSES.has(value) ? { unsupported: 'bidi class properties (\\p{bc:..}) are not supported by this linter' } : { unknown: true };
    }
    return { unknown: true };
  }
  if (name === 'any') return { set: CharSet.range(0, 0xff) };
  // Cased letters: `L&`, `Lc` (and `L_`, which loose matching reads as `L`).
  if (name === 'l&' || name === 'lc') return { set: bytesMatching('LC') };
  const gc = GC_BY_LOOSE.get(name);
  if (gc) return { set: bytesMatching(gc) };
  switch (name) {
    case 'xan':
      return { set: bytesMatching('L').union(bytesMatching('N')) };
    case 'xps':
    case 'xsp':
      // Perl and POSIX space: the separators plus \t \n \v \f \r and NEL (PCRE2 10.x, both the same).
      return { set: bytesMatching('Z').union(CharSet.range(0x09, 0x0d)).union(CharSet.of(0x85)) };
    case 'xwd':
      return { set: bytesMatching('L').union(bytesMatching('N')).union(CharSet.of(0x5f)) };
    case 'xuc':
      // Characters a C99 universal character name can write: $ @ ` and everything from U+00A0.
      return { set: CharSet.of(0x24, 0x40, 0x60).union(CharSet.range(0xa0, 0xff)) };
  }
  if (BINARY_BY_LOOSE.has(name)) {
    const js = BINARY_BY_LOOSE.get(name);
    return { set: js ? bytesMatching(js) : CharSet.EMPTY };
  }
  const script = SCRIPT_BY_LOOSE.get(name);
  if (script) return { set: scriptBytes(script) };
  return { unknown: true };
}
