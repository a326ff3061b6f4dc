import { en, type Messages } from './en.js';
import type { Language } from './languages.js';
import { ne } from './ne.js';

export { isLanguage, LANGUAGES, type Language } from './languages.js';
export type { Messages };

export const CATALOGUES: Readonly<Record<Language, Messages>> = { en, ne };

/**
 * The language the API's own prose is written in: a problem's `detail`, its field messages, the
 * welcome route's message. The page shows that prose only on a page in this language, and its
 * own words otherwise.
 */
export const API_LANGUAGE: Language = 'en';

/** A text in whatever language the page speaks when it is shown (again after a switch). */
export type Text = (m: Messages) => string;

/** The API's own sentence on a page in its language; the page's `fallback` on any other. */
export function serverText(sentence: string, fallback: Text): Text {
  return (m) => (m.language === API_LANGUAGE && sentence.trim() !== '' ? sentence : fallback(m));
}

/**
 * The text at a dotted path such as `account.username`: how index.html names the catalogue's
 * texts (`data-i18n`). test/web-i18n.spec.ts checks every path the HTML uses in both catalogues.
 */
export function textAt(m: Messages, path: string): string {
  let node: unknown = m;
  for (const key of path.split('.')) {
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[key]
        : undefined;
  }
  if (typeof node !== 'string') throw new Error(`The catalogue has no text at "${path}"`);
  return node;
}
