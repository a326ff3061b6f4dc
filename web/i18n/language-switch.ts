import { isLanguage } from './languages.js';
import { rememberLanguage } from './language-preference.js';
import type { Localizer } from './localizer.js';

/**
 * The English / नेपाली buttons: each name in its own script, so a person finds their language
 * whatever the page speaks now. A click switches the page in place and is remembered.
 */
export function wireLanguageSwitch(i18n: Localizer): void {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('button[data-language]')];
  const markCurrent = (): void => {
    for (const button of buttons) {
      button.setAttribute('aria-pressed', String(button.dataset.language === i18n.language));
    }
  };
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const language = button.dataset.language;
      if (!isLanguage(language)) return;
      if (language !== i18n.language) i18n.setLanguage(language);
      rememberLanguage(language);
    });
  }
  i18n.onChange(markCurrent);
  markCurrent();
}
