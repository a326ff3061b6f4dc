import { isMobileOperator } from '../../src/phone-verification/phone-number/mobile-operators';
import { parsePhoneNumber } from '../../src/phone-verification/phone-number/phone-number';
import { registerUser, uniqueUsername } from '../support/accounts';
import {
  checkCode,
  e164,
  startVerification,
  uniquePhone,
  verifyPhone,
  wrongCode,
} from '../support/verification-flow';
import { describeWithChromium, screenshot, VIEWPORTS } from './support/browser';
import type { SignUpWallPage } from './support/sign-up-wall-page';
import { useBrowserSuite, usePage, type BrowserSuite } from './support/suite';

const PASSWORD = 'a-long-enough-password';
const MAX_ATTEMPTS = 3;
const LOGIN_MAX_FAILURES = 3;

/** Another account verifies `phone` over the API, as a rival would. */
async function verifyOnAnotherAccount(suite: BrowserSuite, phone: string): Promise<void> {
  const rival = await registerUser(suite.t.url);
  await startVerification(suite.t.url, rival.accessToken, phone).expect(201);
  const code = suite.t.sms.lastCodeFor(e164(phone));
  await checkCode(suite.t.url, rival.accessToken, phone, code).expect(200);
}

describeWithChromium(
  'Sign-up wall page: what a person is told when things go wrong (Chromium)',
  () => {
    const suite = useBrowserSuite({
      OTP_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES),
    });

    describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
      const browser = usePage(suite, viewport);

      async function signUp(wall: SignUpWallPage): Promise<void> {
        if (wall.page.url() === 'about:blank') await wall.open();
        await wall.register(uniqueUsername('err'), PASSWORD);
        await wall.waitForStep('phone');
      }

      it('says a number is taken when another account verified it first', async () => {
        const { page, wall } = browser;
        const phone = uniquePhone('984');
        await verifyOnAnotherAccount(suite, phone);

        await signUp(wall);
        await wall.sendCodeTo(phone);
        expect(await wall.textOnceShown(wall.alert('phone'), 'another account')).toBe(
          'This number is already verified on another account.',
        );
        expect(await wall.fieldError(page.getByLabel('Mobile number', { exact: true }))).toBe(
          'Use a different number, or log in to the account that verified it.',
        );
        expect(await wall.focusedId()).toBe('phone');
        await screenshot(page, 'error-phone-in-use');
      });

      it('says a number is taken when another account verifies it while the code is on its way', async () => {
        const { page, wall } = browser;
        const phone = uniquePhone('984');
        await signUp(wall);
        await wall.sendCodeTo(phone);
        await wall.waitForStep('code');
        const myCode = suite.t.sms.lastCodeFor(e164(phone));
        await verifyOnAnotherAccount(suite, phone);

        await wall.enterCode(myCode);
        // The code step has no phone field: the hint joins the summary.
        expect(await wall.textOnceShown(wall.alert('code'), 'another account')).toBe(
          'This number is already verified on another account.\n\n' +
            'Use a different number, or log in to the account that verified it.',
        );
        expect(await wall.codeInput.isDisabled()).toBe(true);
        await page.getByRole('button', { name: 'Use another number' }).click();
        await wall.waitForStep('phone');
      });

      it.each([
        ['a landline', '01-4123456'],
        ['a Smart number (not an accepted operator)', '9612345678'],
        ['a number too short', '98123'],
      ])('explains why %s cannot be verified', async (_kind, typed) => {
        const { page, wall } = browser;
        await signUp(wall);
        await wall.sendCodeTo(typed);
        expect(await wall.textOnceShown(wall.alert('phone'), 'cannot receive')).toBe(
          'That number cannot receive our code.',
        );
        // The server's own reason, word for word (it names the rule the number broke).
        const rejection = parsePhoneNumber(
          typed,
          suite.t.config.otp.allowedOperators.filter(isMobileOperator),
        );
        if (rejection.ok) throw new Error(`${typed} was supposed to be refused`);
        expect(await wall.fieldError(page.getByLabel('Mobile number', { exact: true }))).toBe(
          rejection.message,
        );
        await screenshot(page, `error-invalid-phone-${typed.replace(/\W/g, '')}`);
      });

      it('says when the SMS service is down or refuses the number, and lets the person retry', async () => {
        const { page, wall } = browser;
        const phone = uniquePhone('985');
        await signUp(wall);

        suite.t.sms.failNext('unreached');
        await wall.sendCodeTo(phone);
        expect(await wall.textOnceShown(wall.alert('phone'), 'right now')).toBe(
          'We cannot send text messages right now. Please try again in a minute.',
        );
        await screenshot(page, 'error-sms-unavailable');

        suite.t.sms.failNext('refused');
        await page.getByRole('button', { name: 'Send code' }).click();
        expect(await wall.textOnceShown(wall.alert('phone'), 'refused')).toBe(
          'Our SMS provider refused to send to this number. Check the number, or try again later.',
        );

        await page.getByRole('button', { name: 'Send code' }).click();
        await wall.waitForStep('code');
      });

      it('says when the server cannot be reached', async () => {
        const { page, wall } = browser;
        await signUp(wall);
        await page.route('**/v1/phone-verifications', (route) =>
          route.abort('internetdisconnected'),
        );
        await wall.sendCodeTo(uniquePhone('984'));
        expect(await wall.textOnceShown(wall.alert('phone'), 'reach the server')).toBe(
          'We could not reach the server. Check your connection and try again.',
        );
        expect(await page.getByRole('button', { name: 'Send code' }).isEnabled()).toBe(true);
        await screenshot(page, 'error-network');
      });

      it('locks the code after too many wrong ones and offers a new code once the cooldown ends', async () => {
        const { page, wall } = browser;
        await wall.openWithClockAt(suite.t.clock.now());
        const phone = uniquePhone('986');
        await signUp(wall);
        await wall.sendCodeTo(phone);
        await wall.waitForStep('code');
        const code = suite.t.sms.lastCodeFor(e164(phone));
        for (let left = MAX_ATTEMPTS - 1; left >= 1; left--) {
          await wall.enterCode(wrongCode(code));
          await wall.textOnceShown(page.locator('#code-error'), `${left} attempt`);
        }
        await wall.enterCode(wrongCode(code));
        expect(await wall.fieldError(wall.codeInput)).toBe('No attempts left: ask for a new code.');
        expect(await wall.codeInput.isDisabled()).toBe(true);
        expect(await page.getByRole('button', { name: 'Verify' }).isDisabled()).toBe(true);
        // The resend cooldown of the last SMS still holds.
        expect(await wall.resendButton.isDisabled()).toBe(true);
        expect(await wall.focusedId()).toBe('code-heading');
        await screenshot(page, 'error-no-attempts-left');

        const cooldown = suite.t.config.otp.resendCooldownSeconds;
        suite.t.clock.advance(cooldown);
        await page.clock.runFor(cooldown * 1000);
        expect(await wall.resendButton.isEnabled()).toBe(true);
        await wall.resendButton.click();
        await wall.textOnceShown(page.locator('#code-status'), 'We sent a new code');
        expect(await wall.codeInput.isEnabled()).toBe(true);
        await wall.enterCode(suite.t.sms.lastCodeFor(e164(phone)));
        await wall.waitForStep('verified');
      });

      it('says when the code has expired', async () => {
        const { page, wall } = browser;
        await wall.openWithClockAt(suite.t.clock.now());
        const phone = uniquePhone('984');
        await signUp(wall);
        await wall.sendCodeTo(phone);
        await wall.waitForStep('code');
        const code = suite.t.sms.lastCodeFor(e164(phone));
        // The person comes back after the code's lifetime, on both clocks.
        const away = suite.t.config.otp.ttlSeconds + 1;
        suite.t.clock.advance(away);
        await page.clock.fastForward(away * 1000);

        await wall.enterCode(code);
        expect(await wall.textOnceShown(wall.alert('code'), 'expired')).toBe(
          'This code has expired. Ask for a new code.',
        );
        expect(await wall.resendButton.isEnabled()).toBe(true);
        await screenshot(page, 'error-code-expired');
      });

      it('shows which registration fields the server refused, and a taken username', async () => {
        const { page, wall } = browser;
        await wall.open();
        await wall.register('no spaces!', PASSWORD);
        const username = wall.registerForm.getByLabel('Username', { exact: true });
        expect(await wall.fieldError(username)).toBe('Use 3–30 letters, digits, _ . or -.');
        expect(await wall.textOnceShown(wall.alert('account'), 'check')).toBe(
          'Please check what you entered.',
        );
        expect(await wall.focusedId()).toBe('register-username');
        await screenshot(page, 'error-register-invalid');

        const existing = await registerUser(suite.t.url);
        await wall.register(existing.username.toUpperCase(), PASSWORD);
        expect(await wall.textOnceShown(wall.alert('account'), 'taken')).toBe(
          'That username is taken.',
        );
        expect(await wall.fieldError(username)).toBe(
          'Choose another username, or log in if it is yours.',
        );
      });

      it('checks required fields before sending anything', async () => {
        const { page, wall } = browser;
        await wall.open();
        const requests: string[] = [];
        page.on('request', (req) => {
          if (req.url().includes('/v1/')) requests.push(req.url());
        });
        await wall.registerForm.getByRole('button', { name: 'Create account' }).click();
        expect(
          await wall.fieldError(wall.registerForm.getByLabel('Username', { exact: true })),
        ).toBe('Enter your username.');
        expect(
          await wall.fieldError(wall.registerForm.getByLabel('Password', { exact: true })),
        ).toBe('Enter your password.');
        expect(requests).toEqual([]);
      });
    });

    describe.each(VIEWPORTS)('logging in at $width×$height', (viewport) => {
      const browser = usePage(suite, viewport);

      it('logs an existing user in and asks for their phone', async () => {
        const { page, wall } = browser;
        const user = await registerUser(suite.t.url);
        await wall.open();
        await page.getByRole('button', { name: 'Log in', exact: true }).click();
        expect(await wall.focusedId()).toBe('login-username');
        await screenshot(page, 'login-form');
        await wall.login(user.username, user.password);
        await wall.waitForStep('phone');
        expect(await wall.focusedId()).toBe('phone');
      });

      it('takes a user whose phone is already verified straight to the verified screen', async () => {
        const { page, wall } = browser;
        const user = await registerUser(suite.t.url);
        const phone = uniquePhone('980');
        await verifyPhone(suite.t.url, user.accessToken, phone, suite.t.sms);

        await wall.open();
        await wall.login(user.username, user.password);
        await wall.waitForStep('verified');
        await wall.textOnceShown(page.locator('#welcome'), 'Welcome');
        expect(await page.locator('#verified-username').textContent()).toBe(user.username);
      });

      it('says when the password is wrong, and when there were too many tries', async () => {
        const { page, wall } = browser;
        const user = await registerUser(suite.t.url);
        await wall.open();
        for (let attempt = 1; attempt <= LOGIN_MAX_FAILURES; attempt++) {
          await wall.login(user.username, 'not-the-password');
          expect(await wall.textOnceShown(wall.alert('account'), 'wrong')).toBe(
            'The username or password is wrong.',
          );
          if (attempt === 1) await screenshot(page, 'error-login-wrong-password');
        }
        await wall.login(user.username, user.password);
        expect(await wall.textOnceShown(wall.alert('account'), 'Too many')).toMatch(
          /^Too many failed logins\. Wait \d+ minutes and try again\.$/,
        );
        await screenshot(page, 'error-login-throttled');
      });
    });
  },
);
