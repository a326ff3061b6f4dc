import { rateLimitSubject } from './client-subject';

describe('rateLimitSubject', () => {
  it('counts an IPv4 address as itself', () => {
    expect(rateLimitSubject('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    const subject = '2001:db8:0:12::/64';
    expect(rateLimitSubject('2001:db8:0:12::1')).toBe(subject);
    expect(rateLimitSubject('2001:0db8:0000:0012:ffff:ffff:ffff:ffff')).toBe(subject);
    expect(rateLimitSubject('2001:db8::12:0:0:0:5')).toBe(subject);
    expect(rateLimitSubject('2001:db8:0:13::1')).toBe('2001:db8:0:13::/64');
  });

  it('expands short and embedded-IPv4 forms', () => {
    expect(rateLimitSubject('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitSubject('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitSubject('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('passes anything else through (the unknown peer)', () => {
    expect(rateLimitSubject('unknown')).toBe('unknown');
  });
});
