import type { Locator, Page } from 'playwright-core';
import { inPage, type SignUpWallPage } from './sign-up-wall-page';

/** `45` → `४५`: how the Nepali page writes the numbers a person reads. */
export function devanagariDigits(value: number | string): string {
  return String(value).replace(/[0-9]/g, (digit) =>
    String.fromCharCode(0x0966 + digit.charCodeAt(0) - 0x30),
  );
}

/** The Nepali page's names for what a person clicks and types into. */
export const NE = {
  username: 'प्रयोगकर्ता नाम',
  password: 'पासवर्ड',
  createAccount: 'खाता बनाउनुहोस्',
  phone: 'मोबाइल नम्बर',
  sendCode: 'कोड पठाउनुहोस्',
  code: 'एसएमएसमा आएको कोड',
  verify: 'प्रमाणित गर्नुहोस्',
  useAnotherNumber: 'अर्को नम्बर प्रयोग गर्नुहोस्',
} as const;

/** The sign-up wall as a person reading Nepali uses it: by the Nepali labels and button names. */
export class NepaliWall {
  constructor(readonly wall: SignUpWallPage) {}

  get page(): Page {
    return this.wall.page;
  }

  async register(username: string, password: string): Promise<void> {
    await this.wall.waitForStep('account');
    const form = this.wall.registerForm;
    await form.getByLabel(NE.username, { exact: true }).fill(username);
    await form.getByLabel(NE.password, { exact: true }).fill(password);
    await form.getByRole('button', { name: NE.createAccount, exact: true }).click();
  }

  get phoneInput(): Locator {
    return this.page.getByLabel(NE.phone, { exact: true });
  }

  async sendCodeTo(phone: string): Promise<void> {
    await this.wall.waitForStep('phone');
    await this.phoneInput.fill(phone);
    await this.page.getByRole('button', { name: NE.sendCode, exact: true }).click();
  }

  get codeInput(): Locator {
    return this.page.getByLabel(NE.code, { exact: true });
  }

  async enterCode(code: string): Promise<void> {
    await this.wall.waitForStep('code');
    await this.codeInput.fill(code);
    await this.page.getByRole('button', { name: NE.verify, exact: true }).click();
  }
}

/** `<html lang>`. */
export function htmlLang(page: Page): Promise<string> {
  return inPage(page, `document.documentElement.lang`);
}

/**
 * Every visible text of the page (text, placeholders, accessible names, the title) that still
 * holds a Latin letter once the texts allowed to be Latin are taken out: phone numbers and the
 * `98XXXXXXXX` pattern, `allowed` (a username), and anything marked `lang="en"` (the switch's
 * "English"). On a page in Nepali it must come back empty.
 */
export function latinTextOnScreen(page: Page, allowed: readonly string[] = []): Promise<string[]> {
  return inPage(
    page,
    `(() => {
      const allowed = ${JSON.stringify(allowed)};
      const latin = (text) => {
        let rest = text;
        for (const word of allowed) rest = rest.split(word).join(' ');
        rest = rest.replace(/\\+977 \\d{3}-\\d{3}-\\d{4}|\\+977|\\b\\d{10}\\b|98X{8}/g, ' ');
        return /[A-Za-z]/.test(rest);
      };
      // Marked English inside the page (the switch's "English"), not the page as a whole.
      const english = (element) => element.closest('body [lang="en"]') !== null;
      const found = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!element || element.closest('noscript') || english(element)) continue;
        if (!element.checkVisibility()) continue;
        if (latin(node.textContent)) found.push(node.textContent.trim());
      }
      for (const element of document.querySelectorAll('[placeholder], [aria-label]')) {
        if (english(element) || !element.checkVisibility()) continue;
        for (const name of ['placeholder', 'aria-label']) {
          const value = element.getAttribute(name);
          if (value && latin(value)) found.push(name + ': ' + value);
        }
      }
      if (latin(document.title)) found.push('title: ' + document.title);
      return found;
    })()`,
  );
}

/**
 * The fonts Chromium drew the element's own text with (DevTools' "Rendered Fonts"), with how
 * many glyphs each drew. A Devanagari text drawn without a Devanagari font shows boxes.
 */
export async function renderedFonts(
  page: Page,
  selector: string,
): Promise<{ familyName: string; glyphCount: number }[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map(({ familyName, glyphCount }) => ({ familyName, glyphCount }));
  } finally {
    await cdp.detach();
  }
}
