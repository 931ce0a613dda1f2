import { waitFor } from '@megatron/testkit';
import { startReceiver, type Receiver } from './support/receiver.js';
import { commandFor, newSecret, startNotifier, type NotifierHarness } from './support/notifier-harness.js';
import { startTenantSettingsPeer, type TenantSettingsPeer } from './support/tenant-settings-peer.js';

let peer: TenantSettingsPeer;
let production: NotifierHarness;
let development: NotifierHarness;
let receiver: Receiver;
let org = 0;

const pause = { case: 'pause' as const, value: { channelId: 'D1', teamId: 'T1', userId: 'U1', paused: true } };

function organizationAt(commandUrl: string): string {
  const organizationId = `ssrf${++org}`;
  peer.endpoints.set(organizationId, { commandUrl, webhookSecrets: [newSecret()], verificationToken: 'token', disabled: false });
  return organizationId;
}

async function deadLetterOf(notifier: NotifierHarness, commandUrl: string): Promise<string> {
  const organizationId = organizationAt(commandUrl);
  await notifier.publish(commandFor(organizationId, pause));
  const [letter] = await waitFor(async () => {
    const found = (await notifier.client.listDeadLetters({ organizationId })).deadLetters;
    return found.length === 1 && found;
  }, { what: `the dead letter for ${commandUrl}` });
  return letter?.lastError ?? '';
}

beforeAll(async () => {
  peer = await startTenantSettingsPeer();
  receiver = await startReceiver();
  production = await startNotifier({ settingsUrl: peer.url, policy: { allowLoopback: false, allowPrivate: false } });
  development = await startNotifier({ settingsUrl: peer.url, policy: { allowLoopback: true, allowPrivate: false }, timeoutMs: 1_000 });
});

afterAll(async () => {
  await production.stop();
  await development.stop();
  await receiver.close();
  await peer.close();
});

describe('command_url safety', () => {
  it('refuses a loopback IP literal when loopback is not allowed, without retrying', async () => {
    expect(await deadLetterOf(production, receiver.url)).toBe('refused_address: command_url refused: 127.0.0.1 is a loopback address');
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a host name that resolves to loopback, checked where the socket is opened', async () => {
    const lastError = await deadLetterOf(production, `http://localhost:${receiver.port}/megatron/command`);
    expect(lastError).toMatch(/^refused_address: localhost resolves to a refused address: (127\.0\.0\.1|::1) is a loopback address$/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses IPv6 loopback and IPv4-mapped loopback literals', async () => {
    expect(await deadLetterOf(production, `http://[::1]:${receiver.port}/`)).toBe('refused_address: command_url refused: ::1 is a loopback address');
    expect(await deadLetterOf(production, `http://[::ffff:127.0.0.1]:${receiver.port}/`)).toMatch(/^refused_address: command_url refused: .* is a loopback address$/);
  });

  it('refuses cloud metadata, link-local, unspecified and private addresses even where loopback is allowed', async () => {
    expect(await deadLetterOf(development, 'http://169.254.169.254/latest/meta-data/')).toBe(
      'refused_address: command_url refused: 169.254.169.254 is a metadata address',
    );
    expect(await deadLetterOf(development, 'http://[fd00:ec2::254]/')).toBe('refused_address: command_url refused: fd00:ec2::254 is a metadata address');
    expect(await deadLetterOf(development, 'http://169.254.10.1/')).toBe('refused_address: command_url refused: 169.254.10.1 is a link-local address');
    expect(await deadLetterOf(development, 'http://0.0.0.0:80/')).toBe('refused_address: command_url refused: 0.0.0.0 is an unspecified address');
    expect(await deadLetterOf(development, 'http://10.1.2.3/')).toBe('refused_address: command_url refused: 10.1.2.3 is a private address');
  });

  it('refuses addresses that reach IPv4 by translation, benchmarking and site-local ranges (issue 14)', async () => {
    expect(await deadLetterOf(development, 'http://[64:ff9b::a9fe:a9fe]/')).toMatch(/^refused_address: command_url refused: .* is a metadata address$/);
    expect(await deadLetterOf(production, `http://[64:ff9b::7f00:1]:${receiver.port}/`)).toMatch(/^refused_address: command_url refused: .* is a loopback address$/);
    expect(await deadLetterOf(development, 'http://[::a9fe:a9fe]/')).toMatch(/^refused_address: command_url refused: .* is an unspecified address$/);
    expect(await deadLetterOf(development, 'http://198.18.0.1/')).toBe('refused_address: command_url refused: 198.18.0.1 is a reserved address');
    expect(await deadLetterOf(development, 'http://[fec0::1]/')).toBe('refused_address: command_url refused: fec0::1 is a private address');
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a command_url that is not http or https', async () => {
    expect(await deadLetterOf(development, 'ftp://example.com/')).toBe('invalid_url: command_url must be http or https, not ftp');
    expect(await deadLetterOf(development, 'file:///etc/passwd')).toBe('invalid_url: command_url must be http or https, not file');
  });

  it('delivers to loopback where local development allows it', async () => {
    const organizationId = organizationAt(receiver.url);
    await development.publish(commandFor(organizationId, pause));
    await waitFor(async () => receiver.requests.length === 1, { what: 'the delivery to loopback' });
  });
});
