/** `+9779812345678` → `+97798XXXX5678`: enough to tell numbers apart in logs, not to dial them. */
export function maskPhone(e164: string): string {
  if (e164.length < 10) return 'X'.repeat(e164.length);
  const head = e164.slice(0, 6);
  const tail = e164.slice(-4);
  return head + 'X'.repeat(e164.length - head.length - tail.length) + tail;
}
