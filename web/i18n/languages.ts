/** The page's languages: `<html lang>`, `?lang=`, and the `locale` of the SMS. */
export type Language = 'en' | 'ne';

export const LANGUAGES: readonly Language[] = ['en', 'ne'];

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

export interface LanguageSources {
  /** `?lang=` of the address. */
  readonly query: string | null;
  /** What the person chose with the switch on an earlier visit. */
  readonly stored: string | null;
  /** `navigator.languages`, most preferred first. */
  readonly browser: readonly string[];
}

/**
 * `?lang=` wins (a link can open the page in a language), then the person's own choice, then the
 * first of the browser's languages the page speaks (`ne-NP` → Nepali), else English.
 */
export function chooseLanguage(sources: LanguageSources): Language {
  const query = sources.query?.trim().toLowerCase();
  if (isLanguage(query)) return query;
  if (isLanguage(sources.stored)) return sources.stored;
  for (const tag of sources.browser) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}
