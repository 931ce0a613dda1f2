import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { AppNotifierService, Health, HealthCheckResponse_ServingStatus, MegatronAdminService, SLACK_TOKEN_HEADER, SlackConnectionService, TenantSettingsService } from '@megatron/contracts';
import { createLogger, createPool, internalClient, withBearer, type Pool } from '@megatron/runtime';
import { rawRequest, SERVICE_NAMES, type ServiceName } from '@megatron/testkit';
import { startE2eWorld, type E2eWorld } from '../e2e/world.js';

const READ_TIMEOUT_MS = 1_500;
const TOO_LARGE = 100 * 1024 * 1024;

let world: E2eWorld;
let pool: Pool;
const organizationId = async () => (await pool.query<{ id: string }>('select id from organizations limit 1')).rows[0]?.id ?? '';
const local = (port: number) => `http://127.0.0.1:${port}`;
const httpUrl = (name: ServiceName) => local(world.sandbox.ports.services[name].http);
const grpcUrl = (name: ServiceName) => local(world.sandbox.ports.services[name].grpc);
const grpc = <S extends Parameters<typeof createClient>[0]>(service: S, url: string, token?: string) =>
  createClient(service, createGrpcTransport({ baseUrl: url, interceptors: token ? [withBearer(token)] : [] })) as Client<S>;

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to be refused');
}

beforeAll(async () => {
  const readTimeout = { HTTP_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS) };
  world = await startE2eWorld(Object.fromEntries(SERVICE_NAMES.map((name) => [name, readTimeout])));
  pool = createPool(world.database.url, createLogger('security-test', 'silent'), { max: 2 });
}, 90_000);

afterAll(async () => {
  await pool?.end();
  await world?.close();
}, 30_000);

// SPEC §11 and issue 14: every door bounds and authenticates before it reads, internal RPCs refuse strangers.
describe('every HTTP door bounds a request before anything reads it', () => {
  it.each(SERVICE_NAMES)('%s answers a declared 100 MB body 413 and closes without reading it', async (name) => {
    const paths: Record<ServiceName, string> = {
      'interpreter-slack': '/megatron/slack/event/',
      'command-core': '/megatron/incoming/',
      'connection-slack': '/megatron.v1.SlackConnectionService/PostMessage',
      'app-notifier': '/megatron.v1.AppNotifierService/RefreshWorkspace',
    };
    const answer = await rawRequest({ url: `${httpUrl(name)}${paths[name]}`, contentLength: TOO_LARGE });
    expect(answer).toMatchObject({ status: 413, closed: true, sentBodyBytes: 0 });
  });

  it("refuses command-core's Connect API a declared 100 MB body before authenticating it", async () => {
    const answer = await rawRequest({ url: `${httpUrl('command-core')}/megatron.v1.MegatronService/Incoming`, contentLength: TOO_LARGE });
    expect(answer).toMatchObject({ status: 413, closed: true });
  });

  const trickle = (path: string, headers: Record<string, string> = {}) => ({ path, headers });
  it.each([
    ['interpreter-slack', 'a Slack event', () => trickle('/megatron/slack/event/')],
    ['command-core', 'a REST route, authenticated', () => trickle('/megatron/incoming/', { authorization: `MegatronToken ${world.sandbox.secrets.apiToken}` })],
    ['command-core', 'a Connect call, authenticated', () => trickle('/megatron.v1.MegatronService/Incoming', { authorization: `Bearer ${world.sandbox.secrets.apiToken}` })],
  ] as const)('%s answers %s whose body trickles in 408 once HTTP_READ_TIMEOUT_MS has passed, and closes', async (name, _what, request) => {
    const { path, headers } = request();
    const answer = await rawRequest({ url: `${httpUrl(name)}${path}`, headers, contentLength: 1_000, send: 10, timeoutMs: READ_TIMEOUT_MS + 5_000 });
    expect(answer).toMatchObject({ status: 408, closed: true });
    expect(answer.answeredMs).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 100);
  });

  it.each(['connection-slack', 'app-notifier'] as const)('%s answers anything but its ops endpoints 404 at once, without waiting for the body', async (name) => {
    const answer = await rawRequest({ url: `${httpUrl(name)}/anything`, contentLength: 1_000, send: 10 });
    expect(answer).toMatchObject({ status: 404, closed: true });
    expect(answer.answeredMs).toBeLessThan(READ_TIMEOUT_MS);
  });

  it('answers a stranger on the Connect API 401 from the headers alone, before the body arrives', async () => {
    // 10 bytes of a declared 1 000: an answer now proves nothing waited for (or parsed) the body.
    const answer = await rawRequest({ url: `${httpUrl('command-core')}/megatron.v1.MegatronService/ListEngagements`, contentLength: 1_000, send: 10 });
    expect(answer).toMatchObject({ status: 401, closed: true });
    expect(answer.answeredMs).toBeLessThan(READ_TIMEOUT_MS);
    const admin = await rawRequest({ url: `${httpUrl('command-core')}/megatron.v1.MegatronAdminService/ListOrganizations`, contentLength: 1_000, send: 10 });
    expect(admin).toMatchObject({ status: 401, closed: true });
  });

  it('answers a stranger on the REST routes 401 before the body arrives', async () => {
    const answer = await rawRequest({
      url: `${httpUrl('command-core')}/megatron/incoming/`,
      headers: { authorization: 'MegatronToken mt_wrong' },
      contentLength: 1_000,
      send: 10,
    });
    expect(answer).toMatchObject({ status: 401, closed: true });
    expect(answer.answeredMs).toBeLessThan(READ_TIMEOUT_MS);
  });
});

describe('internal RPCs are never served on an HTTP port', () => {
  it.each([
    ['command-core', '/megatron.v1.TenantSettingsService/GetAppEndpoint'],
    ['command-core', '/megatron.v1.TenantSettingsService/DisableAppEndpoint'],
    ['app-notifier', '/megatron.v1.AppNotifierService/RefreshWorkspace'],
    ['app-notifier', '/megatron.v1.AppNotifierService/ListDeadLetters'],
    ['connection-slack', '/megatron.v1.SlackConnectionService/AuthTest'],
  ] as const)('%s %s answers 404 over HTTP', async (name, path) => {
    const response = await fetch(`${httpUrl(name)}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ organizationId: await organizationId() }) });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/whsec_|xoxb-|verificationToken/);
  });

  it("command-core's public gRPC port does not serve the tenant settings", async () => {
    const settings = grpc(TenantSettingsService, grpcUrl('command-core'), world.sandbox.secrets.serviceToken);
    expect((await failure(settings.getAppEndpoint({ organizationId: 'x' }))).code).toBe(Code.Unimplemented);
  });
});

describe('internal gRPC ports refuse callers without the service token', () => {
  const internalPorts = () => ({
    settings: local(world.sandbox.ports.coreInternal),
    notifier: grpcUrl('app-notifier'),
    connection: grpcUrl('connection-slack'),
  });
  const calls = (token?: string) => {
    const urls = internalPorts();
    const settings = grpc(TenantSettingsService, urls.settings, token);
    const notifier = grpc(AppNotifierService, urls.notifier, token);
    const connection = grpc(SlackConnectionService, urls.connection, token);
    const slackToken = { headers: { [SLACK_TOKEN_HEADER]: world.sandbox.seed.globex.supportBot.botToken } };
    return [
      ['TenantSettings.GetAppEndpoint', () => settings.getAppEndpoint({ organizationId: '00000000-0000-0000-0000-000000000000' })],
      ['TenantSettings.DisableAppEndpoint', () => settings.disableAppEndpoint({ organizationId: '00000000-0000-0000-0000-000000000000', reason: 'x' })],
      ['AppNotifier.RefreshWorkspace', () => notifier.refreshWorkspace({ organizationId: '00000000-0000-0000-0000-000000000000', workspacePlatformId: 'T1' })],
      ['AppNotifier.SearchUser', () => notifier.searchUser({ organizationId: '00000000-0000-0000-0000-000000000000', targetedUserName: 'sam' })],
      ['AppNotifier.ListDeadLetters', () => notifier.listDeadLetters({})],
      ['AppNotifier.ReplayDeadLetter', () => notifier.replayDeadLetter({ sequence: 1n })],
      ['SlackConnection.AuthTest', () => connection.authTest({}, slackToken)],
      ['SlackConnection.PostMessage', () => connection.postMessage({ channel: 'C1', content: { text: 'x' } }, slackToken)],
    ] as const;
  };

  it('every internal method answers UNAUTHENTICATED without a token and with a wrong one', async () => {
    for (const token of [undefined, 'not-the-service-token-0123456789abcdef']) {
      for (const [name, call] of calls(token)) {
        const error = await failure(call());
        expect([name, error.code]).toEqual([name, Code.Unauthenticated]);
      }
    }
  });

  it('the same calls work with the service token, so the refusal above is the token', async () => {
    const urls = internalPorts();
    const settings = internalClient(TenantSettingsService, urls.settings, world.sandbox.secrets.serviceToken);
    expect((await settings.getAppEndpoint({ organizationId: await organizationId() })).commandUrl).toMatch(/^http:/);
  });

  it('grpc.health stays open on internal ports for the kubelet, revealing only SERVING', async () => {
    for (const url of Object.values(internalPorts())) {
      const health = createClient(Health, createGrpcTransport({ baseUrl: url }));
      expect((await health.check({ service: '' })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    }
  });
});

describe('the admin API', () => {
  const admin = (token?: string) =>
    createClient(MegatronAdminService, createConnectTransport({ baseUrl: httpUrl('command-core'), httpVersion: '1.1', interceptors: token ? [withBearer(token)] : [] }));

  it('refuses callers without the admin token, dead letters included', async () => {
    for (const token of [undefined, 'wrong-admin-token-0123456789', world.sandbox.secrets.apiToken]) {
      expect((await failure(admin(token).listOrganizations({}))).code).toBe(Code.Unauthenticated);
      expect((await failure(admin(token).listAppDeadLetters({}))).code).toBe(Code.Unauthenticated);
      expect((await failure(admin(token).replayAppDeadLetter({ sequence: 1n }))).code).toBe(Code.Unauthenticated);
    }
  });

  it('lists dead letters through command-core with the admin token', async () => {
    expect((await admin(world.sandbox.secrets.adminToken).listAppDeadLetters({})).deadLetters).toEqual([]);
  });
});
