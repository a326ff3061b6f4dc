import request from 'supertest';
import { uniqueUsername } from '../support/accounts';
import { e164, uniquePhone, wrongCode } from '../support/verification-flow';
import { describeWithChromium, screenshot, VIEWPORTS } from './support/browser';
import type { SignUpWallPage } from './support/sign-up-wall-page';
import { useBrowserSuite, usePage } from './support/suite';

const PASSWORD = 'a-long-enough-password';

/** `9812345678` → `+977 981-234-5678`, spelled out digit group by digit group. */
function grouped(national: string): string {
  return `+977 ${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`;
}

describeWithChromium('Sign-up wall page: the happy path and the code step (Chromium)', () => {
  const suite = useBrowserSuite();

  describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
    const browser = usePage(suite, viewport);

    /** Registers through the form and asks for a code; returns the national number used. */
    async function signUpAndSendCode(wall: SignUpWallPage): Promise<string> {
      if (wall.page.url() === 'about:blank') await wall.open();
      await wall.register(uniqueUsername('wall'), PASSWORD);
      const phone = uniquePhone('981');
      await wall.sendCodeTo(phone);
      await wall.waitForStep('code');
      return phone;
    }

    it('registers, verifies a phone by the SMS code and shows the welcome message', async () => {
      const { page, wall } = browser;
      const shot = (name: string) => screenshot(page, `flow-${name}`);
      // The page's clock stands still, so the countdown reads the same however slow the machine.
      await wall.openWithClockAt(suite.t.clock.now());
      await wall.waitForStep('account');
      expect(await wall.focusedId()).toBe('register-username');
      expect(await wall.unlabelledInputs()).toEqual([]);
      expect(await wall.horizontalOverflow()).toBe(0);
      await shot('1-register');

      await wall.register(uniqueUsername('wall'), PASSWORD);
      await wall.waitForStep('phone');
      expect(await wall.focusedId()).toBe('phone');
      expect(await wall.horizontalOverflow()).toBe(0);
      await shot('2-phone');

      const phone = uniquePhone('981');
      suite.t.sms.delayMs = 500; // a slow SMS provider, long enough to see the button busy
      try {
        await wall.sendCodeTo(`${phone.slice(0, 3)} ${phone.slice(3)}`); // as a person types it
        const sending = page.locator('#phone-form button[type="submit"]');
        expect(await sending.getAttribute('aria-busy')).toBe('true');
        expect(await sending.isDisabled()).toBe(true);
        expect((await sending.innerText()).trim()).toBe('Sending code…');
        await shot('2b-phone-sending');
      } finally {
        suite.t.sms.delayMs = 0;
      }
      await wall.waitForStep('code');
      expect(await wall.focusedId()).toBe('code');
      expect(await page.locator('#code-phone').textContent()).toBe(grouped(phone));
      const input = wall.codeInput;
      expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
      expect(await input.getAttribute('inputmode')).toBe('numeric');
      expect(await input.getAttribute('maxlength')).toBe(String(suite.t.config.otp.length));
      expect(await input.getAttribute('pattern')).toBe(`[0-9०-९]{${suite.t.config.otp.length}}`);
      expect(await wall.resendButton.isDisabled()).toBe(true);
      expect(await wall.resendButton.innerText()).toBe('Send a new code in 1:00');
      expect(await wall.horizontalOverflow()).toBe(0);
      await shot('3-code');

      await wall.enterCode(suite.t.sms.lastCodeFor(e164(phone)));
      await wall.waitForStep('verified');
      const stored = await wall.storedSession();
      expect(stored.localStorageKeys).toBe(0);
      const { accessToken } = JSON.parse(stored.session ?? '{}').tokens;
      // The message on screen is the one the wall-guarded route sends.
      const welcome = await request(suite.t.url)
        .get('/v1/members/welcome')
        .set('authorization', `Bearer ${accessToken}`)
        .expect(200);
      expect(await wall.textOnceShown(page.locator('#welcome'), welcome.body.message)).toBe(
        welcome.body.message,
      );
      expect(await page.locator('#verified-phone').textContent()).toBe(grouped(phone));
      expect(await wall.focusedId()).toBe('verified-heading');
      const me = await request(suite.t.url)
        .get('/v1/users/me')
        .set('authorization', `Bearer ${accessToken}`)
        .expect(200);
      expect(me.body).toMatchObject({ phoneNumber: e164(phone), phoneVerified: true });
      expect(await wall.horizontalOverflow()).toBe(0);
      await shot('4-verified');
    });

    it('says how many attempts are left after a wrong code, and still accepts the right one', async () => {
      const { page, wall } = browser;
      const phone = await signUpAndSendCode(wall);
      const code = suite.t.sms.lastCodeFor(e164(phone));

      await wall.enterCode(wrongCode(code));
      expect(await wall.textOnceShown(wall.alert('code'), 'not right')).toBe(
        'That code is not right.',
      );
      const maxAttempts = suite.t.config.otp.maxAttempts;
      expect(await wall.fieldError(wall.codeInput)).toBe(
        `Check the SMS and try again: ${maxAttempts - 1} attempts left.`,
      );
      expect(await wall.codeInput.getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, 'code-wrong');

      await wall.enterCode(code);
      await wall.waitForStep('verified');
    });

    it('asks for a whole code before sending it', async () => {
      const { page, wall } = browser;
      await signUpAndSendCode(wall);
      const checks: string[] = [];
      page.on('request', (req) => {
        if (req.url().endsWith('/check')) checks.push(req.url());
      });
      await wall.enterCode('12');
      expect(await wall.fieldError(wall.codeInput)).toBe(
        `Enter the ${suite.t.config.otp.length}-digit code from the SMS.`,
      );
      expect(checks).toEqual([]);
    });

    it('counts down to the resend, then sends a new code that works', async () => {
      const { page, wall } = browser;
      // The browser's clock, under the test's hand, stands where the server's fake clock is.
      await wall.openWithClockAt(suite.t.clock.now());
      const phone = await signUpAndSendCode(wall);
      const cooldown = suite.t.config.otp.resendCooldownSeconds;
      expect(cooldown).toBe(60);
      expect(await wall.resendButton.isDisabled()).toBe(true);
      expect(await wall.resendButton.innerText()).toBe('Send a new code in 1:00');

      await page.clock.runFor(30_000);
      expect(await wall.resendButton.innerText()).toBe('Send a new code in 0:30');
      expect(await wall.resendButton.isDisabled()).toBe(true);
      await screenshot(page, 'code-resend-countdown');

      suite.t.clock.advance(cooldown);
      await page.clock.runFor((cooldown - 30) * 1000);
      expect(await wall.resendButton.innerText()).toBe('Send a new code');
      expect(await wall.resendButton.isEnabled()).toBe(true);
      expect(await page.locator('#code-status').textContent()).toBe(
        'You can ask for a new code now.',
      );
      await screenshot(page, 'code-resend-ready');

      await wall.resendButton.click();
      await wall.textOnceShown(page.locator('#code-status'), 'We sent a new code');
      expect(suite.t.sms.codesFor(e164(phone))).toHaveLength(2);
      expect(await wall.resendButton.isDisabled()).toBe(true);
      expect(await wall.resendButton.innerText()).toBe('Send a new code in 1:00');
      expect(await wall.focusedId()).toBe('code');

      await wall.enterCode(suite.t.sms.lastCodeFor(e164(phone)));
      await wall.waitForStep('verified');
    });

    it("waits as long as the server's Retry-After says when this device's clock runs ahead", async () => {
      const { page, wall } = browser;
      const cooldown = suite.t.config.otp.resendCooldownSeconds;
      // A phone whose clock is a cooldown ahead: it thinks a new code may be asked for at once.
      await wall.openWithClockAt(new Date(suite.t.clock.now().getTime() + (cooldown + 5) * 1000));
      const phone = await signUpAndSendCode(wall);
      expect(await wall.resendButton.isEnabled()).toBe(true);

      await wall.resendButton.click();
      expect(cooldown).toBe(60); // the server's Retry-After: 60, said the way a person would
      expect(await wall.textOnceShown(wall.alert('code'), 'moments ago')).toBe(
        'A code was sent moments ago. You can ask for a new one in 1 minute.',
      );
      expect(await wall.resendButton.isDisabled()).toBe(true);
      expect(await wall.resendButton.innerText()).toBe('Send a new code in 1:00');
      expect(suite.t.sms.codesFor(e164(phone))).toHaveLength(1);
      await screenshot(page, 'code-resend-cooldown');
    });

    it('starts over with another number, cancelling the pending verification', async () => {
      const { page, wall } = browser;
      const phone = await signUpAndSendCode(wall);
      const id = JSON.parse((await wall.storedSession()).session ?? '{}').pendingVerificationId;
      const { accessToken } = JSON.parse((await wall.storedSession()).session ?? '{}').tokens;

      await page.getByRole('button', { name: 'Use another number' }).click();
      await wall.waitForStep('phone');
      expect(await wall.focusedId()).toBe('phone');
      // The cancel is sent after the step changes; wait for it to land.
      await expectEventually(async () => {
        const res = await request(suite.t.url)
          .get(`/v1/phone-verifications/${id}`)
          .set('authorization', `Bearer ${accessToken}`);
        return res.body.status;
      }, 'canceled');

      const other = uniquePhone('984');
      await wall.sendCodeTo(other);
      await wall.waitForStep('code');
      expect(await page.locator('#code-phone').textContent()).toBe(grouped(other));
      expect(phone).not.toBe(other);
    });
  });
});

/** Polls `read` until it returns `expected` (2 s at most), for effects the page sends later. */
async function expectEventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const deadline = Date.now() + 2000;
  let last = await read();
  while (last !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  expect(last).toBe(expected);
}
