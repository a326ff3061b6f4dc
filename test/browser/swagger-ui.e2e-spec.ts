import { registerUser } from '../support/accounts';
import { describeWithChromium, screenshot, VIEWPORTS } from './support/browser';
import { useBrowserSuite, usePage } from './support/suite';

const PHONE_ROUTES = [
  '/v1/phone-verifications',
  '/v1/phone-verifications/check',
  '/v1/phone-verifications/{id}',
  '/v1/members/welcome',
];

describeWithChromium('Swagger UI at /docs (Chromium)', () => {
  const suite = useBrowserSuite();

  describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
    const browser = usePage(suite, viewport);

    it('loads under the CSP and lists the phone verification routes', async () => {
      const { page } = browser;
      await page.goto(`${suite.t.url}/docs`);
      await page.locator('.swagger-ui .opblock').first().waitFor();
      for (const path of PHONE_ROUTES) {
        expect(
          await page.locator(`.opblock-summary-path[data-path="${path}"]`).count(),
        ).toBeGreaterThan(0);
      }
      expect(await page.getByText('Send a code by SMS').isVisible()).toBe(true);
      await screenshot(page, 'docs-routes');
    });

    it('takes a token in "Authorize" and "Try it out" on GET /v1/users/me answers 200', async () => {
      const { page } = browser;
      const user = await registerUser(suite.t.url);
      await page.goto(`${suite.t.url}/docs`);
      await page.locator('.swagger-ui .opblock').first().waitFor();

      await page.locator('.scheme-container button.authorize').click();
      const dialog = page.locator('.modal-ux');
      await dialog.locator('#auth-bearer-value').fill(user.accessToken);
      await dialog.getByRole('button', { name: 'Apply credentials' }).click();
      await dialog.getByRole('button', { name: 'Close', exact: true }).click();

      const me = page.locator('.opblock-get', {
        has: page.locator('.opblock-summary-path[data-path="/v1/users/me"]'),
      });
      await me.locator('.opblock-summary').first().click();
      await me.getByRole('button', { name: 'Try it out' }).click();
      await me.getByRole('button', { name: 'Execute' }).click();
      const live = me.locator('.live-responses-table');
      const status = live.locator('tbody .response-col_status').first();
      await status.waitFor();
      expect((await status.innerText()).trim()).toBe('200');
      expect(await live.innerText()).toContain(user.username);
      await me.scrollIntoViewIfNeeded();
      await screenshot(page, 'docs-try-it-out');
    });
  });
});
