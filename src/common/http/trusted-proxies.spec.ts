import type { IncomingMessage } from 'node:http';
import { clientIpResolver, parseTrustProxy, TrustProxy } from './trusted-proxies';

/** What the resolver reads of a request: the socket's peer and X-Forwarded-For. */
function requestFrom(peer: string | undefined, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

function trustOf(value: string): TrustProxy {
  const parsed = parseTrustProxy(value);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.trust;
}

const clientIp = (trust: string, peer: string | undefined, forwardedFor?: string) =>
  clientIpResolver(trustOf(trust))(requestFrom(peer, forwardedFor));

describe('parseTrustProxy', () => {
  it('reads false, true and hop counts', () => {
    expect(trustOf('false')).toEqual({ hops: 0 });
    expect(trustOf('0')).toEqual({ hops: 0 });
    expect(trustOf('TRUE')).toEqual({ hops: 1 });
    expect(trustOf('3')).toEqual({ hops: 3 });
  });

  it('reads a list of addresses and CIDRs', () => {
    expect(trustOf(' 10.0.0.0/8 , 2001:db8::/32,192.0.2.1 ')).toEqual({
      proxies: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'],
    });
  });

  it('names what is not an address', () => {
    expect(parseTrustProxy('10.0.0.0/8,proxy.example,10.0.0.0/40')).toEqual({
      problem: expect.stringContaining('(not an address or CIDR: proxy.example, 10.0.0.0/40)'),
    });
  });
});

describe('clientIpResolver with a hop count', () => {
  it('ignores X-Forwarded-For with 0 hops', () => {
    expect(clientIp('false', '192.0.2.1', '203.0.113.5')).toBe('192.0.2.1');
  });

  it('takes the hops-th entry from the right; what the client wrote to its left is ignored', () => {
    expect(clientIp('1', '10.0.0.1', '198.51.100.66, 203.0.113.5')).toBe('203.0.113.5');
    expect(clientIp('2', '10.0.0.1', '198.51.100.66, 203.0.113.5, 10.0.0.2')).toBe('203.0.113.5');
    // fewer entries than hops: the leftmost
    expect(clientIp('3', '10.0.0.1', '203.0.113.5')).toBe('203.0.113.5');
  });

  it('gives the canonical text of the address', () => {
    expect(clientIp('1', '10.0.0.1', '2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(clientIp('1', '10.0.0.1', '::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(clientIp('1', '10.0.0.1', 'fe80::1%eth0')).toBe('fe80::1');
    expect(clientIp('false', '::ffff:192.0.2.1')).toBe('192.0.2.1');
  });

  it.each([
    ['garbage', 'not an address'],
    ['a port', '203.0.113.5:4711'],
    ['a zone id too long to be one', `fe80::1%${'a'.repeat(200)}`],
    ['an empty list', ' , ,'],
    ['a shortened IPv4 address', '127.1'],
  ])('never takes %s for the client: the proxy that passed it on stands in', (_, value) => {
    expect(clientIp('1', '10.0.0.1', value)).toBe('10.0.0.1');
  });

  it('answers unknown when the socket has no peer any more', () => {
    expect(clientIp('1', undefined, '203.0.113.5')).toBe('unknown');
  });
});

describe('clientIpResolver with a list of proxies', () => {
  const proxies = '10.0.0.0/8, 2001:db8:ffff::/48';

  it('ignores X-Forwarded-For from a peer that is not one of the proxies', () => {
    expect(clientIp(proxies, '192.0.2.1', '203.0.113.5')).toBe('192.0.2.1');
    expect(clientIp(proxies, '2001:db8:fffe::1', '203.0.113.5')).toBe('2001:db8:fffe::1');
  });

  it('walks from the right while the addresses are proxies', () => {
    expect(clientIp(proxies, '10.0.0.1', '203.0.113.5')).toBe('203.0.113.5');
    expect(clientIp(proxies, '10.0.0.1', '198.51.100.66, 203.0.113.5, 10.9.9.9')).toBe(
      '203.0.113.5',
    );
    expect(clientIp(proxies, '2001:db8:ffff::7', '2001:DB8:1::5, 10.2.2.2')).toBe('2001:db8:1::5');
    // everything is a proxy: the leftmost
    expect(clientIp(proxies, '10.0.0.1', '10.1.1.1, 10.2.2.2')).toBe('10.1.1.1');
  });

  it('matches an IPv4 peer of a dual-stack socket against IPv4 ranges', () => {
    expect(clientIp(proxies, '::ffff:10.0.0.1', '203.0.113.5')).toBe('203.0.113.5');
  });

  it('never takes garbage or an oversized entry for the client', () => {
    expect(clientIp(proxies, '10.0.0.1', 'not an address')).toBe('10.0.0.1');
    expect(clientIp(proxies, '10.0.0.1', `203.0.113.5, fe80::1%${'a'.repeat(200)}, 10.3.3.3`)).toBe(
      '10.3.3.3',
    );
    expect(clientIp(proxies, '10.0.0.1', 'x'.repeat(10_000))).toBe('10.0.0.1');
  });

  it('trusts nothing a proxy-range address says once an untrusted entry is passed', () => {
    // 203.0.113.5 is not a proxy, so 10.8.8.8 to its left was written by the client
    expect(clientIp(proxies, '10.0.0.1', '10.8.8.8, 203.0.113.5')).toBe('203.0.113.5');
  });
});
