import { hasOrigin, refusalReason, SLACK_FILE_HOST, slackOrigins, urlRefusalReason } from './address-policy.js';

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

describe('refusalReason for addresses that reach IPv4 by translation and for reserved ranges', () => {
  it.each([
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['::127.0.0.1', 'unspecified'],
    ['::a9fe:a9fe', 'unspecified'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.254', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['fec0::1', 'private'],
    ['2001::1', 'reserved'],
  ])('refuses %s as %s', (address, category) => {
    expect(refusalReason(address, strict)).toMatch(new RegExp(`${category} address$`));
  });

  it('lets NAT64 reach a public IPv4 host', () => {
    expect(refusalReason('64:ff9b::5db8:d822', strict)).toBeUndefined();
  });
});

describe('urlRefusalReason, judged when a command_url is set', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a metadata address'],
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe is a metadata address'],
    ['http://[::ffff:10.0.0.1]:8080/', '::ffff:a00:1 is a private address'],
    ['http://localhost:3000/commands', 'localhost names this machine'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal names a metadata service'],
    ['ftp://bot.example.com/', 'ftp: URLs are not allowed'],
  ])('refuses %s', (url, reason) => {
    expect(urlRefusalReason(url, strict)).toBe(reason);
  });

  it('allows public names and addresses, and loopback when the policy does', () => {
    expect(urlRefusalReason('https://bot.example.com/megatron', strict)).toBeUndefined();
    expect(urlRefusalReason('https://93.184.216.34/megatron', strict)).toBeUndefined();
    expect(urlRefusalReason('http://127.0.0.1:3000/megatron', open)).toBeUndefined();
    expect(urlRefusalReason('http://localhost:3000/megatron', open)).toBeUndefined();
  });
});

describe('Slack file URLs', () => {
  it("allow Slack's file host, and the configured API's origin when it is not Slack", () => {
    expect(slackOrigins('https://slack.com/api/', SLACK_FILE_HOST)).toEqual(['https://files.slack.com']);
    const sim = slackOrigins('http://127.0.0.1:8090/api/', SLACK_FILE_HOST);
    expect(hasOrigin('https://files.slack.com/files-pri/T1-F1/a.png', sim)).toBe(true);
    expect(hasOrigin('http://127.0.0.1:8090/files-pri/T1-F1/a.png', sim)).toBe(true);
    expect(hasOrigin('http://127.0.0.1:8091/files-pri/T1-F1/a.png', sim)).toBe(false);
    expect(hasOrigin('https://files.slack.com.evil.example/x', sim)).toBe(false);
    expect(hasOrigin('http://169.254.169.254/latest/meta-data/', sim)).toBe(false);
    expect(hasOrigin('not a url', sim)).toBe(false);
  });
});
