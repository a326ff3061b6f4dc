import type { ApiClient } from '../api-client.js';
import type { User, Verification } from '../api-client.js';
import type { HumanError } from '../error-messages.js';
import type { Text } from '../i18n/catalogue.js';
import type { Localizer } from '../i18n/localizer.js';
import type { Session } from '../session.js';
import type { StepView } from './step-view.js';

/** What every step may use: the API, the session, the language, and the moves to the other steps. */
export interface Flow {
  readonly i18n: Localizer;
  readonly api: ApiClient;
  readonly session: Session;
  readonly view: StepView;
  /** OTP_LENGTH, as the server filled it into the page. */
  readonly codeLength: number;
  /** The signed-in user, as last read. */
  readonly user: User | undefined;

  /** After register or login: the phone step, or straight to the verified screen. */
  signedIn(user?: User): Promise<void>;
  toAccount(mode: 'register' | 'login', notice?: Text, error?: HumanError): void;
  toPhone(error?: HumanError): void;
  toCode(verification: Verification): void;
  toVerified(user: User): Promise<void>;
  logout(): Promise<void>;
}
