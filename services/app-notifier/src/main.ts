import { AppNotifierService, TenantSettingsService } from '@megatron/contracts';
import { createServiceKit, installShutdown, loadConfigOrExit, NatsLink, rpcClient, startServers } from '@megatron/runtime';
import { appNotifierService } from './app-notifier-service.js';
import { addressPolicy, configSchema } from './config.js';
import { DeadLetterStore } from './dead-letters/dead-letter-store.js';
import { appCommandHandler } from './delivery/deliver-app-command.js';
import { startDelivery } from './delivery/start-delivery.js';
import { notifierMetrics } from './notifier-metrics.js';
import { AppClient } from './outbound/app-client.js';
import { guardedAgent } from './outbound/guarded-agent.js';
import { TenantSettings } from './settings/tenant-settings.js';

const config = loadConfigOrExit(configSchema);
const kit = createServiceKit('app-notifier', config);
const metrics = notifierMetrics(kit.metrics);
const nats = new NatsLink(config.NATS_URL, 'app-notifier', kit.logger);
kit.readiness.add({ name: 'nats', probe: nats.check });

const policy = addressPolicy(config);
const agent = guardedAgent(policy);
const settings = new TenantSettings(rpcClient(TenantSettingsService, config.COMMAND_CORE_GRPC_URL), config.SETTINGS_CACHE_MS);
const app = new AppClient({ settings, policy, dispatcher: agent, maxResponseBytes: config.APP_COMMAND_MAX_RESPONSE_BYTES });
const deadLetters = new DeadLetterStore(nats.ready, config.NATS_NAMESPACE);

const servers = await startServers({
  ...kit,
  httpPort: config.HTTP_PORT,
  grpcPort: config.GRPC_PORT,
  serviceNames: [AppNotifierService.typeName],
  routes: (router) =>
    router.service(
      AppNotifierService,
      appNotifierService({ app, metrics, deadLetters, logger: kit.logger, deadlineMs: config.APP_COMMAND_SYNC_DEADLINE_MS }),
    ),
});
await kit.readiness.start();

const { js, jsm } = await nats.ready;
const delivery = await startDelivery({
  js,
  jsm,
  namespace: config.NATS_NAMESPACE,
  logger: kit.logger,
  retryCount: config.APP_COMMAND_RETRY_SCHEDULE.length,
  requestTimeoutMs: config.APP_COMMAND_TIMEOUT_MS,
  concurrency: config.APP_COMMAND_CONCURRENCY,
  handle: appCommandHandler({
    app,
    deadLetters,
    metrics,
    logger: kit.logger,
    retry: { scheduleMs: config.APP_COMMAND_RETRY_SCHEDULE, maxRetryAfterMs: config.APP_COMMAND_MAX_RETRY_AFTER_MS },
    timeoutMs: config.APP_COMMAND_TIMEOUT_MS,
  }),
});
kit.logger.info({ retrySchedule: config.APP_COMMAND_RETRY_SCHEDULE, policy }, 'delivering app commands');

installShutdown({
  ...kit,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    { name: 'delivery', run: () => delivery.stop() },
    { name: 'servers', run: () => servers.close() },
    { name: 'nats', run: () => nats.close() },
    { name: 'http-agent', run: () => agent.close() },
  ],
});
