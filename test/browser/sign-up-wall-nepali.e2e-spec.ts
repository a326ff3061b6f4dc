import { registerUser, uniqueUsername } from '../support/accounts';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  wrongCode,
} from '../support/verification-flow';
import { describeWithChromium, screenshot, VIEWPORTS } from './support/browser';
import {
  devanagariDigits,
  htmlLang,
  latinTextOnScreen,
  NE,
  NepaliWall,
  renderedFonts,
} from './support/nepali';
import { inPage } from './support/sign-up-wall-page';
import { useBrowserSuite, usePage, type BrowserSuite } from './support/suite';

const PASSWORD = 'a-long-enough-password';

/** `9812345678` → `+977 981-234-5678`: phone numbers keep their usual form on the Nepali page. */
function grouped(national: string): string {
  return `+977 ${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`;
}

async function verifyOnAnotherAccount(suite: BrowserSuite, phone: string): Promise<void> {
  const rival = await registerUser(suite.t.url);
  await startVerification(suite.t.url, rival.accessToken, phone).expect(201);
  const code = suite.t.sms.lastCodeFor(e164(phone));
  await checkCode(suite.t.url, rival.accessToken, phone, code).expect(200);
}

describeWithChromium('Sign-up wall page in Nepali: the flow and its errors (Chromium)', () => {
  const suite = useBrowserSuite();

  describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
    const browser = usePage(suite, viewport);
    const nepali = (): NepaliWall => new NepaliWall(browser.wall);

    /** Opens the page in Nepali, registers and waits for the phone step; returns the username. */
    async function signUp(): Promise<string> {
      const { wall } = browser;
      if (wall.page.url() === 'about:blank') await wall.open('?lang=ne');
      const username = uniqueUsername('ne');
      await nepali().register(username, PASSWORD);
      await wall.waitForStep('phone');
      return username;
    }

    it('walks the whole flow in Nepali, and the SMS arrives in Nepali', async () => {
      const { page, wall } = browser;
      const ne = nepali();
      const shot = (name: string) => screenshot(page, `ne-flow-${name}`);
      await wall.openWithClockAt(suite.t.clock.now(), '?lang=ne');
      await wall.waitForStep('account');
      expect(await htmlLang(page)).toBe('ne');
      expect(await page.title()).toBe('आफ्नो फोन नम्बर प्रमाणित गर्नुहोस्');
      expect(await page.locator('#account-heading').innerText()).toBe('आफ्नो खाता बनाउनुहोस्');
      expect(await page.locator('#progress').innerText()).toBe('खाता\nफोन\nकोड\nसम्पन्न');
      // The steps are numbered by CSS (१. २. …); innerText leaves generated content out.
      expect(
        await inPage(
          page,
          `getComputedStyle(document.querySelector('#progress li'), '::before').content`,
        ),
      ).toContain('devanagari');
      expect(await latinTextOnScreen(page)).toEqual([]);
      expect(await wall.unlabelledInputs()).toEqual([]);
      expect(await wall.horizontalOverflow()).toBe(0);
      // Without a Devanagari font Chromium draws boxes (the CI installs fonts-noto-core).
      const fonts = await renderedFonts(page, '#account-heading');
      if (!fonts.some((font) => /Devanagari|Nirmala|Kohinoor|Lohit|Mangal/.test(font.familyName))) {
        throw new Error(
          `Devanagari was drawn with ${JSON.stringify(fonts)}: no Devanagari font is installed ` +
            '(apt-get install fonts-noto-core).',
        );
      }
      await shot('1-register');

      const username = uniqueUsername('ne');
      await ne.register(username, PASSWORD);
      await wall.waitForStep('phone');
      const codeLength = suite.t.config.otp.length;
      expect(await page.locator('#phone-heading').innerText()).toBe(
        'आफ्नो मोबाइल नम्बर प्रमाणित गर्नुहोस्',
      );
      expect(await page.locator('#phone-lead').innerText()).toBe(
        `हामी तपाईंलाई ${devanagariDigits(codeLength)} अङ्कको कोड एसएमएसमा पठाउनेछौं।`,
      );
      expect(await page.locator('#phone-hint').innerText()).toBe(
        'जस्तै 9812345678 वा +977 981-234-5678',
      );
      expect(await latinTextOnScreen(page)).toEqual([]);
      expect(await wall.horizontalOverflow()).toBe(0);
      await shot('2-phone');

      const phone = uniquePhone('981');
      await ne.sendCodeTo(phone);
      await wall.waitForStep('code');
      expect(await page.locator('#code-heading').innerText()).toBe('कोड हाल्नुहोस्');
      expect(await page.locator('#code-lead').innerText()).toBe(
        `${grouped(phone)} मा ${devanagariDigits(codeLength)} अङ्कको कोड पठाइएको छ।`,
      );
      const cooldown = suite.t.config.otp.resendCooldownSeconds;
      expect(cooldown).toBe(60);
      expect(await wall.resendButton.innerText()).toBe('१:०० पछि नयाँ कोड पठाउनुहोस्');
      await page.clock.runFor(2_000);
      expect(await wall.resendButton.innerText()).toBe('०:५८ पछि नयाँ कोड पठाउनुहोस्');
      expect(await latinTextOnScreen(page)).toEqual([]);
      expect(await wall.horizontalOverflow()).toBe(0);
      await shot('3-code');

      // The page asked for the SMS in Nepali: Devanagari text, the code first in ASCII digits.
      const sms = suite.t.sms.lastTo(e164(phone));
      const code = suite.t.sms.lastCodeFor(e164(phone));
      const minutes = devanagariDigits(Math.floor(suite.t.config.otp.ttlSeconds / 60));
      expect(sms?.text.split('\n')[0]).toBe(
        `${code} तपाईंको ${suite.t.config.sms.brand} प्रमाणीकरण कोड हो। ${minutes} मिनेटसम्म मान्य।`,
      );
      expect(code).toMatch(/^[0-9]+$/);

      await ne.enterCode(code);
      await wall.waitForStep('verified');
      expect(await page.locator('#verified-heading').innerText()).toBe('तपाईंको नम्बर प्रमाणित भयो');
      await wall.textOnceShown(page.locator('#welcome'), 'स्वागत छ');
      expect(await page.locator('#welcome').innerText()).toBe(
        'स्वागत छ! तपाईंको फोन नम्बर प्रमाणित भइसकेको छ।',
      );
      expect(await page.locator('#step-verified .lead').innerText()).toBe(
        `${grouped(phone)} नम्बर ${username} को खातामा प्रमाणित भयो।`,
      );
      expect(await latinTextOnScreen(page, [username])).toEqual([]);
      expect(await wall.horizontalOverflow()).toBe(0);
      await shot('4-verified');
    });

    it('accepts a phone number and a code typed in Devanagari digits', async () => {
      const { page, wall } = browser;
      await signUp();
      const phone = uniquePhone('984');
      await nepali().sendCodeTo(devanagariDigits(phone));
      await wall.waitForStep('code');
      expect(await page.locator('#code-phone').textContent()).toBe(grouped(phone));

      const code = suite.t.sms.lastCodeFor(e164(phone));
      await nepali().codeInput.fill(devanagariDigits(code));
      await screenshot(page, 'ne-code-devanagari-digits');
      await page.getByRole('button', { name: NE.verify, exact: true }).click();
      await wall.waitForStep('verified');
    });

    it('says in Nepali that a code is wrong, and how many attempts are left', async () => {
      const { page, wall } = browser;
      await signUp();
      const phone = uniquePhone('985');
      await nepali().sendCodeTo(phone);
      await wall.waitForStep('code');
      const code = suite.t.sms.lastCodeFor(e164(phone));

      await nepali().enterCode(wrongCode(code));
      expect(await wall.textOnceShown(wall.alert('code'), 'मिलेन')).toBe('यो कोड मिलेन।');
      const left = devanagariDigits(suite.t.config.otp.maxAttempts - 1);
      expect(await wall.fieldError(nepali().codeInput)).toBe(
        `एसएमएस हेरेर फेरि प्रयास गर्नुहोस्: अझै ${left} पटक प्रयास गर्न सकिन्छ।`,
      );
      expect(await latinTextOnScreen(page)).toEqual([]);
      await screenshot(page, 'ne-error-code-wrong');

      await nepali().enterCode('12');
      expect(await wall.fieldError(nepali().codeInput)).toBe(
        `एसएमएसमा आएको ${devanagariDigits(suite.t.config.otp.length)} अङ्कको कोड हाल्नुहोस्।`,
      );
      await nepali().enterCode(code);
      await wall.waitForStep('verified');
    });

    it.each([
      ['too short', '98123', 'यो नम्बर छोटो भयो: नेपाली मोबाइल नम्बरमा १० अङ्क हुन्छन्, जस्तै 98XXXXXXXX।'],
      [
        'a landline',
        '01-4123456',
        'यो नेपाली मोबाइल नम्बर होइन। मोबाइल नम्बर हाल्नुहोस्, जस्तै 98XXXXXXXX।',
      ],
      [
        'of an operator not accepted',
        '9612345678',
        'नेपाल टेलिकम र एनसेलका मोबाइल नम्बर मात्र स्वीकार गरिन्छ।',
      ],
    ])('explains in Nepali why a number %s cannot be verified', async (_kind, typed, reason) => {
      const { page, wall } = browser;
      expect(suite.t.config.otp.allowedOperators).toEqual(['NTC', 'NCELL']);
      await signUp();
      await nepali().sendCodeTo(typed);
      expect(await wall.textOnceShown(wall.alert('phone'), 'मिल्दैन')).toBe(
        'यो नम्बरमा हाम्रो कोड पठाउन मिल्दैन।',
      );
      expect(await wall.fieldError(nepali().phoneInput)).toBe(reason);
      expect(await latinTextOnScreen(page)).toEqual([]);
      await screenshot(page, `ne-error-invalid-phone-${typed.replace(/\W/g, '')}`);
    });

    it('says in Nepali that the number is verified on another account', async () => {
      const { page, wall } = browser;
      const phone = uniquePhone('984');
      await verifyOnAnotherAccount(suite, phone);
      await signUp();
      await nepali().sendCodeTo(phone);
      expect(await wall.textOnceShown(wall.alert('phone'), 'अर्कै खातामा')).toBe(
        'यो नम्बर अर्कै खातामा प्रमाणित भइसकेको छ।',
      );
      expect(await wall.fieldError(nepali().phoneInput)).toBe(
        'अर्को नम्बर प्रयोग गर्नुहोस्, वा यो नम्बर प्रमाणित गर्ने खातामा लग इन गर्नुहोस्।',
      );
      expect(await latinTextOnScreen(page)).toEqual([]);
      await screenshot(page, 'ne-error-phone-in-use');
    });

    it('says in Nepali when SMS cannot be sent, and when the provider refuses the number', async () => {
      const { page, wall } = browser;
      await signUp();
      const phone = uniquePhone('986');
      suite.t.sms.failNext('unreached');
      await nepali().sendCodeTo(phone);
      expect(await wall.textOnceShown(wall.alert('phone'), 'एसएमएस')).toBe(
        'अहिले एसएमएस पठाउन सकिँदैन। एक मिनेटपछि फेरि प्रयास गर्नुहोस्।',
      );
      expect(await latinTextOnScreen(page)).toEqual([]);
      await screenshot(page, 'ne-error-sms-unavailable');

      suite.t.sms.failNext('refused');
      await page.getByRole('button', { name: NE.sendCode, exact: true }).click();
      expect(await wall.textOnceShown(wall.alert('phone'), 'मानेन')).toBe(
        'हाम्रो एसएमएस सेवा प्रदायकले यो नम्बरमा पठाउन मानेन। नम्बर जाँच्नुहोस्, वा केही बेरपछि फेरि प्रयास गर्नुहोस्।',
      );
      await page.getByRole('button', { name: NE.sendCode, exact: true }).click();
      await wall.waitForStep('code');
    });

    it('checks the fields in Nepali before sending anything', async () => {
      const { page, wall } = browser;
      await wall.open('?lang=ne');
      const form = wall.registerForm;
      await form.getByRole('button', { name: NE.createAccount, exact: true }).click();
      expect(await wall.fieldError(form.getByLabel(NE.username, { exact: true }))).toBe(
        'आफ्नो प्रयोगकर्ता नाम हाल्नुहोस्।',
      );
      expect(await wall.fieldError(form.getByLabel(NE.password, { exact: true }))).toBe(
        'आफ्नो पासवर्ड हाल्नुहोस्।',
      );
      expect(await wall.textOnceShown(wall.alert('account'), 'जाँच्नुहोस्')).toBe(
        'तपाईंले हालेको विवरण फेरि जाँच्नुहोस्।',
      );
      expect(await latinTextOnScreen(page)).toEqual([]);
      await screenshot(page, 'ne-error-register-empty');
    });
  });
});
