import type { Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../../support/test-app';
import { launchChromium, openPage, type OpenedPage, type Viewport } from './browser';
import { SignUpWallPage } from './sign-up-wall-page';
import { ensureWebBuilt } from './web-build';

/** Every request of a browser suite comes from 127.0.0.1: per-IP limits would trip. */
const BROWSER_SUITE_ENV = {
  OTP_MAX_SENDS_PER_IP_PER_HOUR: '100000',
  AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
};

export interface BrowserSuite {
  readonly t: TestApp;
  readonly browser: Browser;
}

/** One app (real PostgreSQL, fake SMS and clock) and one Chromium for the suite; both closed after. */
export function useBrowserSuite(env: Record<string, string> = {}): BrowserSuite {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    await ensureWebBuilt();
    [t, browser] = await Promise.all([
      createTestApp({ env: { ...BROWSER_SUITE_ENV, ...env } }),
      launchChromium(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  return {
    get t(): TestApp {
      if (!t) throw new Error('the test app did not start (see beforeAll)');
      return t;
    },
    get browser(): Browser {
      if (!browser) throw new Error('Chromium did not start (see beforeAll)');
      return browser;
    },
  };
}

export interface PageUnderTest extends OpenedPage {
  readonly wall: SignUpWallPage;
}

/**
 * A fresh browser context per test at `viewport` (in the browser language `locale`). After each
 * test: no CSP violation and no uncaught error in the page.
 */
export function usePage(
  suite: BrowserSuite,
  viewport: Viewport,
  { locale }: { locale?: string } = {},
): PageUnderTest {
  let opened: OpenedPage | undefined;
  let wall: SignUpWallPage | undefined;
  beforeEach(async () => {
    // The server's fake clock reads the same time as the browser's real one at the start.
    suite.t.clock.set(new Date());
    opened = await openPage(suite.browser, viewport, locale);
    wall = new SignUpWallPage(opened.page, suite.t.url);
  });
  afterEach(async () => {
    if (!opened) return;
    const { trouble, context } = opened;
    opened = undefined;
    await context.close();
    expect(trouble.cspViolations).toEqual([]);
    expect(trouble.uncaughtErrors).toEqual([]);
  });
  const current = (): OpenedPage & { wall: SignUpWallPage } => {
    if (!opened || !wall) throw new Error('no page is open outside a test');
    return { ...opened, wall };
  };
  return {
    get context() {
      return current().context;
    },
    get page() {
      return current().page;
    },
    get trouble() {
      return current().trouble;
    },
    get wall() {
      return current().wall;
    },
  };
}
