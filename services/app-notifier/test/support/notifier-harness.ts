import { randomBytes } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import type { Client } from '@connectrpc/connect';
import { AppCommandSchema, AppNotifierService, TenantSettingsService, type AppCommand } from '@megatron/contracts';
import { type AddressPolicy, createServiceKit, internalClient, NatsLink, publishProto, startServers, streamNames, type NatsClients } from '@megatron/runtime';
import { natsNamespace, TEST_SERVICE_TOKEN } from '@megatron/testkit';
import { appNotifierService } from '../../src/app-notifier-service.js';
import { DeadLetterStore } from '../../src/dead-letters/dead-letter-store.js';
import { appCommandHandler } from '../../src/delivery/deliver-app-command.js';
import { startDelivery } from '../../src/delivery/start-delivery.js';
import { notifierMetrics } from '../../src/notifier-metrics.js';
import { AppClient } from '../../src/outbound/app-client.js';
import { guardedAgent } from '../../src/outbound/guarded-agent.js';
import { TenantSettings } from '../../src/settings/tenant-settings.js';

export interface HarnessOptions {
  settingsUrl: string;
  scheduleMs?: number[];
  timeoutMs?: number;
  syncDeadlineMs?: number;
  maxResponseBytes?: number;
  policy?: AddressPolicy;
}

/**
 * app-notifier assembled as main.ts does, in the test process, on real NATS and real sockets, with
 * its own NATS namespace and short timings.
 */
export interface NotifierHarness {
  namespace: string;
  nats: NatsClients;
  client: Client<typeof AppNotifierService>;
  metricsText(): Promise<string>;
  publish(command: AppCommand): Promise<void>;
  stop(): Promise<void>;
}

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

let nextId = 0;
export function commandFor(organizationId: string, kind: MessageInitShape<typeof AppCommandSchema>['kind']): AppCommand {
  return create(AppCommandSchema, { id: `cmd_${Date.now()}_${nextId++}`, organizationId, kind });
}

export async function startNotifier(options: HarnessOptions): Promise<NotifierHarness> {
  const natsUrl = process.env.NATS_URL;
  if (!natsUrl) throw new Error('NATS_URL is not set: the jest global setup should have provided NATS');
  const namespace = natsNamespace();
  const kit = createServiceKit('app-notifier', { LOG_LEVEL: 'silent' });
  const metrics = notifierMetrics(kit.metrics);
  const link = new NatsLink(natsUrl, 'app-notifier-test', kit.logger);
  const nats = await link.ready;
  const policy = options.policy ?? { allowLoopback: true, allowPrivate: false };
  const agent = guardedAgent(policy);
  const settings = new TenantSettings(internalClient(TenantSettingsService, options.settingsUrl, TEST_SERVICE_TOKEN), 30_000);
  const app = new AppClient({ settings, policy, dispatcher: agent, maxResponseBytes: options.maxResponseBytes ?? 64 * 1024 });
  const deadLetters = new DeadLetterStore(link.ready, namespace);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const scheduleMs = options.scheduleMs ?? [100, 200];
  const delivery = await startDelivery({
    nc: nats.nc,
    js: nats.js,
    jsm: nats.jsm,
    namespace,
    replicas: 1,
    logger: kit.logger,
    retryCount: scheduleMs.length,
    requestTimeoutMs: timeoutMs,
    concurrency: 2,
    handle: appCommandHandler({ app, deadLetters, metrics, logger: kit.logger, retry: { scheduleMs, maxRetryAfterMs: 60_000 }, timeoutMs }),
  });
  const servers = await startServers({
    ...kit,
    httpPort: 0,
    host: '127.0.0.1',
    internal: {
      port: 0,
      serviceToken: TEST_SERVICE_TOKEN,
      serviceNames: [AppNotifierService.typeName],
      routes: (router) =>
        router.service(
          AppNotifierService,
          appNotifierService({ app, metrics, deadLetters, logger: kit.logger, deadlineMs: options.syncDeadlineMs ?? 5_000 }),
        ),
    },
  });
  const names = streamNames(namespace);
  return {
    namespace,
    nats,
    client: internalClient(AppNotifierService, `http://127.0.0.1:${servers.internalGrpcPort}`, TEST_SERVICE_TOKEN),
    metricsText: () => kit.metrics.registry.metrics(),
    async publish(command) {
      await publishProto(nats.js, names.appCommands.subject(command.organizationId), AppCommandSchema, command, { msgId: command.id });
    },
    async stop() {
      await delivery.stop();
      await servers.close();
      await nats.jsm.streams.delete(names.appCommands.stream);
      await nats.jsm.streams.delete(names.appDeadLetters.stream);
      await link.close();
      await agent.close();
    },
  };
}
