import { readLanguageSources } from './i18n/language-preference.js';
import { chooseLanguage } from './i18n/languages.js';
import { wireLanguageSwitch } from './i18n/language-switch.js';
import { Localizer } from './i18n/localizer.js';
import { SignUpWall } from './sign-up-wall.js';

// A module script runs after the document is parsed, so every element is there. The texts are
// written first, before any step shows.
const i18n = new Localizer(chooseLanguage(readLanguageSources()));
i18n.bindDocument();
wireLanguageSwitch(i18n);
void new SignUpWall(i18n).start();
