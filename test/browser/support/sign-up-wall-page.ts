import type { Locator, Page } from 'playwright-core';

export type StepName = 'account' | 'phone' | 'code' | 'verified';

/**
 * Evaluates a JavaScript expression in the page. A string, because the Node-side type-check has
 * no DOM library (and should not: the server must never reach for `document`).
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** The sign-up wall page as a person uses it: by labels, roles and visible text. */
export class SignUpWallPage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  /** Opens the page; `query` such as `?lang=ne`. */
  async open(query = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/${query}`);
  }

  /**
   * Opens the page with its clock standing still at `time` (Date, timers) until the test moves it
   * with `page.clock.runFor` / `fastForward`, so countdowns read the same however slow the machine.
   */
  async openWithClockAt(time: Date, query = ''): Promise<void> {
    // Installed a little earlier and left to run while the page loads, as Playwright advises.
    await this.page.clock.install({ time: time.getTime() - 30_000 });
    await this.open(query);
    await this.page.clock.pauseAt(time);
  }

  step(name: StepName): Locator {
    return this.page.locator(`#step-${name}`);
  }

  /** Waits until `name` is the step on screen. */
  async waitForStep(name: StepName): Promise<void> {
    await this.step(name).waitFor({ state: 'visible' });
  }

  get registerForm(): Locator {
    return this.page.locator('#register-form');
  }

  get loginForm(): Locator {
    return this.page.locator('#login-form');
  }

  async register(username: string, password: string): Promise<void> {
    await this.waitForStep('account');
    if (await this.loginForm.isVisible()) {
      await this.page.getByRole('button', { name: 'Create an account' }).click();
    }
    await this.registerForm.getByLabel('Username', { exact: true }).fill(username);
    await this.registerForm.getByLabel('Password', { exact: true }).fill(password);
    await this.registerForm.getByRole('button', { name: 'Create account' }).click();
  }

  async login(username: string, password: string): Promise<void> {
    await this.waitForStep('account');
    if (await this.registerForm.isVisible()) {
      await this.page.getByRole('button', { name: 'Log in', exact: true }).click();
    }
    await this.loginForm.getByLabel('Username', { exact: true }).fill(username);
    await this.loginForm.getByLabel('Password', { exact: true }).fill(password);
    await this.loginForm.getByRole('button', { name: 'Log in', exact: true }).click();
  }

  async sendCodeTo(phone: string): Promise<void> {
    await this.waitForStep('phone');
    await this.page.getByLabel('Mobile number', { exact: true }).fill(phone);
    await this.page.getByRole('button', { name: 'Send code' }).click();
  }

  async enterCode(code: string): Promise<void> {
    await this.waitForStep('code');
    await this.codeInput.fill(code);
    await this.page.getByRole('button', { name: 'Verify' }).click();
  }

  get codeInput(): Locator {
    return this.page.getByLabel('Code from the SMS', { exact: true });
  }

  get resendButton(): Locator {
    return this.page.locator('#resend');
  }

  /** The visible error summary of the step on screen (role="alert"). */
  alert(step: StepName): Locator {
    return this.step(step).locator('[role="alert"]:visible');
  }

  /** The message under a field, found through the input's aria-describedby. */
  async fieldError(input: Locator): Promise<string> {
    const ids = (await input.getAttribute('aria-describedby')) ?? '';
    const errorId = ids.split(/\s+/).find((id) => id.endsWith('-error'));
    if (!errorId) throw new Error('the input has no error message attached');
    const note = this.page.locator(`#${errorId}`);
    await note.waitFor({ state: 'visible' });
    return (await note.textContent())?.trim() ?? '';
  }

  /** The id of the focused element (focus moves to the first field of each new step). */
  focusedId(): Promise<string> {
    return inPage(this.page, `document.activeElement?.id ?? ''`);
  }

  /**
   * Waits for the text to appear anywhere in the locator, as written, then returns its whole
   * text. Playwright's `hasText` matches a string in any case: "Welcome" matched the
   * placeholder "Loading your welcome…", and a test read the placeholder.
   */
  async textOnceShown(locator: Locator, text: string | RegExp): Promise<string> {
    const asWritten =
      typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text;
    await locator.filter({ hasText: asWritten }).first().waitFor({ state: 'visible' });
    return (await locator.first().innerText()).trim();
  }

  /** Inputs a screen reader could not name: every input must have a <label>. */
  unlabelledInputs(): Promise<string[]> {
    return inPage(
      this.page,
      `[...document.querySelectorAll('input')]
        .filter((input) => (input.labels?.length ?? 0) === 0)
        .map((input) => input.id || input.name)`,
    );
  }

  /** How many pixels the page is wider than the viewport (0: no sideways scrolling). */
  horizontalOverflow(): Promise<number> {
    return inPage(
      this.page,
      `document.documentElement.scrollWidth - document.documentElement.clientWidth`,
    );
  }

  /** The session the page keeps, read from the tab's storage. */
  storedSession(): Promise<{ session: string | null; localStorageKeys: number }> {
    return inPage(
      this.page,
      `({ session: sessionStorage.getItem('phone-verify.session'), localStorageKeys: localStorage.length })`,
    );
  }
}
