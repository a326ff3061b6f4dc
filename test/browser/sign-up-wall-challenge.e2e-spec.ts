import type { Request } from 'playwright-core';
import { uniqueUsername } from '../support/accounts';
import { e164, uniquePhone } from '../support/verification-flow';
import { describeWithChromium, DESKTOP, PHONE, screenshot } from './support/browser';
import { inPage } from './support/sign-up-wall-page';
import { useBrowserSuite, usePage } from './support/suite';

const PASSWORD = 'a-long-enough-password';

/** The page's calls to the API, in order, as `METHOD path status`. */
function apiCalls(page: import('playwright-core').Page): string[] {
  const calls: string[] = [];
  const record = async (request: Request) => {
    const path = new URL(request.url()).pathname;
    if (!path.startsWith('/v1/')) return;
    const response = await request.response();
    calls.push(`${request.method()} ${path} ${response?.status() ?? 'failed'}`);
  };
  page.on('requestfinished', (request) => void record(request));
  page.on('requestfailed', (request) => void record(request));
  return calls;
}

/**
 * FRAUD_CHALLENGE=always: every send needs a solved proof-of-work challenge (API.md "Fraud
 * guard"). The page meets the 428, solves a challenge in Web Workers and sends again, with
 * nothing for the person to do.
 */
describeWithChromium('Sign-up wall page: proof-of-work challenges (Chromium)', () => {
  const suite = useBrowserSuite({ FRAUD_CHALLENGE: 'always' });
  const usedChallenges = async () =>
    Number(
      (
        await suite.t.dataSource.query<Array<{ n: string }>>(
          'SELECT count(*) AS n FROM used_challenges',
        )
      )[0].n,
    );

  describe('on a phone', () => {
    const browser = usePage(suite, PHONE);

    it('solves the challenge a send asks for, and again for a resend, unnoticed', async () => {
      const { page, wall } = browser;
      const calls = apiCalls(page);
      await wall.openWithClockAt(suite.t.clock.now());
      await wall.register(uniqueUsername('pow'), PASSWORD);
      await wall.waitForStep('phone');
      const spentBefore = await usedChallenges();

      const phone = uniquePhone('981');
      await wall.sendCodeTo(phone);
      await wall.waitForStep('code');
      await screenshot(page, 'challenge-1-code-after-solve');
      expect(calls.filter((call) => !call.startsWith('POST /v1/auth'))).toEqual([
        'POST /v1/phone-verifications 428',
        'GET /v1/challenges 200',
        'POST /v1/phone-verifications 201',
      ]);
      expect(await wall.alert('code').isVisible()).toBe(false);
      expect(await usedChallenges()).toBe(spentBefore + 1);

      // The resend after the cooldown needs a challenge of its own.
      const cooldown = suite.t.config.otp.resendCooldownSeconds;
      suite.t.clock.advance(cooldown);
      await page.clock.runFor(cooldown * 1000);
      await wall.resendButton.click();
      await wall.textOnceShown(page.locator('#code-status'), 'We sent a new code');
      expect(suite.t.sms.codesFor(e164(phone))).toHaveLength(2);
      expect(await usedChallenges()).toBe(spentBefore + 2);
      await wall.enterCode(suite.t.sms.lastCodeFor(e164(phone)));
      await wall.waitForStep('verified');
      await screenshot(page, 'challenge-2-verified');
    });
  });

  describe('on a desktop', () => {
    const browser = usePage(suite, DESKTOP);

    it('says why when no challenge can be had, and sends nothing', async () => {
      const { page, wall } = browser;
      await wall.openWithClockAt(suite.t.clock.now());
      await wall.register(uniqueUsername('pow-down'), PASSWORD);
      await wall.waitForStep('phone');
      // The challenge route unreachable (a proxy refusing it, say): the 428 stands.
      await page.route('**/v1/challenges', (route) => route.abort('connectionrefused'));
      const phone = uniquePhone('984');
      await wall.sendCodeTo(phone);
      expect(await wall.textOnceShown(wall.alert('phone'), /browser/)).toBe(
        'We need to check this browser first. Reload the page and try again.',
      );
      await screenshot(page, 'challenge-3-unavailable');
      expect(suite.t.sms.codesFor(e164(phone))).toEqual([]);
    });

    it("solves with altcha-lib's solver in workers, off the page's thread", async () => {
      const { page, wall } = browser;
      await wall.openWithClockAt(suite.t.clock.now());
      const payload = await inPage<string>(
        page,
        `import('/js/proof-of-work.js').then((m) => m.solveProofOfWork('/v1/challenges'))`,
      );
      const decoded = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as {
        challenge: { parameters: { cost: number } };
        solution: { counter: number; derivedKey: string };
      };
      expect(decoded.solution.derivedKey).toMatch(/^[0-9a-f]{64}$/);
      expect(decoded.challenge.parameters.cost).toBeGreaterThan(0);
      const workers: string[] = [];
      page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
      await inPage(
        page,
        `import('/js/proof-of-work.js').then((m) => m.solveProofOfWork('/v1/challenges'))`,
      );
      expect(workers.length).toBeGreaterThanOrEqual(1);
      expect(new Set(workers)).toEqual(new Set(['/js/challenge-worker.js']));
    });
  });
});
