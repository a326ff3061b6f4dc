import type { TokenPair } from './api-client.js';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** What a reload of the tab must not lose: the tokens, and the verification waiting for a code. */
interface StoredSession {
  tokens?: Tokens;
  pendingVerificationId?: string;
}

const STORAGE_KEY = 'phone-verify.session';

/**
 * The signed-in session. Kept in sessionStorage, never localStorage: it survives a reload of
 * this tab but ends with the tab, and no other tab or later visit can pick the tokens up.
 */
export class Session {
  private state: StoredSession;

  constructor(private readonly storage: Storage | undefined = safeSessionStorage()) {
    this.state = this.read();
  }

  get tokens(): Tokens | undefined {
    return this.state.tokens;
  }

  get pendingVerificationId(): string | undefined {
    return this.state.pendingVerificationId;
  }

  signIn(pair: TokenPair): void {
    this.state = { tokens: { accessToken: pair.accessToken, refreshToken: pair.refreshToken } };
    this.write();
  }

  replaceTokens(pair: TokenPair): void {
    this.state = {
      ...this.state,
      tokens: { accessToken: pair.accessToken, refreshToken: pair.refreshToken },
    };
    this.write();
  }

  rememberPendingVerification(id: string | undefined): void {
    this.state = { ...this.state, pendingVerificationId: id };
    this.write();
  }

  clear(): void {
    this.state = {};
    this.storage?.removeItem(STORAGE_KEY);
  }

  private read(): StoredSession {
    try {
      const raw = this.storage?.getItem(STORAGE_KEY);
      return raw ? (JSON.parse(raw) as StoredSession) : {};
    } catch {
      return {};
    }
  }

  private write(): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.state));
    } catch {
      // Storage full or blocked: the session still lives in memory for this page.
    }
  }
}

/** sessionStorage, or undefined where the browser blocks it (the session then lives in memory). */
function safeSessionStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
