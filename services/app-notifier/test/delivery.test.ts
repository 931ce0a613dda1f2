import { createHmac, timingSafeEqual } from 'node:crypto';
import { waitFor } from '@megatron/testkit';
import { startReceiver, type ReceivedRequest, type Receiver } from './support/receiver.js';
import { commandFor, newSecret, startNotifier, type NotifierHarness } from './support/notifier-harness.js';
import { startTenantSettingsPeer, type TenantSettingsPeer } from './support/tenant-settings-peer.js';

// Written from the Standard Webhooks text, not with the package under test: HMAC-SHA256 over
// "id.timestamp.body" keyed with the base64 part of the whsec_ secret.
function independentlyVerified(request: ReceivedRequest, secret: string): boolean {
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest();
  return String(request.headers['webhook-signature'])
    .split(' ')
    .map((part) => part.split(','))
    .some(([version, signature]) => {
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

let peer: TenantSettingsPeer;
let notifier: NotifierHarness;
const receivers: Receiver[] = [];
let org = 0;

async function organization(options: { secrets?: string[] } = {}) {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const organizationId = `org${++org}`;
  const secrets = options.secrets ?? [newSecret()];
  peer.endpoints.set(organizationId, { commandUrl: receiver.url, webhookSecrets: secrets, verificationToken: `legacy-${organizationId}`, disabled: false });
  return { organizationId, receiver, secrets };
}

const pause = (paused: boolean) => ({ case: 'pause' as const, value: { channelId: 'D123', teamId: 'T123', userId: 'U123', paused } });

async function deadLetters(organizationId: string) {
  return (await notifier.client.listDeadLetters({ organizationId })).deadLetters;
}

beforeAll(async () => {
  peer = await startTenantSettingsPeer();
  notifier = await startNotifier({ settingsUrl: peer.url, scheduleMs: [100, 200], timeoutMs: 500 });
});

afterAll(async () => {
  await notifier.stop();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await peer.close();
});

describe('fire-and-forget app commands', () => {
  it('posts the seed-docs body with a Standard Webhooks signature that an independent HMAC check accepts for every rotated secret', async () => {
    const current = newSecret();
    const previous = newSecret();
    const { organizationId, receiver } = await organization({ secrets: [current, previous] });
    const command = commandFor(organizationId, pause(true));
    await notifier.publish(command);

    const [request] = await waitFor(async () => receiver.requests.length === 1 && receiver.requests, { what: 'the pause command' });
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      command: 'pause',
      channel_id: 'D123',
      team_id: 'T123',
      user_id: 'U123',
      paused: true,
      megatron_verification_token: `legacy-${organizationId}`,
    });
    expect(request?.headers['webhook-id']).toBe(command.id);
    expect(Math.abs(Number(request?.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(request && independentlyVerified(request, current)).toBe(true);
    expect(request && independentlyVerified(request, previous)).toBe(true);
    expect(request && independentlyVerified(request, newSecret())).toBe(false);
  });

  it('sends clear-context and push_message in the shapes integrators already parse', async () => {
    const { organizationId, receiver } = await organization();
    await notifier.publish(commandFor(organizationId, { case: 'clearContext', value: { platformUserId: 'U9', teamId: 'T9' } }));
    await waitFor(async () => receiver.requests.length === 1, { what: 'clear-context' });
    await notifier.publish(
      commandFor(organizationId, {
        case: 'pushMessage',
        value: { message: 'hello', channelId: 'C1', platformUserId: 'U9', platformChannelId: 'D9', teamId: 'T9' },
      }),
    );
    await waitFor(async () => receiver.requests.length === 2, { what: 'push_message' });
    const token = `legacy-${organizationId}`;
    expect(receiver.requests.map((request) => JSON.parse(request.body) as unknown)).toEqual([
      { command: 'clear-context', platform_user_id: 'U9', user_id: 'U9', team_id: 'T9', megatron_verification_token: token },
      { command: 'push_message', message: 'hello', channel_id: 'C1', platform_user_id: 'U9', platform_channel_id: 'D9', team_id: 'T9', megatron_verification_token: token },
    ]);
  });

  it('retries after a 500 with the same webhook-id, so the receiver applies the command exactly once', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 500 });
    const command = commandFor(organizationId, pause(false));
    await notifier.publish(command);

    await waitFor(async () => receiver.requests.length === 2, { what: 'the retry' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests.map((request) => [request.headers['webhook-id'], request.status])).toEqual([
      [command.id, 500],
      [command.id, 200],
    ]);
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(90);
    expect(await deadLetters(organizationId)).toEqual([]);
  });

  it('dead-letters a command after the last scheduled try and delivers it again when an admin replays it', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 502 }, { status: 503 }, { status: 500 });
    const command = commandFor(organizationId, pause(true));
    await notifier.publish(command);

    const [letter] = await waitFor(async () => {
      const letters = await deadLetters(organizationId);
      return letters.length === 1 && letters;
    }, { what: 'the dead letter' });
    expect(receiver.requests).toHaveLength(3);
    expect(letter?.command?.id).toBe(command.id);
    expect(letter?.attempts).toBe(3);
    expect(letter?.lastError).toBe('http_500: command_url answered HTTP 500');
    expect(await notifier.metricsText()).toMatch(/app_command_dead_letters_total\{command="pause",reason="http_500",service="app-notifier"\} 1/);

    await notifier.client.replayDeadLetter({ sequence: letter!.sequence });
    await waitFor(async () => receiver.requests.length === 4, { what: 'the replayed command' });
    expect(receiver.requests[3]?.headers['webhook-id']).toBe(command.id);
    expect(await deadLetters(organizationId)).toEqual([]);
    await expect(notifier.client.replayDeadLetter({ sequence: letter!.sequence })).rejects.toThrow(`no dead letter with sequence ${letter!.sequence}`);
  });

  it('disables the endpoint on 410 and sends later commands straight to the dead letter as endpoint_disabled', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 410 });
    await notifier.publish(commandFor(organizationId, pause(true)));
    await waitFor(async () => peer.disabled.some((call) => call.organizationId === organizationId), { what: 'DisableAppEndpoint' });

    await notifier.publish(commandFor(organizationId, pause(false)));
    const letters = await waitFor(async () => {
      const found = await deadLetters(organizationId);
      return found.length === 2 && found;
    }, { what: 'both dead letters' });
    expect(receiver.requests).toHaveLength(1);
    expect(letters.map((letter) => letter.lastError.split(':')[0])).toEqual(['gone', 'endpoint_disabled']);
    expect(letters.map((letter) => letter.attempts)).toEqual([1, 1]);
  });

  it('gives up on an answer slower than the request timeout and retries', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 200, delayMs: 2_000 });
    await notifier.publish(commandFor(organizationId, pause(true)));
    await waitFor(async () => receiver.requests.length === 2, { what: 'the retry after the timeout' });
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(500 + 100 - 20);
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeLessThan(2_000);
    expect(await notifier.metricsText()).toMatch(/app_command_attempts_total\{command="pause",result="timeout",service="app-notifier"\} 1/);
  });

  it('waits as long as Retry-After asks on 429 before the next try', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 429, headers: { 'retry-after': '1' } });
    await notifier.publish(commandFor(organizationId, pause(true)));
    await waitFor(async () => receiver.requests.length === 2, { what: 'the retry after Retry-After', timeoutMs: 5_000 });
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(1_000 - 20);
  });

  it('does not follow a redirect: a 3xx is a failed try and the other host never sees the command', async () => {
    const other = await startReceiver();
    receivers.push(other);
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 307, headers: { location: other.url } });
    await notifier.publish(commandFor(organizationId, pause(true)));
    await waitFor(async () => receiver.requests.length === 2, { what: 'the retry after the redirect' });
    expect(other.requests).toHaveLength(0);
    expect(await notifier.metricsText()).toMatch(/app_command_attempts_total\{command="pause",result="http_307",service="app-notifier"\} 1/);
  });

  it('dead-letters at once a command for an organization command-core does not know', async () => {
    const command = commandFor('org-unknown', pause(true));
    await notifier.publish(command);
    const [letter] = await waitFor(async () => {
      const found = await deadLetters('org-unknown');
      return found.length === 1 && found;
    }, { what: 'the dead letter' });
    expect(letter?.lastError).toMatch(/^endpoint_unusable: command-core does not know organization org-unknown/);
  });
});
