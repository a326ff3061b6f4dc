import { canonicalIp, clientNetwork, ipLimitSubject, MAX_ADDRESS_TEXT } from './ip-keys';

describe('canonicalIp', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(canonicalIp('203.0.113.7')).toBe('203.0.113.7');
  });

  it('writes every spelling of one IPv6 address as RFC 5952 does', () => {
    for (const spelling of [
      '2001:db8::1',
      '2001:DB8:0:0::1',
      '2001:0db8:0000:0000:0000:0000:0000:0001',
      '2001:db8:0:0:0:0:0:1',
    ]) {
      expect(canonicalIp(spelling)).toBe('2001:db8::1');
    }
    // the longest run of zeros is the one shortened, the first of two equal runs; never one zero
    expect(canonicalIp('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
    expect(canonicalIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(canonicalIp('::')).toBe('::');
    expect(canonicalIp('::1')).toBe('::1');
  });

  it('turns an IPv4-mapped IPv6 address into the IPv4 address (a dual-stack socket’s IPv4 peer)', () => {
    expect(canonicalIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('::FFFF:c000:0201')).toBe('192.0.2.1');
    // other embeddings are IPv6 addresses of their own
    expect(canonicalIp('64:ff9b::192.0.2.33')).toBe('64:ff9b::c000:221');
    // IPv4-compatible (`::a.b.c.d`, no ffff), which ipaddr.js alone would read as mapped
    expect(canonicalIp('::192.0.2.1')).toBe('::c000:201');
    expect(canonicalIp('::0.0.0.0')).toBe('::');
    expect(ipLimitSubject('::0.0.0.0')).toBe('::/64');
  });

  it('drops a zone id', () => {
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
    expect(canonicalIp('FE80::0:1%25')).toBe('fe80::1');
  });

  it.each([
    ['', 'empty'],
    ['unknown', 'a word'],
    ['127.1', 'a shortened IPv4 address'],
    ['0x7f.0.0.1', 'a hex part'],
    ['010.0.0.1', 'a leading zero (octal to some parsers)'],
    ['256.1.1.1', 'a part over 255'],
    ['203.0.113.9:4711', 'an address with a port'],
    ['[2001:db8::1]', 'a bracketed IPv6 address'],
    ['2001:db8::1/64', 'a network'],
    ['1.2.3.4%eth0', 'a zone id on IPv4'],
    [' 1.2.3.4', 'surrounding space'],
    [`fe80::1%${'a'.repeat(MAX_ADDRESS_TEXT)}`, 'over 64 characters'],
  ])('refuses %j (%s)', (text) => {
    expect(canonicalIp(text)).toBeUndefined();
  });
});

describe('ipLimitSubject', () => {
  it('counts an IPv4 address as itself', () => {
    expect(ipLimitSubject('203.0.113.7')).toBe('203.0.113.7');
    expect(ipLimitSubject('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    const subject = '2001:db8:0:12::/64';
    expect(ipLimitSubject('2001:db8:0:12::1')).toBe(subject);
    expect(ipLimitSubject('2001:0db8:0000:0012:ffff:ffff:ffff:ffff')).toBe(subject);
    expect(ipLimitSubject('2001:DB8::12:0:0:0:5')).toBe(subject);
    expect(ipLimitSubject('2001:db8:0:13::1')).toBe('2001:db8:0:13::/64');
    expect(ipLimitSubject('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
  });

  it('puts short forms, zone ids and embedded IPv4 in their /64 too', () => {
    expect(ipLimitSubject('::1')).toBe('::/64');
    expect(ipLimitSubject('fe80::1%eth0')).toBe('fe80::/64');
    expect(ipLimitSubject('64:ff9b::192.0.2.33')).toBe('64:ff9b::/64');
  });

  it('gives 40 addresses of one /64 one subject, and the next /64 another', () => {
    const subjects = new Set(
      Array.from({ length: 40 }, (_, i) =>
        ipLimitSubject(`2001:db8:aa:bb:${i.toString(16)}::${i}`),
      ),
    );
    expect([...subjects]).toEqual(['2001:db8:aa:bb::/64']);
    expect(ipLimitSubject('2001:db8:aa:bc::1')).not.toBe('2001:db8:aa:bb::/64');
  });

  it('passes anything else through (the unknown peer)', () => {
    expect(ipLimitSubject('unknown')).toBe('unknown');
  });
});

describe('clientNetwork', () => {
  it('is the /24 of an IPv4 address', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.0/24');
    expect(clientNetwork('::ffff:203.0.113.200')).toBe('203.0.113.0/24');
  });

  it('is the /48 of an IPv6 address, in canonical form', () => {
    expect(clientNetwork('2001:db8:1:ffff::1')).toBe('2001:db8:1::/48');
    expect(clientNetwork('2001:DB8:0001:0002:0:0:0:1')).toBe('2001:db8:1::/48');
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8::/48');
  });

  it('passes anything else through', () => {
    expect(clientNetwork('unknown')).toBe('unknown');
  });
});
