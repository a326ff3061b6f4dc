import { ApiError } from '../api-client.js';
import type { Verification } from '../api-client.js';
import { ButtonCountdown } from '../countdown.js';
import { describeFailure, endedTheSession } from '../error-messages.js';
import { byId, checkFields, Feedback, whileBusy } from '../form-ui.js';
import { formatPhoneForDisplay } from '../phone-format.js';
import { receiveSmsCode } from '../web-otp.js';
import type { Flow } from './flow.js';

/** Errors after which this code can never work: only a new code (or another number) helps. */
const CODE_IS_DEAD = new Set([
  'TOO_MANY_ATTEMPTS',
  'VERIFICATION_EXPIRED',
  'VERIFICATION_NOT_FOUND',
  'PHONE_IN_USE',
]);

/** Step 3: the code from the SMS; resend with a countdown; WebOTP where the browser has it. */
export class CodeStep {
  private readonly form = byId('code-form', HTMLFormElement);
  private readonly input = byId('code', HTMLInputElement);
  private readonly verifyButton = byId('verify', HTMLButtonElement);
  private readonly resendButton = byId('resend', HTMLButtonElement);
  private readonly status = byId('code-status', HTMLElement);
  private readonly feedback: Feedback;
  private readonly countdown: ButtonCountdown;
  private verification: Verification | undefined;
  private signal: AbortSignal = AbortSignal.abort();

  constructor(private readonly flow: Flow) {
    this.feedback = new Feedback(flow.i18n, byId('step-code', HTMLElement));
    this.countdown = new ButtonCountdown(
      flow.i18n,
      this.resendButton,
      (m) => m.code.resend,
      (clock) => (m) => m.code.resendIn(clock),
      () => flow.i18n.text(this.status, (m) => m.code.resendReady),
    );
    flow.i18n.template(byId('code-lead', HTMLElement), (m) => m.code.lead(flow.codeLength), {
      phone: byId('code-phone', HTMLElement),
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.check();
    });
    this.resendButton.addEventListener('click', () => void this.resend());
    byId('use-another-number', HTMLButtonElement).addEventListener(
      'click',
      () => void this.useAnotherNumber(),
    );
  }

  enter(verification: Verification): void {
    this.verification = verification;
    byId('code-phone', HTMLElement).textContent = formatPhoneForDisplay(verification.phone);
    this.feedback.clear();
    this.flow.i18n.text(this.status, undefined);
    this.acceptCodes(true);
    this.signal = this.flow.view.show('code');
    this.startCountdown(verification.resendAvailableAt);
    void this.fillFromSms(this.signal);
  }

  /** WebOTP: the browser reads the SMS, we fill the code in and submit it for the person. */
  private async fillFromSms(signal: AbortSignal): Promise<void> {
    const code = await receiveSmsCode(signal);
    if (code === undefined || signal.aborted || this.input.disabled) return;
    this.input.value = code;
    this.form.requestSubmit();
  }

  private async check(): Promise<void> {
    const verification = this.verification;
    if (!verification || this.verifyButton.disabled) return;
    this.feedback.clear();
    const invalid = checkFields(this.form, this.flow.codeLength);
    if (invalid) return this.feedback.show(invalid);
    await whileBusy(this.flow.i18n, this.verifyButton, async () => {
      try {
        // As typed: the server reads Devanagari digits (the input's pattern lets them through).
        await this.flow.api.checkCode(verification.phone, this.input.value.trim());
        this.flow.session.rememberPendingVerification(undefined);
        await this.flow.toVerified(await this.flow.api.me());
      } catch (error) {
        this.showCheckFailure(error);
      }
    });
    // whileBusy re-enabled the button; a dead code keeps it off.
    if (this.input.disabled) this.verifyButton.disabled = true;
  }

  private showCheckFailure(error: unknown): void {
    if (endedTheSession(error)) return;
    this.feedback.show(describeFailure(error, this.flow.codeLength));
    if (!(error instanceof ApiError)) return;
    const outOfAttempts = error.code === 'INVALID_CODE' && error.attemptsLeft === 0;
    if (CODE_IS_DEAD.has(error.code) || outOfAttempts) {
      this.acceptCodes(false);
      // Only a new code helps now; the resend cooldown still runs (the server may say how long).
      if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 0) {
        this.startCountdown(new Date(Date.now() + error.retryAfterSeconds * 1000).toISOString());
      }
      if (this.resendButton.disabled) byId('code-heading', HTMLElement).focus();
      else this.resendButton.focus();
    } else if (error.code === 'INVALID_CODE') {
      this.input.select();
    }
  }

  private async resend(): Promise<void> {
    const verification = this.verification;
    if (!verification) return;
    this.feedback.clear();
    this.flow.i18n.text(this.status, undefined);
    let wait: string | null | undefined;
    await whileBusy(this.flow.i18n, this.resendButton, async () => {
      try {
        const next = await this.flow.api.startVerification(
          verification.phone,
          this.flow.i18n.language,
        );
        this.verification = next;
        this.flow.session.rememberPendingVerification(next.id);
        this.acceptCodes(true);
        this.input.value = '';
        const phone = formatPhoneForDisplay(next.phone);
        this.flow.i18n.text(this.status, (m) => m.code.newCodeSent(phone));
        wait = next.resendAvailableAt;
      } catch (error) {
        if (endedTheSession(error)) return;
        this.feedback.show(describeFailure(error, this.flow.codeLength));
        // Over a limit: the server's Retry-After is the truth, whatever this device's clock says.
        if (error instanceof ApiError && error.retryAfterSeconds !== undefined) {
          wait = new Date(Date.now() + error.retryAfterSeconds * 1000).toISOString();
        }
      }
    });
    // After whileBusy, which re-enables the button: the countdown may disable it again.
    if (wait !== undefined) this.startCountdown(wait);
    if (!this.input.disabled && this.flow.view.step === 'code') this.input.focus();
  }

  private async useAnotherNumber(): Promise<void> {
    const id = this.verification?.id;
    this.verification = undefined;
    this.flow.session.rememberPendingVerification(undefined);
    this.flow.toPhone();
    // Cancel the abandoned verification so its code stops working; not worth an error if it fails.
    if (id) await this.flow.api.cancelVerification(id).catch(() => undefined);
  }

  private startCountdown(resendAvailableAt: string | null): void {
    const deadline = resendAvailableAt ? Date.parse(resendAvailableAt) : Number.NaN;
    if (Number.isNaN(deadline)) this.countdown.ready();
    else this.countdown.until(deadline, this.signal);
  }

  private acceptCodes(accept: boolean): void {
    this.input.disabled = !accept;
    this.verifyButton.disabled = !accept;
  }
}
