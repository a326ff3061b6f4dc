import request from 'supertest';
import { registerUser, uniqueUsername } from '../support/accounts';
import { e164, uniquePhone, verifyPhone } from '../support/verification-flow';
import { describeWithChromium, PHONE, screenshot } from './support/browser';
import { inPage } from './support/sign-up-wall-page';
import { useBrowserSuite, usePage } from './support/suite';

interface StoredSession {
  tokens?: { accessToken: string; refreshToken: string };
  pendingVerificationId?: string;
}

/**
 * A browser that offers WebOTP: `navigator.credentials.get({ otp })` waits until the test calls
 * `__webOtp.deliver(code)`, as Chrome on Android waits for the SMS. It records what it was asked.
 */
const FAKE_WEB_OTP = `
  window.OTPCredential = function OTPCredential() {};
  window.__webOtp = { requests: [], deliver: undefined, signal: undefined };
  Object.defineProperty(navigator.credentials, 'get', {
    configurable: true,
    value: (options) => new Promise((resolve, reject) => {
      window.__webOtp.requests.push({ transport: options && options.otp && options.otp.transport });
      window.__webOtp.signal = options.signal;
      window.__webOtp.deliver = (code) => resolve({ type: 'otp', id: '', code });
      options.signal?.addEventListener('abort', () => reject(new DOMException('left', 'AbortError')));
    }),
  });
`;

/** What the server answers an expired access token with. */
const UNAUTHENTICATED_PROBLEM = {
  type: 'about:blank',
  title: 'Unauthorized',
  status: 401,
  code: 'UNAUTHENTICATED',
  detail: 'A valid access token is required.',
};

describeWithChromium('Sign-up wall page: the session, logout and WebOTP (Chromium)', () => {
  const suite = useBrowserSuite();
  const browser = usePage(suite, PHONE);

  async function stored(): Promise<StoredSession> {
    const { session } = await browser.wall.storedSession();
    return session ? (JSON.parse(session) as StoredSession) : {};
  }

  async function writeStored(session: StoredSession): Promise<void> {
    await inPage(
      browser.page,
      `sessionStorage.setItem('phone-verify.session', ${JSON.stringify(JSON.stringify(session))})`,
    );
  }

  it('keeps the session for a reload of the tab only, and resumes the code step', async () => {
    const { page, wall, context } = browser;
    await wall.open();
    await wall.register(uniqueUsername('sess'), 'a-long-enough-password');
    const phone = uniquePhone('984');
    await wall.sendCodeTo(phone);
    await wall.waitForStep('code');
    expect((await wall.storedSession()).localStorageKeys).toBe(0);

    await page.reload();
    await wall.waitForStep('code');
    expect(await page.locator('#code-phone').textContent()).toMatch(/^\+977 984-/);
    await wall.enterCode(suite.t.sms.lastCodeFor(e164(phone)));
    await wall.waitForStep('verified');

    // Another tab starts signed out: sessionStorage belongs to one tab.
    const otherTab = await context.newPage();
    await otherTab.goto(`${suite.t.url}/`);
    await otherTab.locator('#step-account').waitFor({ state: 'visible' });
    await otherTab.close();
  });

  it('renews an expired access token silently, once, and carries on', async () => {
    const { page, wall } = browser;
    const user = await registerUser(suite.t.url);
    await wall.open();
    await wall.login(user.username, user.password);
    await wall.waitForStep('phone');
    const before = await stored();
    // As if the access token had expired: the server refuses it with 401.
    await writeStored({ ...before, tokens: { ...before.tokens!, accessToken: 'expired.jwt.x' } });
    const refreshes: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/v1/auth/refresh')) refreshes.push(req.method());
    });

    await page.reload();
    await wall.waitForStep('phone');
    expect(refreshes).toEqual(['POST']);
    const after = await stored();
    expect(after.tokens?.accessToken).not.toBe('expired.jwt.x');
    expect(after.tokens?.refreshToken).not.toBe(before.tokens?.refreshToken);
    await request(suite.t.url)
      .get('/v1/users/me')
      .set('authorization', `Bearer ${after.tokens?.accessToken}`)
      .expect(200);
  });

  it('retries a call once after renewing the token when the access token expires mid-flow', async () => {
    const { page, wall } = browser;
    await wall.open();
    await wall.register(uniqueUsername('mid'), 'a-long-enough-password');
    await wall.waitForStep('phone');
    // The first send meets an expired access token (a 401 as the server sends it); then real.
    let expiredOnce = false;
    await page.route('**/v1/phone-verifications', async (route) => {
      if (expiredOnce) return route.continue();
      expiredOnce = true;
      await route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify(UNAUTHENTICATED_PROBLEM),
      });
    });
    const calls: string[] = [];
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (path.startsWith('/v1/')) calls.push(`${res.status()} ${path}`);
    });

    const phone = uniquePhone('984');
    await wall.sendCodeTo(phone);
    await wall.waitForStep('code');
    expect(calls).toEqual([
      '401 /v1/phone-verifications',
      '200 /v1/auth/refresh',
      '201 /v1/phone-verifications',
    ]);
    expect(suite.t.sms.codesFor(e164(phone))).toHaveLength(1);
  });

  it('goes back to the login form when the session cannot be renewed', async () => {
    const { page, wall } = browser;
    await wall.open();
    await wall.register(uniqueUsername('gone'), 'a-long-enough-password');
    await wall.waitForStep('phone');
    // The session was ended elsewhere (its refresh token revoked) and the access token expires:
    // the expiry is played by the route answering 401 as the server would; the refresh is real.
    const { tokens } = await stored();
    await request(suite.t.url)
      .post('/v1/auth/logout')
      .set('authorization', `Bearer ${tokens?.accessToken}`)
      .send({ refreshToken: tokens?.refreshToken })
      .expect(204);
    await page.route('**/v1/phone-verifications', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify(UNAUTHENTICATED_PROBLEM),
      }),
    );
    const refreshes: number[] = [];
    page.on('response', (res) => {
      if (res.url().endsWith('/v1/auth/refresh')) refreshes.push(res.status());
    });

    await wall.sendCodeTo(uniquePhone('984'));
    await wall.waitForStep('account');
    expect(refreshes).toEqual([401]);
    expect(await wall.loginForm.isVisible()).toBe(true);
    expect(await wall.textOnceShown(wall.alert('account'), 'session')).toBe(
      'Your session has ended. Please log in again.',
    );
    expect(await wall.focusedId()).toBe('login-username');
    expect(await stored()).toEqual({});
    await screenshot(page, 'session-ended');
  });

  it('logs out: the session ends on the server too, and the tab forgets it', async () => {
    const { page, wall } = browser;
    await wall.open();
    await wall.register(uniqueUsername('bye'), 'a-long-enough-password');
    await wall.waitForStep('phone');
    const { tokens } = await stored();

    await wall.step('phone').getByRole('button', { name: 'Log out' }).click();
    await wall.waitForStep('account');
    expect(await wall.textOnceShown(page.locator('#account-notice'), 'logged out')).toBe(
      'You are logged out.',
    );
    expect(await wall.loginForm.isVisible()).toBe(true);
    expect(await stored()).toEqual({});
    await request(suite.t.url)
      .post('/v1/auth/refresh')
      .send({ refreshToken: tokens?.refreshToken })
      .expect(401);
    await screenshot(page, 'logged-out');
  });

  it('lets a verified user verify another number or keep the one they have', async () => {
    const { page, wall } = browser;
    const user = await registerUser(suite.t.url);
    const phone = uniquePhone('981');
    await verifyPhone(suite.t.url, user.accessToken, phone, suite.t.sms);
    await wall.open();
    await wall.login(user.username, user.password);
    await wall.waitForStep('verified');

    await page.getByRole('button', { name: 'Use another number' }).click();
    await wall.waitForStep('phone');
    await page.getByRole('button', { name: 'Keep my verified number' }).click();
    await wall.waitForStep('verified');
    await wall.textOnceShown(page.locator('#welcome'), 'Welcome');
  });

  it('fills in and submits the code the browser reads from the SMS (WebOTP)', async () => {
    const { page, wall } = browser;
    await page.addInitScript(FAKE_WEB_OTP);
    await wall.open();
    await wall.register(uniqueUsername('otp'), 'a-long-enough-password');
    const phone = uniquePhone('984');
    await wall.sendCodeTo(phone);
    await wall.waitForStep('code');
    expect(await inPage(page, '__webOtp.requests')).toEqual([{ transport: ['sms'] }]);

    await inPage(page, `__webOtp.deliver(${JSON.stringify(suite.t.sms.lastCodeFor(e164(phone)))})`);
    await wall.waitForStep('verified');
  });

  it('stops waiting for the SMS when the person leaves the code step (WebOTP)', async () => {
    const { page, wall } = browser;
    await page.addInitScript(FAKE_WEB_OTP);
    await wall.open();
    await wall.register(uniqueUsername('otp'), 'a-long-enough-password');
    await wall.sendCodeTo(uniquePhone('984'));
    await wall.waitForStep('code');
    expect(await inPage(page, '__webOtp.signal.aborted')).toBe(false);

    await page.getByRole('button', { name: 'Use another number' }).click();
    await wall.waitForStep('phone');
    expect(await inPage(page, '__webOtp.signal.aborted')).toBe(true);
  });
});
