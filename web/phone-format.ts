/**
 * `+9779812345678` → `+977 981-234-5678`; anything else unchanged. The same rule as the server's
 * formatPhoneForDisplay (a test holds the two together): the page cannot import server code.
 */
export function formatPhoneForDisplay(e164: string): string {
  const match = /^\+977(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return match ? `+977 ${match[1]}-${match[2]}-${match[3]}` : e164;
}
