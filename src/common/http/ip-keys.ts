import ipaddr from 'ipaddr.js';
import { isIPv4, isIPv6 } from 'node:net';

/*
 * The keys every per-IP rule counts by. One address has many spellings (`2001:db8::1`,
 * `2001:DB8:0:0::1`, `::ffff:192.0.2.1` for an IPv4 client of a dual-stack socket), and one IPv6
 * subscriber usually holds a whole /64: a limit keyed on the text as received limits nobody.
 */

/**
 * Longest text taken for an address: 45 characters is the longest IPv6 text (an embedded IPv4
 * tail), the rest leaves room for a zone id such as `%eth0`. Anything longer is not an address.
 */
export const MAX_ADDRESS_TEXT = 64;

const IPV4_COMPATIBLE = /^::\d+\.\d+\.\d+\.\d+$/;

/**
 * The one text of an IP address: IPv4 dotted decimal; IPv6 as RFC 5952 writes it (lower case,
 * longest zero run as `::`), without a zone id; an IPv4-mapped IPv6 address as its IPv4 address.
 * `undefined` when `text` is not an address: IPv4 must be four decimal parts (no `127.1`, no
 * octal or hex parts), and nothing over MAX_ADDRESS_TEXT characters is read.
 */
export function canonicalIp(text: string): string | undefined {
  if (text.length > MAX_ADDRESS_TEXT) return undefined;
  if (isIPv4(text)) return text; // node:net accepts only the dotted-decimal form, already canonical
  const zone = text.indexOf('%');
  const address = zone === -1 ? text : text.slice(0, zone);
  if (!isIPv6(address)) return undefined;
  // ipaddr.js reads `::a.b.c.d` as IPv4-mapped; it is IPv4-compatible (RFC 4291 2.5.5.1), an
  // IPv6 address, as PostgreSQL's inet reads it (the upgrade trigger derives the same keys)
  const spelled = IPV4_COMPATIBLE.test(address) ? `0:0:0:0:0:0:${address.slice(2)}` : address;
  const parsed = ipaddr.IPv6.parse(spelled);
  return parsed.isIPv4MappedAddress()
    ? parsed.toIPv4Address().toString()
    : parsed.toRFC5952String();
}

/**
 * Whom a per-IP limit counts (sends per IP, the login throttle, the auth rate limit): an IPv4
 * address, or the /64 of an IPv6 address as `2001:db8:0:12::/64`. Anything that is not an
 * address (`unknown`, the peer of a closed socket) is its own subject.
 */
export function ipLimitSubject(clientIp: string): string {
  return prefixOf(clientIp, 32, 64);
}

/**
 * The client network of the fraud guard: an IPv4 /24 (`203.0.113.0/24`) or an IPv6 /48
 * (`2001:db8:1::/48`), the blocks one customer of an ISP or one small site usually holds.
 */
export function clientNetwork(clientIp: string): string {
  return prefixOf(clientIp, 24, 48);
}

function prefixOf(clientIp: string, ipv4Bits: number, ipv6Bits: number): string {
  const canonical = canonicalIp(clientIp);
  if (canonical === undefined) return clientIp;
  if (isIPv4(canonical)) {
    if (ipv4Bits === 32) return canonical;
    return `${ipaddr.IPv4.networkAddressFromCIDR(`${canonical}/${ipv4Bits}`).toString()}/${ipv4Bits}`;
  }
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${canonical}/${ipv6Bits}`);
  return `${network.toRFC5952String()}/${ipv6Bits}`;
}
