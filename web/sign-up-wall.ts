import { ApiClient, ApiError } from './api-client.js';
import type { User, Verification } from './api-client.js';
import { describeFailure, type HumanError } from './error-messages.js';
import { byId, whileBusy } from './form-ui.js';
import type { Text } from './i18n/catalogue.js';
import type { Localizer } from './i18n/localizer.js';
import { Session } from './session.js';
import { AccountStep } from './steps/account-step.js';
import { CodeStep } from './steps/code-step.js';
import type { Flow } from './steps/flow.js';
import { PhoneStep } from './steps/phone-step.js';
import { StepView } from './steps/step-view.js';
import { VerifiedStep } from './steps/verified-step.js';

/** The whole page: which step shows, and the moves between them. */
export class SignUpWall implements Flow {
  readonly session = new Session();
  readonly api = new ApiClient(this.session, () => this.sessionEnded());
  readonly view = new StepView();
  readonly codeLength: number;
  user: User | undefined;

  private readonly account: AccountStep;
  private readonly phone: PhoneStep;
  private readonly code: CodeStep;
  private readonly verified: VerifiedStep;

  constructor(readonly i18n: Localizer) {
    // The server fills OTP_LENGTH into the code input's maxlength.
    this.codeLength = byId('code', HTMLInputElement).maxLength;
    this.account = new AccountStep(this);
    this.phone = new PhoneStep(this);
    this.code = new CodeStep(this);
    this.verified = new VerifiedStep(this);
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-action="logout"]')) {
      button.addEventListener(
        'click',
        () => void whileBusy(this.i18n, button, () => this.logout()),
      );
    }
  }

  /** Picks up where this tab left off: signed out, mid-verification, or verified. */
  async start(): Promise<void> {
    if (!this.session.tokens) return this.toAccount('register');
    try {
      const user = await this.api.me();
      const resumed = await this.pendingVerification();
      if (resumed && !user.phoneVerified) {
        this.user = user;
        this.toCode(resumed);
      } else {
        await this.signedIn(user);
      }
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'UNAUTHENTICATED')) {
        this.toAccount('login', undefined, describeFailure(error, this.codeLength));
      }
    }
  }

  async signedIn(user?: User): Promise<void> {
    this.user = user ?? (await this.api.me());
    if (this.user.phoneVerified) await this.toVerified(this.user);
    else this.toPhone();
  }

  toAccount(mode: 'register' | 'login', notice?: Text, error?: HumanError): void {
    this.user = undefined;
    this.account.enter(mode, notice, error);
  }

  toPhone(error?: HumanError): void {
    this.phone.enter(error);
  }

  toCode(verification: Verification): void {
    this.code.enter(verification);
  }

  async toVerified(user: User): Promise<void> {
    this.user = user;
    await this.verified.enter(user);
  }

  async logout(): Promise<void> {
    try {
      await this.api.logout();
    } catch {
      // Logging out must always work here, even if the server could not be told.
    }
    this.session.clear();
    this.toAccount('login', (m) => m.account.loggedOut);
  }

  private sessionEnded(): void {
    this.toAccount('login', undefined, {
      message: (m) => m.errors.sessionEnded,
      fields: {},
    });
  }

  /** The verification this tab was waiting on, if it still waits for a code. */
  private async pendingVerification(): Promise<Verification | undefined> {
    const id = this.session.pendingVerificationId;
    if (!id) return undefined;
    try {
      const verification = await this.api.getVerification(id);
      if (verification.status === 'pending') return verification;
    } catch {
      // Gone or not ours any more: start from the phone step.
    }
    this.session.rememberPendingVerification(undefined);
    return undefined;
  }
}
