import type { Language, LanguageSources } from './languages.js';

/** localStorage, not sessionStorage: the choice outlives the tab, as a language setting should. */
export const LANGUAGE_STORAGE_KEY = 'phone-verify.language';

/** The sources as this browser has them; storage may be blocked (then there is no choice). */
export function readLanguageSources(): LanguageSources {
  return {
    query: new URLSearchParams(window.location.search).get('lang'),
    stored: safeLocalStorage()?.getItem(LANGUAGE_STORAGE_KEY) ?? null,
    browser: navigator.languages ?? [navigator.language],
  };
}

/**
 * Remembers a choice made with the switch, and takes `?lang=` out of the address so that a
 * reload keeps that choice instead of the link's.
 */
export function rememberLanguage(language: Language): void {
  try {
    safeLocalStorage()?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Storage full or blocked: the choice holds for this page only.
  }
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.delete('lang');
    window.history.replaceState(window.history.state, '', url);
  }
}

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
