import proxyaddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';
import { canonicalIp } from './ip-keys';

/**
 * Who may tell us the client's address through X-Forwarded-For (`TRUST_PROXY`):
 * - `hops`: that many reverse proxies in front of the service each append the peer they saw, so
 *   the client is the hops-th entry from the right (0: the header is never read);
 * - `proxies`: the proxies' addresses or CIDRs; the chain is walked from the right while each
 *   address is one of them, and only a request whose peer is one may set the client IP at all.
 */
export type TrustProxy = { readonly hops: number } | { readonly proxies: readonly string[] };

const HOPS = /^(true|false|\d{1,2})$/i;

/** `TRUST_PROXY` as written: `false`, `true` (one hop), a hop count, or a list of addresses/CIDRs. */
export function parseTrustProxy(value: string): { trust: TrustProxy } | { problem: string } {
  const text = value.trim();
  if (HOPS.test(text)) {
    const lowered = text.toLowerCase();
    const hops = lowered === 'true' ? 1 : lowered === 'false' ? 0 : Number(lowered);
    return { trust: { hops } };
  }
  const proxies = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const invalid = proxies.filter((entry) => !isProxyEntry(entry));
  if (proxies.length === 0 || invalid.length > 0) {
    return {
      problem:
        'must be false, a number of proxy hops, or a comma-separated list of proxy addresses or CIDRs' +
        (invalid.length > 0 ? ` (not an address or CIDR: ${invalid.join(', ')})` : ''),
    };
  }
  return { trust: { proxies } };
}

/** An address, a CIDR (`10.0.0.0/8`, `2001:db8::/32`) or one of proxy-addr's names (`loopback` …). */
function isProxyEntry(entry: string): boolean {
  try {
    proxyaddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

/** The canonical client IP of a request (see ip-keys.ts); `unknown` when the socket has no peer. */
export type ClientIpResolver = (request: IncomingMessage) => string;

/**
 * Compiles `trust` once. The chain (peer first) comes from proxy-addr, the walk Express and
 * Fastify use; its last entry is the client. An entry that is not an address (garbage, a port, a
 * zone id too long to be one) is never the client: the nearest trusted address stands in for it.
 */
export function clientIpResolver(trust: TrustProxy): ClientIpResolver {
  const trusts =
    'hops' in trust
      ? trust.hops > 0
        ? (_address: string, hop: number) => hop < trust.hops
        : undefined
      : proxyaddr.compile([...trust.proxies]);
  return (request) => {
    const peer = request.socket.remoteAddress;
    if (peer === undefined) return 'unknown'; // the socket is gone: nobody to trust
    if (!trusts || request.headers['x-forwarded-for'] === undefined) {
      return canonicalIp(peer) ?? 'unknown';
    }
    const chain = proxyaddr.all(request, trusts);
    for (let i = chain.length - 1; i >= 0; i--) {
      const address = canonicalIp(chain[i]);
      if (address !== undefined) return address;
    }
    return 'unknown';
  };
}
