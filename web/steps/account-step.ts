import { endedTheSession, describeFailure } from '../error-messages.js';
import { byId, checkFields, Feedback, whileBusy } from '../form-ui.js';
import type { HumanError } from '../error-messages.js';
import type { Text } from '../i18n/catalogue.js';
import type { Flow } from './flow.js';

/** Step 1: create an account, or log in to one. */
export class AccountStep {
  private readonly registerForm = byId('register-form', HTMLFormElement);
  private readonly loginForm = byId('login-form', HTMLFormElement);
  private readonly notice = byId('account-notice', HTMLElement);
  private readonly registerFeedback: Feedback;
  private readonly loginFeedback: Feedback;

  constructor(private readonly flow: Flow) {
    this.registerFeedback = new Feedback(flow.i18n, this.registerForm);
    this.loginFeedback = new Feedback(flow.i18n, this.loginForm);
    this.registerForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.register();
    });
    this.loginForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.login();
    });
    byId('show-login', HTMLButtonElement).addEventListener('click', () => this.showForm('login'));
    byId('show-register', HTMLButtonElement).addEventListener('click', () =>
      this.showForm('register'),
    );
  }

  enter(mode: 'register' | 'login', notice?: Text, error?: HumanError): void {
    this.registerForm.reset();
    this.loginForm.reset();
    this.registerFeedback.clear();
    this.loginFeedback.clear();
    this.setForm(mode);
    this.flow.view.show('account');
    this.flow.i18n.text(this.notice, notice);
    if (error) this.feedbackFor(mode).show(error);
  }

  private showForm(mode: 'register' | 'login'): void {
    this.flow.i18n.text(this.notice, undefined);
    this.setForm(mode);
    this.flow.view.focusFirstField(mode === 'login' ? this.loginForm : this.registerForm);
  }

  private setForm(mode: 'register' | 'login'): void {
    this.registerForm.hidden = mode !== 'register';
    this.loginForm.hidden = mode !== 'login';
  }

  private feedbackFor(mode: 'register' | 'login'): Feedback {
    return mode === 'login' ? this.loginFeedback : this.registerFeedback;
  }

  private async register(): Promise<void> {
    await this.submit(this.registerForm, this.registerFeedback, async (username, password) => {
      const registered = await this.flow.api.register(username, password);
      this.flow.session.signIn(registered);
      await this.flow.signedIn(registered.user);
    });
  }

  private async login(): Promise<void> {
    await this.submit(this.loginForm, this.loginFeedback, async (username, password) => {
      this.flow.session.signIn(await this.flow.api.login(username, password));
      await this.flow.signedIn();
    });
  }

  private async submit(
    form: HTMLFormElement,
    feedback: Feedback,
    send: (username: string, password: string) => Promise<void>,
  ): Promise<void> {
    feedback.clear();
    this.flow.i18n.text(this.notice, undefined);
    const invalid = checkFields(form, this.flow.codeLength);
    if (invalid) return feedback.show(invalid);
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (!button) return;
    await whileBusy(this.flow.i18n, button, async () => {
      try {
        await send(fieldValue(form, 'username'), fieldValue(form, 'password'));
      } catch (error) {
        if (!endedTheSession(error)) feedback.show(describeFailure(error, this.flow.codeLength));
      }
    });
  }
}

function fieldValue(form: HTMLFormElement, name: string): string {
  const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  return input?.value ?? '';
}
