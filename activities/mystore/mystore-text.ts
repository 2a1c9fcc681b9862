/**
 * Text from Mystore made fit for an invoice (pure functions). Mystore stores names with HTML
 * entities (`Korallr&oslash;d`, brief §1.3) and multilingual fields as objects
 * (`{"no":"Sendt","en":"Sent"}`); an invoice line wants one clean line of text.
 */
import { decodeHTML } from 'entities';

/** A multilingual value as Mystore sends it, or a plain string. */
export type MultilingualText = string | Readonly<Record<string, string | null | undefined>> | null | undefined;

/** Languages tried after the wanted one: Norwegian (Mystore's home), its codes, then English. */
const FALLBACK_LANGUAGES = ['no', 'nb', 'nn', 'en'];

/**
 * The text in `language`, else in Norwegian / English, else the first non-empty one; '' for
 * nothing. Blank values count as missing, so an untranslated `{"en":""}` falls back.
 */
export function resolveLanguage(value: MultilingualText, language: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  const pick = (code: string) => {
    const text = value[code];
    return typeof text === 'string' && text.trim() !== '' ? text : undefined;
  };
  for (const code of [language, ...FALLBACK_LANGUAGES]) {
    const text = pick(code);
    if (text !== undefined) return text;
  }
  for (const text of Object.values(value)) if (typeof text === 'string' && text.trim() !== '') return text;
  return '';
}

/** Named (incl. `&oslash; &aelig; &aring; &Oslash;`), decimal (`&#248;`) and hex (`&#xF8;`) entities, decoded once. */
export function decodeEntities(text: string): string {
  return decodeHTML(text);
}

// Line breaks, tabs and other whitespace controls become one space; every other C0/C1 control,
// DEL, and invisible format characters (zero-width, BOM, bidi marks) are dropped.
const BREAKS = /[ \t\n\v\f\r\u0085\u2028\u2029]*[\t\n\v\f\r\u0085\u2028\u2029][ \t\n\v\f\r\u0085\u2028\u2029]*/g;
const CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;
const ODD_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;

/** Drops control characters, turns line breaks/tabs and no-break spaces into one space, trims. */
export function stripControls(text: string): string {
  return text.replace(CONTROLS, '').replace(ODD_SPACES, ' ').replace(BREAKS, ' ').trim();
}

/**
 * The one call for any Mystore text that reaches an invoice: language resolved, entities
 * decoded, controls dropped, trimmed. Entities are decoded before controls are dropped, so an
 * encoded control (`&#10;`) is cleaned too.
 */
export function cleanText(value: MultilingualText, language: string): string {
  return stripControls(decodeEntities(resolveLanguage(value, language)));
}
