import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's package; Playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export interface Viewport {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

export const PHONE: Viewport = { name: 'phone', width: 360, height: 740 };
export const DESKTOP: Viewport = { name: 'desktop', width: 1280, height: 800 };
export const VIEWPORTS: readonly Viewport[] = [PHONE, DESKTOP];

const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-artifacts', 'screenshots');

/**
 * `describe` for suites that drive Chromium. Without the browser: in CI the suite fails with the
 * reason; elsewhere it is skipped, saying why and how to install it. Never silently.
 */
export function describeWithChromium(title: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(title, body);
    return;
  }
  const reason =
    `${CHROMIUM_PATH} is missing. Install it with \`apt-get update && apt-get install -y chromium\` ` +
    '(or point CHROMIUM_PATH at a Chromium binary).';
  if (process.env.CI) {
    describe(title, () => {
      it('needs Chromium', () => {
        throw new Error(`The browser tests cannot run: ${reason}`);
      });
    });
    return;
  }
  console.warn(`Skipping the browser suite "${title}": ${reason}`);
  describe.skip(title, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** What a page did wrong while a test drove it: CSP violations and uncaught errors. */
export interface PageTrouble {
  readonly cspViolations: string[];
  readonly uncaughtErrors: string[];
}

export interface OpenedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly trouble: PageTrouble;
}

/**
 * A fresh context (its own sessionStorage and localStorage) and page at the viewport, watched for
 * trouble. `locale` is the browser's language (navigator.languages, Accept-Language).
 */
export async function openPage(
  browser: Browser,
  viewport: Viewport,
  locale = 'en-US',
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    deviceScaleFactor: 1,
    locale,
    timezoneId: 'Asia/Kathmandu',
    serviceWorkers: 'block',
  });
  // Well inside jest's timeout, so a stuck step fails on its own line rather than the test's.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const trouble: PageTrouble = { cspViolations: [], uncaughtErrors: [] };
  // Added through the DevTools protocol, so this listener is not itself subject to the CSP.
  // (A string: the Node-side type-check has no DOM library.)
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline code'));
    });
  `);
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|CSP violation/i.test(text)) trouble.cspViolations.push(text);
  });
  page.on('pageerror', (error) => trouble.uncaughtErrors.push(error.message));
  return { context, page, trouble };
}

/** Saves test-artifacts/screenshots/<name>-<width>.png (the whole page). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}
