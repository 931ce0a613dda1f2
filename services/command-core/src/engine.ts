import type { ServiceImpl } from '@connectrpc/connect';
import { AppNotifierService, SlackConnectionService, type MegatronService } from '@megatron/contracts';
import { appCommandStream, EngagementDirectory, ensureStream, internalClient, serviceTokenOf, type Logger, type Metrics, type NatsClients, type Pool, type Redis, type RunningConsumer } from '@megatron/runtime';
import { megatronService } from './api/megatron-service.js';
import type { Config } from './config.js';
import { Scheduler, type ItemResult, type RunDueOptions } from './scheduler/scheduler.js';
import { startCommandConsumers } from './takeover/command-consumer.js';
import { BotIdentities, slackBotLookup } from './takeover/bot-identity.js';
import type { TakeoverContext } from './takeover/context.js';
import type { CustomerLocks } from './takeover/lifecycle/customer-locks.js';
import { ParkedChannels } from './takeover/parked-channels.js';
import { Receipts } from './takeover/receipts.js';
import { CustomerTokens } from './takeover/slack-gateway.js';
import { CachedTenants } from './tenants/cached-tenants.js';
import type { TenantChanges } from './tenants/tenant-changes.js';
import type { Tenants } from './tenants/types.js';

export interface TakeoverDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  pool: Pool;
  /** Lifecycle locks on sessions of their own; the caller ends them after the servers stopped. */
  locks: CustomerLocks;
  redis: Redis;
  nats: NatsClients;
  tenants: Tenants;
  /** Tenant changes heard from every process; without it the tenant cache relies on its lifetime alone. */
  changes?: TenantChanges;
  clock?: () => Date;
}

export interface Takeover {
  megatronService: ServiceImpl<typeof MegatronService>;
  /** Declares streams and consumers, starts consuming every partition and the scheduler. */
  start(): Promise<void>;
  /** Stops taking work and finishes the command in hand. */
  stop(): Promise<void>;
  /** Runs the scheduled jobs due at `at` (default: the injected clock's now); for tests and operators. */
  runScheduledJobs(options?: RunDueOptions): Promise<ItemResult[]>;
}

export function createTakeover(deps: TakeoverDeps): Takeover {
  const { config, logger, metrics, nats } = deps;
  const serviceToken = serviceTokenOf(config);
  const slack = internalClient(SlackConnectionService, config.CONNECTION_SLACK_URL, serviceToken);
  const appNotifier = internalClient(AppNotifierService, config.APP_NOTIFIER_URL, serviceToken);
  const tenants = new CachedTenants(deps.tenants);
  if (deps.changes) tenants.listenTo(deps.changes);
  const customerTokens = new CustomerTokens(tenants, appNotifier, logger);
  let directory: EngagementDirectory | undefined;
  const ctx: TakeoverContext = {
    config,
    logger,
    pool: deps.pool,
    redis: deps.redis,
    js: nats.js,
    tenants,
    slack,
    appNotifier,
    customerTokens,
    botIdentities: new BotIdentities(slackBotLookup(slack, customerTokens), logger),
    receipts: new Receipts(slack, logger),
    // Opened in start(); every operation that needs it runs after start.
    get directory(): EngagementDirectory {
      if (!directory) throw new Error('takeover not started: the engagement directory is not open yet');
      return directory;
    },
    clock: deps.clock ?? (() => new Date()),
    locks: deps.locks,
    measures: {
      firstResponse: metrics.histogram({
        name: 'megatron_first_response_seconds',
        help: "From an engagement's open (or the customer's first message after it) to the first agent message the customer got",
        buckets: [15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
      }),
      engagementDuration: metrics.histogram({
        name: 'megatron_engagement_duration_seconds',
        help: 'From an engagement channel opening to its close',
        buckets: [300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 24 * 3600],
      }),
    },
  };
  const handled = metrics.counter({ name: 'megatron_commands_total', help: 'Commands settled, by kind and outcome', labelNames: ['kind', 'outcome'] as const });
  const scheduler = new Scheduler(ctx);
  const parked = new ParkedChannels(ctx);
  let consumers: RunningConsumer[] = [];

  return {
    megatronService: megatronService(ctx),
    async start() {
      directory = await EngagementDirectory.open(nats.nc, config.NATS_NAMESPACE, config.NATS_STREAM_REPLICAS);
      // Publishing needs the stream even before app-notifier has started and declared it.
      await ensureStream(nats.jsm, appCommandStream(config.NATS_NAMESPACE, config.NATS_STREAM_REPLICAS));
      consumers = await startCommandConsumers(ctx, nats, parked, (kind, outcome) => handled.inc({ kind, outcome }));
      parked.start();
      scheduler.start();
      logger.info({ partitions: consumers.length }, 'takeover engine started');
    },
    async stop() {
      await ctx.receipts.drained();
      await scheduler.stop();
      await Promise.all([parked.stop(), ...consumers.map((consumer) => consumer.stop())]);
      consumers = [];
    },
    runScheduledJobs: (options) => scheduler.runDue(options),
  };
}
