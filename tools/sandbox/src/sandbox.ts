import { WebClient } from '@slack/web-api';
import { createLogger, type Logger } from '@megatron/runtime';
import { seedDemo, startSlackSim, type DemoSeed, type SlackSim } from '@megatron/slack-sim';
import { configSchema as botConfigSchema, startSupportBot, type SupportBot } from '@megatron/support-bot';
import { freePort, startService, type ServiceName, type ServiceProcess } from '@megatron/testkit';
import { apiClients, type ApiClients } from './api-clients.js';
import { DEFAULT_PORTS, freePorts, type SandboxPorts } from './ports.js';
import { sandboxSecrets, type SandboxSecrets } from './secrets.js';
import { serviceEnv, type EnvInputs } from './service-env.js';

export interface SandboxOptions {
  /** `default`: the documented ports (npm run dev); `free`: any free ports (tests, benchmarks). */
  ports?: 'default' | 'free';
  /** Slack's rate limits in the simulator; on in the sandbox, off by default in tests. */
  rateLimits?: boolean;
  /**
   * The Megatron app in Socket Mode: interpreter-slack opens connections to the simulator with an app-level
   * token and has no signing secret, so nothing reaches its HTTP Slack routes (`npm run dev -- --socket`).
   */
  socketMode?: boolean;
  databaseUrl: string;
  namespace: string;
  redisUrl?: string;
  natsUrl?: string;
  logLevel?: string;
  /** Extra variables for one service (e.g. a controlled clock, a shorter ack wait). */
  extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Live service output, e.g. to print logs in `npm run dev`. */
  onOutput?: (service: ServiceName, chunk: string) => void;
}

export interface Sandbox {
  sim: SlackSim;
  seed: DemoSeed;
  bot: SupportBot;
  secrets: SandboxSecrets;
  ports: SandboxPorts;
  notificationChannelId: string;
  /** `ui`: the simulator's browser UI; `api`: command-core's HTTP (REST, Connect JSON); `commandCoreGrpc`: its gRPC. */
  urls: { ui: string; interpreter: string; api: string; commandCoreGrpc: string; sim: string; bot: string };
  /** command-core's database. */
  databaseUrl: string;
  /** command-core's API as the integrating app and the operator call it. */
  api: ApiClients;
  services: Map<ServiceName, ServiceProcess>;
  /** Extra processes started by `startReplica`, beside the one in `services`. */
  replicas: Map<ServiceName, ServiceProcess[]>;
  /** Stops one service (SIGTERM, or SIGKILL for a crash) and starts it again with the same environment. */
  restart(name: ServiceName, signal?: NodeJS.Signals): Promise<ServiceProcess>;
  stop(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  start(name: ServiceName): Promise<ServiceProcess>;
  /**
   * One more process of `name` with the same environment on ports of its own (benchmarks scale with these).
   * It shares the first one's NATS consumers and database; callers route gRPC traffic to it themselves.
   */
  startReplica(name: ServiceName): Promise<ServiceProcess>;
  close(): Promise<void>;
}

// Start order: what others call first (connection-slack, app-notifier), command-core, then the door.
const ORDER: ServiceName[] = ['connection-slack', 'app-notifier', 'command-core', 'interpreter-slack'];

/**
 * The whole suite on one machine: the Slack simulator seeded with the demo organization, the four
 * services as real processes, and the example support bot as the organization's app.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const logger: Logger = createLogger('sandbox', options.logLevel ?? 'info');
  const ports = options.ports === 'default' ? DEFAULT_PORTS : await freePorts();
  const secrets = sandboxSecrets();
  const sim = await startSlackSim({ port: ports.sim, rateLimits: options.rateLimits ?? false });
  const botUrl = `http://127.0.0.1:${ports.bot}`;
  const interpreterUrl = `http://127.0.0.1:${ports.services['interpreter-slack'].http}`;
  const seed = await seedDemo(sim.control, { interpreterUrl, appUrl: botUrl });
  const megatronAppId = seed.integration.megatron.appId;
  if (options.socketMode) await sim.control.updateApp(megatronAppId, { socketMode: true });
  const slackAppToken = options.socketMode ? (await sim.control.issueAppToken(megatronAppId)).appToken : undefined;

  const megatronSlack = new WebClient(seed.integration.megatron.botToken, { slackApiUrl: sim.apiUrl });
  const created = await megatronSlack.conversations.create({ name: 'megatron-help' });
  const notificationChannelId = created.channel?.id ?? '';
  await megatronSlack.conversations.invite({ channel: notificationChannelId, users: [seed.integration.alice.id, seed.integration.bob.id].join(',') });

  const inputs: EnvInputs = {
    ports,
    secrets,
    seed,
    simApiUrl: sim.apiUrl,
    ...(slackAppToken ? { slackAppToken } : {}),
    botUrl,
    notificationChannelId,
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    natsUrl: options.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    namespace: options.namespace,
    logLevel: options.logLevel ?? 'info',
  };
  const services = new Map<ServiceName, ServiceProcess>();
  const start = async (name: ServiceName): Promise<ServiceProcess> => {
    const env = {
      ...serviceEnv(name, inputs),
      ...options.extraEnv?.[name],
      HTTP_PORT: String(ports.services[name].http),
      GRPC_PORT: String(ports.services[name].grpc),
    };
    const service = await startService(name, env, {
      timeoutMs: 30_000,
      ...(options.onOutput ? { onOutput: (chunk: string) => options.onOutput?.(name, chunk) } : {}),
    });
    services.set(name, service);
    return service;
  };
  const replicas = new Map<ServiceName, ServiceProcess[]>();
  const startReplica = async (name: ServiceName): Promise<ServiceProcess> => {
    const env = {
      ...serviceEnv(name, inputs),
      ...options.extraEnv?.[name],
      HTTP_PORT: String(await freePort()),
      GRPC_PORT: String(await freePort()),
      INTERNAL_GRPC_PORT: String(await freePort()),
    };
    const replica = await startService(name, env, {
      timeoutMs: 30_000,
      ...(options.onOutput ? { onOutput: (chunk: string) => options.onOutput?.(name, chunk) } : {}),
    });
    replicas.set(name, [...(replicas.get(name) ?? []), replica]);
    return replica;
  };
  const stop = async (name: ServiceName, signal: NodeJS.Signals = 'SIGTERM') => {
    await services.get(name)?.stop(signal);
    services.delete(name);
  };

  let bot: SupportBot | undefined;
  try {
    for (const name of ORDER) await start(name);
    const botConfig = botConfigSchema.parse({
      PORT: String(ports.bot),
      LOG_LEVEL: options.logLevel ?? 'info',
      MEGATRON_API_URL: `http://127.0.0.1:${ports.services['command-core'].http}`,
      MEGATRON_API_TOKEN: secrets.apiToken,
      MEGATRON_WEBHOOK_SECRET: secrets.webhookSecret,
      SLACK_API_URL: sim.apiUrl,
      SUPPORT_BOT_ADMIN_TOKEN: secrets.botAdminToken,
      SUPPORT_BOT_WORKSPACES: JSON.stringify(
        [seed.globex, seed.initech].map((customer) => ({
          teamId: customer.workspace.id,
          name: customer.workspace.name,
          domain: customer.workspace.domain,
          botToken: customer.supportBot.botToken,
          botUserId: customer.supportBot.botUserId,
          signingSecret: customer.supportBot.signingSecret,
        })),
      ),
    });
    bot = await startSupportBot(botConfig, createLogger('support-bot', options.logLevel ?? 'info'));
    await bot.registerWorkspaces();
  } catch (error) {
    await Promise.all([...services.keys()].map((name) => stop(name, 'SIGKILL')));
    await bot?.close();
    await sim.close();
    throw error;
  }
  logger.debug({ ports }, 'sandbox started');
  const runningBot = bot;

  return {
    sim,
    seed,
    bot: runningBot,
    secrets,
    ports,
    notificationChannelId,
    api: apiClients(`http://127.0.0.1:${ports.services['command-core'].http}`, secrets),
    urls: {
      ui: `${sim.url}/`,
      interpreter: interpreterUrl,
      api: `http://127.0.0.1:${ports.services['command-core'].http}`,
      commandCoreGrpc: `http://127.0.0.1:${ports.services['command-core'].grpc}`,
      sim: sim.url,
      bot: botUrl,
    },
    databaseUrl: options.databaseUrl,
    services,
    replicas,
    start,
    startReplica,
    stop,
    async restart(name, signal = 'SIGTERM') {
      await stop(name, signal);
      return start(name);
    },
    async close() {
      await Promise.all([...replicas.values()].flat().map((replica) => replica.stop()));
      replicas.clear();
      for (const name of [...ORDER].reverse()) await stop(name);
      await runningBot.close();
      await sim.close();
    },
  };
}
