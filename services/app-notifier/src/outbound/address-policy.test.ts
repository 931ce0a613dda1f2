import { refusalReason } from './address-policy.js';

const strict = { allowLoopback: false, allowPrivate: false };
const open = { allowLoopback: true, allowPrivate: true };

describe('refusalReason', () => {
  it('allows public addresses', () => {
    expect(refusalReason('93.184.216.34', strict)).toBeUndefined();
    expect(refusalReason('2606:2800:220:1:248:1893:25c8:1946', strict)).toBeUndefined();
  });

  it('refuses loopback unless allowed', () => {
    expect(refusalReason('127.0.0.1', strict)).toBe('127.0.0.1 is a loopback address');
    expect(refusalReason('127.8.9.10', strict)).toBe('127.8.9.10 is a loopback address');
    expect(refusalReason('::1', strict)).toBe('::1 is a loopback address');
    expect(refusalReason('::ffff:127.0.0.1', strict)).toBe('::ffff:127.0.0.1 is a loopback address');
    expect(refusalReason('127.0.0.1', open)).toBeUndefined();
  });

  it('refuses private ranges unless allowed', () => {
    for (const address of ['10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '100.64.0.1', 'fd12::1']) {
      expect(refusalReason(address, strict)).toBe(`${address} is a private address`);
      expect(refusalReason(address, open)).toBeUndefined();
    }
    expect(refusalReason('172.32.0.1', strict)).toBeUndefined();
  });

  it('always refuses metadata, link-local, unspecified and multicast addresses', () => {
    expect(refusalReason('169.254.169.254', open)).toBe('169.254.169.254 is a metadata address');
    expect(refusalReason('fd00:ec2::254', open)).toBe('fd00:ec2::254 is a metadata address');
    expect(refusalReason('::ffff:169.254.169.254', open)).toBe('::ffff:169.254.169.254 is a metadata address');
    expect(refusalReason('169.254.1.1', open)).toBe('169.254.1.1 is a link-local address');
    expect(refusalReason('fe80::1', open)).toBe('fe80::1 is a link-local address');
    expect(refusalReason('0.0.0.0', open)).toBe('0.0.0.0 is an unspecified address');
    expect(refusalReason('::', open)).toBe(':: is an unspecified address');
    expect(refusalReason('224.0.0.1', open)).toBe('224.0.0.1 is a reserved address');
  });

  it('names something that is not an IP address', () => {
    expect(refusalReason('example.com', open)).toBe('example.com is not an IP address');
  });
});
