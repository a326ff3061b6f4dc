import { ApiError } from '../api-client.js';
import type { User } from '../api-client.js';
import { describeFailure, endedTheSession, describeError } from '../error-messages.js';
import { byId, Feedback } from '../form-ui.js';
import { serverText } from '../i18n/catalogue.js';
import { formatPhoneForDisplay } from '../phone-format.js';
import type { Flow } from './flow.js';

/** Step 4: through the wall. Shows what GET /v1/members/welcome, a wall-guarded route, says. */
export class VerifiedStep {
  private readonly section = byId('step-verified', HTMLElement);
  private readonly feedback: Feedback;
  private readonly welcome = byId('welcome', HTMLElement);
  private readonly welcomeMessage = byId('welcome-message', HTMLElement);

  constructor(private readonly flow: Flow) {
    this.feedback = new Feedback(flow.i18n, this.section);
    byId('verify-another-number', HTMLButtonElement).addEventListener('click', () =>
      this.flow.toPhone(),
    );
  }

  async enter(user: User): Promise<void> {
    byId('verified-phone', HTMLElement).textContent = formatPhoneForDisplay(user.phoneNumber ?? '');
    byId('verified-username', HTMLElement).textContent = user.username;
    this.feedback.clear();
    this.welcome.hidden = false;
    this.welcome.setAttribute('aria-busy', 'true');
    this.flow.i18n.text(this.welcomeMessage, (m) => m.verified.loadingWelcome);
    this.flow.view.show('verified');
    try {
      const { message } = await this.flow.api.welcome();
      // The route speaks English; on a Nepali page the page says the same in its own words.
      this.flow.i18n.text(
        this.welcomeMessage,
        serverText(message, (m) => m.verified.welcome),
      );
    } catch (error) {
      this.welcome.hidden = true;
      if (endedTheSession(error)) return;
      if (error instanceof ApiError && error.code === 'PHONE_NOT_VERIFIED') {
        // The number was unlinked meanwhile (elsewhere): back through the wall's door.
        this.flow.toPhone(describeError(error, this.flow.codeLength));
        return;
      }
      this.feedback.show(describeFailure(error, this.flow.codeLength));
    } finally {
      this.welcome.setAttribute('aria-busy', 'false');
    }
  }
}
