import { Code, ConnectError } from '@connectrpc/connect';
import { startReceiver, type Receiver } from './support/receiver.js';
import { newSecret, startNotifier, type NotifierHarness } from './support/notifier-harness.js';
import { startTenantSettingsPeer, type TenantSettingsPeer } from './support/tenant-settings-peer.js';

let peer: TenantSettingsPeer;
let notifier: NotifierHarness;
const receivers: Receiver[] = [];
let org = 0;

async function organization() {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const organizationId = `sync${++org}`;
  peer.endpoints.set(organizationId, { commandUrl: receiver.url, webhookSecrets: [newSecret()], verificationToken: 'legacy', disabled: false });
  return { organizationId, receiver };
}

async function failureOf(call: Promise<unknown>): Promise<{ code: Code; message: string; reason: string | null }> {
  try {
    await call;
  } catch (error) {
    const failure = ConnectError.from(error);
    return { code: failure.code, message: failure.rawMessage, reason: failure.metadata.get('app-error') };
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  peer = await startTenantSettingsPeer();
  notifier = await startNotifier({ settingsUrl: peer.url, syncDeadlineMs: 500, maxResponseBytes: 1024 });
});

afterAll(async () => {
  await notifier.stop();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await peer.close();
});

describe('SearchUser', () => {
  it("asks the app with a signed search_user and answers the users it found", async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({
      status: 200,
      body: JSON.stringify({ users: [{ username: 'phil', platform_user_id: 'U1', platform_team_id: 'T1' }, { username: 'philippa', platform_user_id: 'U2', platform_team_id: 'T2' }] }),
    });
    const answer = await notifier.client.searchUser({ organizationId, targetedUserName: 'phil' });
    expect(answer.users.map(({ username, platformUserId, platformTeamId }) => ({ username, platformUserId, platformTeamId }))).toEqual([
      { username: 'phil', platformUserId: 'U1', platformTeamId: 'T1' },
      { username: 'philippa', platformUserId: 'U2', platformTeamId: 'T2' },
    ]);
    expect(JSON.parse(receiver.requests[0]?.body ?? '')).toEqual({ command: 'search_user', targeted_user_name: 'phil', megatron_verification_token: 'legacy' });
    expect(receiver.requests[0]?.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('turns an answer missing a field into an error naming the field', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 200, body: JSON.stringify({ users: [{ username: 'phil', platform_user_id: 'U1' }] }) });
    expect(await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: 'phil' }))).toEqual({
      code: Code.Internal,
      message: 'malformed answer from the app: users[0].platform_team_id must be a non-empty string',
      reason: 'malformed_answer',
    });
  });

  it('turns a non-JSON or oversized answer into a malformed-answer error', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 200, body: '<html>oops</html>' }, { status: 200, body: JSON.stringify({ users: [], padding: 'x'.repeat(2048) }) });
    expect((await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: 'a' }))).message).toBe(
      "malformed answer from the app: the app's answer to search_user is not JSON",
    );
    expect((await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: 'a' }))).message).toBe(
      "malformed answer from the app: the app's answer to search_user is larger than the limit",
    );
  });

  it('answers DeadlineExceeded when the app is slower than the deadline', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 200, body: '{"users":[]}', delayMs: 2_000 });
    const started = Date.now();
    expect(await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: 'phil' }))).toEqual({
      code: Code.DeadlineExceeded,
      message: 'the app did not answer search_user within 500 ms',
      reason: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('answers Unavailable naming the status when the app fails', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 500 });
    expect(await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: 'phil' }))).toEqual({
      code: Code.Unavailable,
      message: 'the app answered search_user with HTTP 500',
      reason: 'http_500',
    });
  });

  it('disables the endpoint on 410 and then answers endpoint_disabled without calling the app', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 410 });
    expect(await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: 'phil' }))).toEqual({
      code: Code.FailedPrecondition,
      message: 'the app answered search_user with 410 Gone; its endpoint is now disabled',
      reason: 'gone',
    });
    expect(peer.disabled).toContainEqual({ organizationId, reason: 'command_url answered 410 Gone to search_user' });
    expect(await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: 'phil' }))).toEqual({
      code: Code.FailedPrecondition,
      message: `the app endpoint of organization ${organizationId} is disabled`,
      reason: 'endpoint_disabled',
    });
    expect(receiver.requests).toHaveLength(1);
  });

  it('answers Unavailable when nothing listens at the command_url', async () => {
    const { organizationId, receiver } = await organization();
    await receiver.close();
    const failure = await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: 'phil' }));
    expect(failure.code).toBe(Code.Unavailable);
    expect(failure.reason).toBe('network');
    expect(failure.message).toMatch(/^cannot reach the app for search_user: ECONNREFUSED/);
  });

  it('refuses a request without a name before calling the app', async () => {
    const { organizationId, receiver } = await organization();
    expect((await failureOf(notifier.client.searchUser({ organizationId, targetedUserName: ' ' }))).message).toBe('targeted_user_name is required');
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('RefreshWorkspace', () => {
  it('answers the fresh name, domain and connection token', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 200, body: JSON.stringify({ ok: true, data: { name: 'Acme', domain: 'acme', connection_token: 'xoxb-new' } }) });
    const answer = await notifier.client.refreshWorkspace({ organizationId, workspacePlatformId: 'T42' });
    expect({ name: answer.name, domain: answer.domain, connectionToken: answer.connectionToken }).toEqual({
      name: 'Acme',
      domain: 'acme',
      connectionToken: 'xoxb-new',
    });
    expect(JSON.parse(receiver.requests[0]?.body ?? '')).toEqual({
      command: 'refresh_workspace',
      workspace_platform_id: 'T42',
      megatron_verification_token: 'legacy',
    });
  });

  it('reports ok: false and a missing token precisely', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script(
      { status: 200, body: JSON.stringify({ ok: false, error: 'workspace_unknown' }) },
      { status: 200, body: JSON.stringify({ ok: true, data: { name: 'Acme', domain: 'acme' } }) },
    );
    expect((await failureOf(notifier.client.refreshWorkspace({ organizationId, workspacePlatformId: 'T42' }))).message).toBe(
      'malformed answer from the app: the app answered refresh_workspace with ok: false: workspace_unknown',
    );
    expect((await failureOf(notifier.client.refreshWorkspace({ organizationId, workspacePlatformId: 'T42' }))).message).toBe(
      'malformed answer from the app: data.connection_token must be a non-empty string',
    );
  });

  it('answers DeadlineExceeded when the app is slower than the deadline', async () => {
    const { organizationId, receiver } = await organization();
    receiver.script({ status: 200, body: '{}', delayMs: 2_000 });
    expect((await failureOf(notifier.client.refreshWorkspace({ organizationId, workspacePlatformId: 'T42' }))).code).toBe(Code.DeadlineExceeded);
  });
});
