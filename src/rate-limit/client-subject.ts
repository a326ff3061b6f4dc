import { isIPv6 } from 'node:net';

/**
 * Whom a per-IP limit counts: the IPv4 address, or the /64 network of an IPv6 address (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would not limit anyone).
 */
export function rateLimitSubject(clientIp: string): string {
  if (!isIPv6(clientIp)) return clientIp;
  return `${expandIPv6(clientIp).slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address, without leading zeros (`::` expanded). */
function expandIPv6(address: string): string[] {
  const withoutZone = address.split('%')[0].toLowerCase();
  const [head, tail] = withoutZone.includes('::') ? withoutZone.split('::') : [withoutZone, ''];
  const parts = (text: string) => (text === '' ? [] : text.split(':'));
  const left = parts(head);
  const right = parts(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4 style) is two hextets; the /64 never reaches it.
  const rightHextets = right.flatMap((part) => (part.includes('.') ? ['0', '0'] : [part]));
  const missing = 8 - left.length - rightHextets.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...rightHextets].map(
    (hextet) => hextet.replace(/^0+(?=.)/, ''),
  );
}
