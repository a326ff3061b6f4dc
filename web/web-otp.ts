// The WebOTP API is not in TypeScript's DOM library yet.
declare global {
  interface CredentialRequestOptions {
    otp?: { transport: 'sms'[] };
  }
}

/**
 * Asks the browser for the code of the SMS it is waiting for (WebOTP: the SMS ends with
 * `@<our domain> #123456`). Resolves with the code, or undefined when the browser has no WebOTP,
 * the person declines, or `signal` aborts because they left the step.
 */
export async function receiveSmsCode(signal: AbortSignal): Promise<string | undefined> {
  if (!('OTPCredential' in window) || !navigator.credentials) return undefined;
  try {
    const credential = await navigator.credentials.get({ otp: { transport: ['sms'] }, signal });
    if (signal.aborted) return undefined;
    const code: unknown = credential && 'code' in credential ? credential.code : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined; // AbortError on leaving the step, NotAllowedError when declined, …
  }
}
