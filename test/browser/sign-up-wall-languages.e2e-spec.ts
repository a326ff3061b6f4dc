import type { Page } from 'playwright-core';
import { uniqueUsername } from '../support/accounts';
import { e164, uniquePhone, wrongCode } from '../support/verification-flow';
import { describeWithChromium, PHONE, screenshot, VIEWPORTS } from './support/browser';
import { devanagariDigits, htmlLang, latinTextOnScreen, NE, NepaliWall } from './support/nepali';
import { inPage } from './support/sign-up-wall-page';
import { useBrowserSuite, usePage } from './support/suite';

const PASSWORD = 'a-long-enough-password';

function grouped(national: string): string {
  return `+977 ${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`;
}

/** Clicks one half of the English / नेपाली switch. */
async function switchTo(page: Page, name: 'English' | 'नेपाली'): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
}

/** Which half of the switch is pressed, and the page's `lang`. */
async function languageShown(page: Page): Promise<{ lang: string; pressed: string | null }> {
  const lang = await htmlLang(page);
  const pressed = await page.locator('button[data-language][aria-pressed="true"]').textContent();
  return { lang, pressed };
}

function storedChoice(page: Page): Promise<string | null> {
  return inPage(page, `localStorage.getItem('phone-verify.language')`);
}

describeWithChromium('Sign-up wall page: the English / नेपाली switch (Chromium)', () => {
  const suite = useBrowserSuite();

  describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
    const browser = usePage(suite, viewport);

    it('switches at every step without losing what was typed or where the flow is', async () => {
      const { page, wall } = browser;
      const shot = (name: string) => screenshot(page, `lang-en-${name}`);
      await wall.openWithClockAt(suite.t.clock.now());
      await wall.waitForStep('account');
      // A browser in English, no choice made: English.
      expect(await languageShown(page)).toEqual({ lang: 'en', pressed: 'English' });
      expect(await page.title()).toBe('Verify your phone number');
      // The check used on the Nepali page does see the English one.
      expect(await latinTextOnScreen(page)).toContain('Create your account');

      // Step 1, half filled in.
      const username = uniqueUsername('lang');
      const usernameInput = wall.registerForm.getByLabel('Username', { exact: true });
      await usernameInput.fill(username);
      await shot('1-register');
      await switchTo(page, 'नेपाली');
      expect(await languageShown(page)).toEqual({ lang: 'ne', pressed: 'नेपाली' });
      expect(await page.locator('#account-heading').innerText()).toBe('आफ्नो खाता बनाउनुहोस्');
      expect(await page.title()).toBe('आफ्नो फोन नम्बर प्रमाणित गर्नुहोस्');
      expect(await wall.registerForm.getByLabel(NE.username, { exact: true }).inputValue()).toBe(
        username,
      );
      expect(await latinTextOnScreen(page)).toEqual([]);
      await switchTo(page, 'English');
      expect(await languageShown(page)).toEqual({ lang: 'en', pressed: 'English' });
      expect(await page.locator('#account-heading').innerText()).toBe('Create your account');
      await wall.register(username, PASSWORD);

      // Step 2: the number typed, then the SMS asked for from the Nepali page is Nepali.
      await wall.waitForStep('phone');
      const phone = uniquePhone('984');
      await page.getByLabel('Mobile number', { exact: true }).fill(phone);
      expect(await page.locator('#phone-lead').innerText()).toBe(
        `We will text you a code of ${suite.t.config.otp.length} digits.`,
      );
      await shot('2-phone');
      await switchTo(page, 'नेपाली');
      const ne = new NepaliWall(wall);
      expect(await ne.phoneInput.inputValue()).toBe(phone);
      expect(await ne.phoneInput.getAttribute('placeholder')).toBe('98XXXXXXXX');
      expect(await page.locator('nav').getAttribute('aria-label')).toBe('प्रगति');
      await page.getByRole('button', { name: NE.sendCode, exact: true }).click();
      await wall.waitForStep('code');
      expect(suite.t.sms.lastTo(e164(phone))?.text).toMatch(/^\d+ तपाईंको .* प्रमाणीकरण कोड हो।/);
      expect(await wall.resendButton.innerText()).toBe('१:०० पछि नयाँ कोड पठाउनुहोस्');

      // Step 3: a wrong code's error, shown in English, follows each switch; the countdown too.
      await switchTo(page, 'English');
      expect(await page.locator('#code-lead').innerText()).toBe(
        `We sent a code of ${suite.t.config.otp.length} digits to ${grouped(phone)}.`,
      );
      expect(await wall.resendButton.innerText()).toBe('Send a new code in 1:00');
      const code = suite.t.sms.lastCodeFor(e164(phone));
      await wall.enterCode(wrongCode(code));
      await wall.textOnceShown(wall.alert('code'), 'not right');
      const left = suite.t.config.otp.maxAttempts - 1;
      await shot('3-code-wrong');
      await switchTo(page, 'नेपाली');
      expect(await wall.alert('code').innerText()).toBe('यो कोड मिलेन।');
      expect(await wall.fieldError(ne.codeInput)).toBe(
        `एसएमएस हेरेर फेरि प्रयास गर्नुहोस्: अझै ${devanagariDigits(left)} पटक प्रयास गर्न सकिन्छ।`,
      );
      expect(await ne.codeInput.inputValue()).toBe(wrongCode(code));
      expect(await latinTextOnScreen(page)).toEqual([]);

      // The cooldown ends; a new code is asked for from the Nepali page.
      const cooldown = suite.t.config.otp.resendCooldownSeconds;
      suite.t.clock.advance(cooldown);
      await page.clock.runFor(cooldown * 1000);
      expect(await wall.resendButton.innerText()).toBe('नयाँ कोड पठाउनुहोस्');
      expect(await page.locator('#code-status').textContent()).toBe('अब तपाईं नयाँ कोड माग्न सक्नुहुन्छ।');
      await wall.resendButton.click();
      await wall.textOnceShown(page.locator('#code-status'), 'नयाँ कोड पठाइयो');
      expect(await page.locator('#code-status').textContent()).toBe(
        `${grouped(phone)} मा नयाँ कोड पठाइयो। पहिलेको कोड अब मान्य छैन।`,
      );
      expect(suite.t.sms.codesFor(e164(phone))).toHaveLength(2);
      expect(suite.t.sms.lastTo(e164(phone))?.text).toMatch(/^\d+ तपाईंको /);
      await switchTo(page, 'English');
      expect(await page.locator('#code-status').textContent()).toBe(
        `We sent a new code to ${grouped(phone)}. The previous code no longer works.`,
      );
      expect(await wall.resendButton.innerText()).toBe('Send a new code in 1:00');
      await shot('3-code');

      // Step 4: in English the route's own welcome; in Nepali the page's words for it.
      await wall.enterCode(suite.t.sms.lastCodeFor(e164(phone)));
      await wall.waitForStep('verified');
      await wall.textOnceShown(page.locator('#welcome'), 'Welcome');
      expect(await page.locator('#welcome').innerText()).toBe(
        'Welcome! Your phone number is verified.',
      );
      expect(await page.locator('#step-verified .lead').innerText()).toBe(
        `${grouped(phone)} is verified on ${username}’s account.`,
      );
      await shot('4-verified');
      await switchTo(page, 'नेपाली');
      expect(await page.locator('#welcome').innerText()).toBe(
        'स्वागत छ! तपाईंको फोन नम्बर प्रमाणित भइसकेको छ।',
      );
      expect(await page.locator('#step-verified .lead').innerText()).toBe(
        `${grouped(phone)} नम्बर ${username} को खातामा प्रमाणित भयो।`,
      );
      expect(await latinTextOnScreen(page, [username])).toEqual([]);
      expect(await wall.horizontalOverflow()).toBe(0);
    });

    it('sends the SMS in English from the English page', async () => {
      const { wall } = browser;
      await wall.open('?lang=en');
      await wall.register(uniqueUsername('lang'), PASSWORD);
      const phone = uniquePhone('981');
      await wall.sendCodeTo(phone);
      await wall.waitForStep('code');
      const code = suite.t.sms.lastCodeFor(e164(phone));
      expect(suite.t.sms.lastTo(e164(phone))?.text.split('\n')[0]).toBe(
        `${code} is your ${suite.t.config.sms.brand} verification code. It expires in ${Math.floor(
          suite.t.config.otp.ttlSeconds / 60,
        )} minutes.`,
      );
    });
  });

  describe('the choice', () => {
    const browser = usePage(suite, PHONE);

    it('is remembered across a reload, and ?lang= wins over it', async () => {
      const { page, wall } = browser;
      await wall.open();
      await wall.waitForStep('account');
      expect(await storedChoice(page)).toBeNull();
      await switchTo(page, 'नेपाली');
      expect(await storedChoice(page)).toBe('ne');

      await page.reload();
      await wall.waitForStep('account');
      expect(await languageShown(page)).toEqual({ lang: 'ne', pressed: 'नेपाली' });
      expect(await page.locator('#account-heading').innerText()).toBe('आफ्नो खाता बनाउनुहोस्');

      // A link in English opens the page in English, without changing what was chosen.
      await wall.open('?lang=en');
      await wall.waitForStep('account');
      expect(await languageShown(page)).toEqual({ lang: 'en', pressed: 'English' });
      expect(await page.locator('#account-heading').innerText()).toBe('Create your account');
      expect(await storedChoice(page)).toBe('ne');
      // A value the page does not speak is ignored.
      await wall.open('?lang=fr');
      await wall.waitForStep('account');
      expect(await htmlLang(page)).toBe('ne');

      // Choosing on a ?lang= page drops the parameter, so a reload keeps the new choice.
      await wall.open('?lang=ne');
      await wall.waitForStep('account');
      await switchTo(page, 'English');
      expect(new URL(page.url()).search).toBe('');
      await page.reload();
      await wall.waitForStep('account');
      expect(await languageShown(page)).toEqual({ lang: 'en', pressed: 'English' });
      expect(await storedChoice(page)).toBe('en');
    });

    it('survives a reload in the middle of the flow, which resumes in that language', async () => {
      const { page, wall } = browser;
      await wall.open();
      await wall.register(uniqueUsername('lang'), PASSWORD);
      const phone = uniquePhone('985');
      await wall.sendCodeTo(phone);
      await wall.waitForStep('code');
      await switchTo(page, 'नेपाली');
      await page.reload();
      await wall.waitForStep('code');
      expect(await page.locator('#code-lead').innerText()).toBe(
        `${grouped(phone)} मा ${devanagariDigits(suite.t.config.otp.length)} अङ्कको कोड पठाइएको छ।`,
      );
      await new NepaliWall(wall).enterCode(suite.t.sms.lastCodeFor(e164(phone)));
      await wall.waitForStep('verified');
      expect(await page.locator('#verified-heading').innerText()).toBe('तपाईंको नम्बर प्रमाणित भयो');
    });
  });

  describe('in a browser set to Nepali (ne-NP)', () => {
    const browser = usePage(suite, PHONE, { locale: 'ne-NP' });

    it('opens in Nepali until the person chooses English', async () => {
      const { page, wall } = browser;
      expect(await inPage(page, `navigator.languages`)).toEqual(['ne-NP']);
      await wall.open();
      await wall.waitForStep('account');
      expect(await languageShown(page)).toEqual({ lang: 'ne', pressed: 'नेपाली' });
      expect(await latinTextOnScreen(page)).toEqual([]);

      await switchTo(page, 'English');
      await page.reload();
      await wall.waitForStep('account');
      expect(await languageShown(page)).toEqual({ lang: 'en', pressed: 'English' });
    });
  });
});
