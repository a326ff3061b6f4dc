import { ApiError } from '../api-client.js';
import { describeFailure, endedTheSession, type HumanError } from '../error-messages.js';
import { byId, checkFields, Feedback, whileBusy } from '../form-ui.js';
import type { Flow } from './flow.js';

/** Step 2: the mobile number; sends the first code. */
export class PhoneStep {
  private readonly form = byId('phone-form', HTMLFormElement);
  private readonly input = byId('phone', HTMLInputElement);
  private readonly backToVerified = byId('back-to-verified', HTMLButtonElement);
  private readonly feedback: Feedback;

  constructor(private readonly flow: Flow) {
    this.feedback = new Feedback(flow.i18n, this.form);
    flow.i18n.text(byId('phone-lead', HTMLElement), (m) => m.phone.lead(flow.codeLength));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.backToVerified.addEventListener('click', () => {
      const user = this.flow.user;
      if (user) void this.flow.toVerified(user);
    });
  }

  enter(error?: HumanError): void {
    this.feedback.clear();
    // Someone with a verified number may verify another one (it replaces the first) or go back.
    this.backToVerified.hidden = !this.flow.user?.phoneVerified;
    this.flow.view.show('phone');
    if (error) this.feedback.show(error);
  }

  private async send(): Promise<void> {
    this.feedback.clear();
    const invalid = checkFields(this.form, this.flow.codeLength);
    if (invalid) return this.feedback.show(invalid);
    const button = this.form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (!button) return;
    await whileBusy(this.flow.i18n, button, async () => {
      try {
        // Typed as it is (Devanagari digits too: the server reads them); the SMS in our language.
        const verification = await this.flow.api.startVerification(
          this.input.value,
          this.flow.i18n.language,
        );
        this.flow.session.rememberPendingVerification(verification.id);
        this.flow.toCode(verification);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'PHONE_ALREADY_VERIFIED') {
          // Nothing to do: it is already this account's number.
          await this.flow.toVerified(await this.flow.api.me());
          return;
        }
        if (!endedTheSession(error))
          this.feedback.show(describeFailure(error, this.flow.codeLength));
      }
    });
  }
}
