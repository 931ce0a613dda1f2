import { AppNotifierService, TenantSettingsService } from '@megatron/contracts';
import { commandUrlPolicy, DEFAULT_DOOR_LIMITS, INTERNAL_MESSAGE_BYTES, internalClient, NatsLink, serviceTokenOf, startServers, type RunningService, type ServiceKit } from '@megatron/runtime';
import { appNotifierService } from './app-notifier-service.js';
import type { Config } from './config.js';
import { DeadLetterStore } from './dead-letters/dead-letter-store.js';
import { appCommandHandler } from './delivery/deliver-app-command.js';
import { startDelivery } from './delivery/start-delivery.js';
import { notifierMetrics } from './notifier-metrics.js';
import { AppClient } from './outbound/app-client.js';
import { guardedAgent } from './outbound/guarded-agent.js';
import { TenantSettings } from './settings/tenant-settings.js';

/**
 * Wires app-notifier: organization settings from command-core, one guarded HTTP agent for every request
 * to an app, the sync RPCs at once and the delivery of queued app commands once NATS answers.
 */
export async function startAppNotifier(config: Config, kit: ServiceKit): Promise<RunningService> {
  const metrics = notifierMetrics(kit.metrics);
  const nats = new NatsLink(config.NATS_URL, 'app-notifier', kit.logger);
  kit.readiness.add({ name: 'nats', probe: nats.check });

  const policy = commandUrlPolicy(config);
  const agent = guardedAgent(policy);
  const serviceToken = serviceTokenOf(config);
  const settings = new TenantSettings(internalClient(TenantSettingsService, config.COMMAND_CORE_GRPC_URL, serviceToken), config.SETTINGS_CACHE_MS);
  const app = new AppClient({ settings, policy, dispatcher: agent, maxResponseBytes: config.APP_COMMAND_MAX_RESPONSE_BYTES });
  const deadLetters = new DeadLetterStore(nats.ready, config.NATS_NAMESPACE);

  // HTTP serves only the ops endpoints; the sync calls answer secrets (refresh_workspace's bot token),
  // so they live on the internal gRPC port behind the service token.
  const servers = await startServers({
    ...kit,
    httpPort: config.HTTP_PORT,
    limits: { ...DEFAULT_DOOR_LIMITS, readTimeoutMs: config.HTTP_READ_TIMEOUT_MS },
    internal: {
      port: config.GRPC_PORT,
      serviceToken,
      serviceNames: [AppNotifierService.typeName],
      routes: (router) =>
        router.service(
          AppNotifierService,
          appNotifierService({ app, metrics, deadLetters, logger: kit.logger, deadlineMs: config.APP_COMMAND_SYNC_DEADLINE_MS }),
        ),
      maxMessageBytes: INTERNAL_MESSAGE_BYTES,
    },
  });
  await kit.readiness.start();

  // Delivery waits for NATS in the background: the sync RPCs and probes must answer meanwhile.
  let stopping = false;
  const delivery = nats.ready.then(({ nc, js, jsm }) =>
    stopping ? undefined : startDelivery({
      nc,
      js,
      jsm,
      namespace: config.NATS_NAMESPACE,
      replicas: config.NATS_STREAM_REPLICAS,
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
    }),
  );
  delivery.then(
    () => kit.logger.info({ retrySchedule: config.APP_COMMAND_RETRY_SCHEDULE, policy }, 'delivering app commands'),
    (error: unknown) => {
      kit.logger.fatal({ err: error }, 'app command delivery failed to start');
      process.exit(1);
    },
  );

  return {
    httpPort: servers.httpPort,
    grpcPort: servers.internalGrpcPort,
    shutdownSteps: [
      {
        name: 'delivery',
        run: async () => {
          stopping = true;
          // Not started yet means NATS never answered: nothing is in hand to finish.
          const started = await Promise.race([delivery, Promise.resolve(undefined)]);
          await started?.stop();
        },
      },
      { name: 'servers', run: () => servers.close() },
      { name: 'nats', run: () => nats.close() },
      { name: 'http-agent', run: () => agent.close() },
    ],
  };
}
