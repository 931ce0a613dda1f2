import { randomBytes } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { create } from '@bufbuild/protobuf';
import { ConnectError, Code, createClient, type Client, type Interceptor, type ServiceImpl } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { AppCommandSchema, AppNotifierService, MegatronService, FoundUserSchema, RefreshWorkspaceResponseSchema, SearchUserResponseSchema, type AppCommand } from '@megatron/contracts';
import {
  appCommandStream,
  connectNats,
  createLogger,
  createPool,
  createRedis,
  ensureConsumer,
  ensureStream,
  Metrics,
  migrate,
  Readiness,
  serviceTokenInterceptor,
  startServers,
  streamNames,
  type NatsClients,
  type Pool,
  type Redis,
} from '@megatron/runtime';
import { startSlackSim, type SimApp, type SimUser, type SimWorkspace, type SlackSim } from '@megatron/slack-sim';
import { createTestDatabase, natsNamespace, redisPrefix, startService, TEST_SERVICE_TOKEN, type ServiceProcess, type TestDatabase } from '@megatron/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { fromBinary } from '@bufbuild/protobuf';
import path from 'node:path';
import { apiSurface } from '../src/api/api-surface.js';
import { configSchema, type Config } from '../src/config.js';
import { TokenCipher } from '../src/crypto/token-cipher.js';
import { TenantChanges } from '../src/tenants/tenant-changes.js';
import { createTakeover, type Takeover } from '../src/engine.js';
import { CustomerLocks } from '../src/takeover/lifecycle/customer-locks.js';
import { TenantAdmin, TenantDirectory } from '../src/tenants/index.js';

const PARTITIONS = '4';

export const logger = createLogger('takeover-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** Stands in for app-notifier's synchronous calls over real gRPC: the integrating app's user search and token refresh. */
export interface AppStandIn {
  url: string;
  users: Array<{ username: string; platformUserId: string; platformTeamId: string }>;
  /** How long the app takes to answer search_user, as a slow integrating app would. */
  searchDelay: { ms: number };
  freshTokens: Map<string, string>;
  refreshCalls: string[];
  close(): Promise<void>;
}

async function startAppStandIn(): Promise<AppStandIn> {
  const state = { users: [] as AppStandIn['users'], searchDelay: { ms: 0 }, freshTokens: new Map<string, string>(), refreshCalls: [] as string[] };
  const impl: Partial<ServiceImpl<typeof AppNotifierService>> = {
    searchUser: async (req) => {
      await new Promise((resolve) => setTimeout(resolve, state.searchDelay.ms));
      return create(SearchUserResponseSchema, {
        users: state.users.filter((user) => user.username.includes(req.targetedUserName)).map((user) => create(FoundUserSchema, user)),
      });
    },
    refreshWorkspace: (req) => {
      state.refreshCalls.push(req.workspacePlatformId);
      const token = state.freshTokens.get(req.workspacePlatformId);
      if (!token) throw new ConnectError('the app does not know this workspace', Code.NotFound);
      return create(RefreshWorkspaceResponseSchema, { connectionToken: token });
    },
  };
  // As app-notifier's internal port does: command-core must present the service token.
  const server = http2.createServer(
    connectNodeAdapter({ interceptors: [serviceTokenInterceptor(TEST_SERVICE_TOKEN)], routes: (router) => router.service(AppNotifierService, impl) }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ...state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface World {
  sim: SlackSim;
  db: TestDatabase;
  pool: Pool;
  redis: Redis;
  nats: NatsClients;
  namespace: string;
  config: Config;
  app: AppStandIn;
  connection: ServiceProcess;
  interpreter: ServiceProcess;
  organizationId: string;
  integration: { team: SimWorkspace; app: SimApp; alice: SimUser; notifications: string };
  customers: { team: SimWorkspace; app: SimApp; phil: SimUser; sam: SimUser };
  otherCustomers: { team: SimWorkspace; app: SimApp; sam: SimUser };
  tenants: TenantDirectory;
  admin: TenantAdmin;
  replica(clock?: () => Date): Promise<{ takeover: Takeover; nats: NatsClients; metrics: Metrics; close(): Promise<void> }>;
  appCommands(durable: string): Promise<() => Promise<AppCommand[]>>;
  close(): Promise<void>;
}

export async function openNats(url: string): Promise<NatsClients & { close(): Promise<void> }> {
  const nc = await connectNats(url, 'command-core-test', logger);
  return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc), close: () => nc.close() };
}

/** Real Postgres, Redis, NATS, the Slack simulator, connection-slack and interpreter-slack processes, one organization. */
export async function startWorld(env: Partial<Record<string, string>> = {}, options: { connectionEnv?: Record<string, string> } = {}): Promise<World> {
  const sim = await startSlackSim();
  const db = await createTestDatabase();
  const pool = createPool(db.url, logger);
  await migrate(pool, path.resolve(__dirname, '..', 'migrations'), logger);
  const prefix = redisPrefix();
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', logger, prefix);
  const namespace = natsNamespace();
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const nats = await openNats(natsUrl);
  const app = await startAppStandIn();

  const acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
  const alice = await sim.control.createUser({ teamId: acme.id, name: 'alice', realName: 'Alice Smith' });
  const connection = await startService('connection-slack', {
    SLACK_API_URL: sim.apiUrl,
    SLACK_MAX_RETRIES: '0',
    LOG_LEVEL: 'warn',
    MEGATRON_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ...options.connectionEnv,
  });
  const signingSecret = randomBytes(16).toString('hex');
  const interpreter = await startService('interpreter-slack', {
    NATS_URL: natsUrl,
    NATS_NAMESPACE: namespace,
    // Publisher and consumers must agree on the partition count, or some channels are never consumed.
    COMMAND_PARTITIONS: env.COMMAND_PARTITIONS ?? PARTITIONS,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    SLACK_SIGNING_SECRET: signingSecret,
    LOG_LEVEL: 'warn',
  });
  const megatron = await sim.control.createApp({
    teamId: acme.id,
    name: 'Megatron',
    signingSecret,
    eventsUrl: `${interpreter.httpUrl}/megatron/slack/event/`,
    interactivityUrl: `${interpreter.httpUrl}/megatron/slack/interactive-message/`,
    slashCommands: [{ command: '/megatron', url: `${interpreter.httpUrl}/megatron/slack/slash-command/` }],
  });
  const globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
  const globexBot = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot' });
  const phil = await sim.control.createUser({ teamId: globex.id, name: 'phil', realName: 'Phil Jones', displayName: 'Phil' });
  const sam = await sim.control.createUser({ teamId: globex.id, name: 'sam', realName: 'Sam Globex' });
  const initech = await sim.control.createWorkspace({ name: 'Initech', domain: 'initech' });
  const initechBot = await sim.control.createApp({ teamId: initech.id, name: 'Support Bot' });
  const initechSam = await sim.control.createUser({ teamId: initech.id, name: 'sam', realName: 'Sam Initech' });

  const config = configSchema.parse({
    ...process.env,
    DATABASE_URL: db.url,
    NATS_URL: natsUrl,
    NATS_NAMESPACE: namespace,
    COMMAND_PARTITIONS: env.COMMAND_PARTITIONS ?? PARTITIONS,
    COMMAND_ACK_WAIT_MS: '3000',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    CONNECTION_SLACK_URL: connection.grpcUrl,
    APP_NOTIFIER_URL: app.url,
    CHANNEL_PREFIX: 'mt-',
    MEGATRON_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ...env,
  });
  const cipher = TokenCipher.fromConfig(config);
  const admin = new TenantAdmin(pool, cipher);
  const tenants = new TenantDirectory(pool, cipher);
  const { organization } = await admin.createOrganization({ name: 'Acme' });
  // The notification channel: a public channel the Megatron bot is in.
  const notificationsChannel = await fetch(`${sim.apiUrl}conversations.create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${megatron.botToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'help-requests' }),
  }).then(async (response) => ((await response.json()) as { channel: { id: string } }).channel.id);
  await admin.upsertIntegration({
    organizationId: organization.id,
    teamId: acme.id,
    domain: 'acme-support',
    botToken: megatron.botToken,
    botUserId: megatron.botUserId,
    notificationChannelId: notificationsChannel,
  });
  await tenants.registerWorkspace(organization.id, { platformId: globex.id, name: 'Globex', domain: 'globex', connectionToken: globexBot.botToken });
  await tenants.registerWorkspace(organization.id, { platformId: initech.id, name: 'Initech', domain: 'initech', connectionToken: initechBot.botToken });

  const replicas: Array<() => Promise<void>> = [];
  const world: World = {
    sim,
    db,
    pool,
    redis,
    nats,
    namespace,
    config,
    app,
    connection,
    interpreter,
    organizationId: organization.id,
    integration: { team: acme, app: megatron, alice, notifications: notificationsChannel },
    customers: { team: globex, app: globexBot, phil, sam },
    otherCustomers: { team: initech, app: initechBot, sam: initechSam },
    tenants,
    admin,
    async replica(clock) {
      const own = await openNats(natsUrl);
      const metrics = new Metrics('command-core');
      const changes = new TenantChanges(pool, logger);
      await changes.start();
      const locks = new CustomerLocks(db.url, logger);
      const takeover = createTakeover({ config, logger, metrics, pool, locks, redis, nats: own, tenants, changes, ...(clock ? { clock } : {}) });
      await takeover.start();
      let closed = false;
      const close = async () => {
        if (closed) return;
        closed = true;
        await takeover.stop().catch(() => undefined);
        await locks.end();
        await changes.stop();
        await own.close();
      };
      replicas.push(close);
      return { takeover, nats: own, metrics, close };
    },
    async appCommands(durable) {
      await ensureStream(nats.jsm, appCommandStream(namespace, 1));
      const names = streamNames(namespace).appCommands;
      await ensureConsumer(nats.jsm, { stream: names.stream, durable, ackWaitMs: 30_000, maxAckPending: 1000, maxDeliver: 1 });
      const consumer = await nats.js.consumers.get(names.stream, durable);
      return async () => {
        const seen: AppCommand[] = [];
        for (;;) {
          const msg = await consumer.next({ expires: 1_000 });
          if (!msg) return seen;
          seen.push(fromBinary(AppCommandSchema, msg.data));
          await msg.ackAck();
        }
      };
    },
    async close() {
      for (const close of replicas) await close();
      await interpreter.stop();
      await connection.stop();
      await app.close();
      await nats.close();
      redis.disconnect();
      await pool.end();
      await db.drop();
      await sim.close();
    },
  };
  return world;
}

/** MegatronService of a replica served as main.ts serves it: same interceptors, gRPC and the REST compatibility routes. */
export interface WorldApi {
  httpUrl: string;
  /** A gRPC client authenticated with this API token. */
  client(token: string): Client<typeof MegatronService>;
  /** POSTs a REST compatibility route (`incoming/`, ...) with `Authorization: MegatronToken <token>`. */
  rest(route: string, token: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function serveApi(world: World, megatronService: ServiceImpl<typeof MegatronService>): Promise<WorldApi> {
  const servers = await startServers({
    ...apiSurface({ megatronService, authenticate: (token) => world.admin.authenticate(token), logger }),
    logger,
    metrics: new Metrics('command-core-test'),
    readiness: new Readiness(logger),
    httpPort: 0,
    grpcPort: 0,
    host: '127.0.0.1',
  });
  const httpUrl = `http://127.0.0.1:${servers.httpPort}`;
  const grpcUrl = `http://127.0.0.1:${servers.grpcPort}`;
  return {
    httpUrl,
    client: (token) => createClient(MegatronService, createGrpcTransport({ baseUrl: grpcUrl, interceptors: [bearer(token)] })),
    async rest(route, token, body) {
      const response = await fetch(`${httpUrl}/megatron/${route}`, {
        method: 'POST',
        headers: { authorization: `MegatronToken ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    close: () => servers.close(),
  };
}

function bearer(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set('authorization', `Bearer ${token}`);
    return next(req);
  };
}

/** A world with one replica, its API served, and a client with a fresh API token labelled `label`. */
export async function startApiWorld(
  label: string,
  env: Partial<Record<string, string>> = {},
  options: { connectionEnv?: Record<string, string> } = {},
): Promise<{ world: World; api: WorldApi; client: Client<typeof MegatronService>; token: string }> {
  const world = await startWorld(env, options);
  const { takeover } = await world.replica();
  const api = await serveApi(world, takeover.megatronService);
  const { token } = await world.admin.issueApiToken(world.organizationId, label);
  return { world, api, client: api.client(token), token };
}

/**
 * A second organization, Umbrella, with its own agents' workspace and Megatron app, serving the same customer
 * workspace Globex with a bot of its own: its agents' team, API token and a client calling with it.
 */
export async function addUmbrella(world: World, api: WorldApi): Promise<{ teamId: string; token: string; client: Client<typeof MegatronService> }> {
  const { sim, admin, tenants, customers } = world;
  const team = await sim.control.createWorkspace({ name: 'Umbrella Support', domain: 'umbrella-support' });
  const megatron = await sim.control.createApp({ teamId: team.id, name: 'Megatron' });
  const bot = await sim.control.createApp({ teamId: customers.team.id, name: 'Umbrella Bot' });
  const { organization } = await admin.createOrganization({ name: 'Umbrella' });
  await admin.upsertIntegration({ organizationId: organization.id, teamId: team.id, domain: 'umbrella-support', botToken: megatron.botToken, botUserId: megatron.botUserId });
  await tenants.registerWorkspace(organization.id, { platformId: customers.team.id, name: 'Globex', domain: 'globex', connectionToken: bot.botToken });
  const { token } = await admin.issueApiToken(organization.id, 'umbrella');
  return { teamId: team.id, token, client: api.client(token) };
}

/**
 * Phil wrote to the support bot, the app opened his engagement for Alice and paused the bot, as agents do
 * before writing (an unpaused bot holds their messages): his DM and the engagement channel.
 */
export async function philTakenOver(world: World, client: Client<typeof MegatronService>): Promise<{ channel: string; dm: string }> {
  const { customers, integration } = world;
  const customer = { teamId: customers.team.id, userId: customers.phil.id };
  const { channel: dm } = await world.sim.control.sendDirectMessage({ ...customer, appId: customers.app.appId, text: 'hello' });
  const { engagement } = await client.openEngagement({ customer, agentUserId: integration.alice.id });
  await client.pauseCustomer({ customer });
  return { channel: engagement?.channelId ?? '', dm };
}
