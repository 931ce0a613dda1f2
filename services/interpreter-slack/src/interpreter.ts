import { commandStream, EngagementDirectory, ensureStream, type HttpHandler, type Logger, type Metrics, type NatsLink, type Redis } from '@megatron/runtime';
import { publicBaseUrl, type Config } from './config.js';
import { EventDeduplicator } from './events/dedup.js';
import { eventHandler } from './events/handle.js';
import type { HandlerDeps } from './handler-deps.js';
import { createHttpApp } from './http/app.js';
import { interactiveMessageHandler } from './interactive/handle.js';
import { slackAppManifestYaml } from './manifest.js';
import { createInterpreterMetrics } from './metrics.js';
import { createCommandPublisher, type PublishCommand } from './publish.js';
import { slashCommandHandler } from './slash/handle.js';

export interface InterpreterDeps {
  logger: Logger;
  metrics: Metrics;
  nats: NatsLink;
  redis: Redis;
  /** Milliseconds since the epoch; injectable so signature windows can be tested at any instant. */
  now?: () => number;
}

export interface Interpreter {
  /** Mount as startServers' `httpHandler`: the Slack routes, `GET /` and the manifest. */
  handler: HttpHandler;
  /** Readiness probe: the command stream exists and the engagement directory is loaded. */
  check: () => Promise<boolean>;
  /** Resolves once the command stream exists and the engagement directory is loaded. */
  ready: Promise<void>;
  /** From memory: whether events in this channel matter; undefined while the directory is not loaded. */
  isEngagementChannel: (channelId: string) => boolean | undefined;
  /** Waits for replies still going out through response_url, stops watching the directory. */
  close(): Promise<void>;
}

const SETUP_RETRY_MS = 1_000;

export function createInterpreter(config: Config, deps: InterpreterDeps): Interpreter {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const metrics = createInterpreterMetrics(deps.metrics);
  let directory: EngagementDirectory | undefined;
  let closed = false;
  const pending = new Set<Promise<void>>();

  // Publishing can start the moment NATS answers; the stream is ensured here too so the first
  // Command after a fresh install is not lost to "no stream" while command-core is still starting.
  const ready = (async () => {
    for (;;) {
      try {
        const { nc, jsm } = await deps.nats.ready;
        await ensureStream(jsm, commandStream(config.NATS_NAMESPACE, config.NATS_STREAM_REPLICAS));
        const opened = await EngagementDirectory.open(nc, config.NATS_NAMESPACE, config.NATS_STREAM_REPLICAS);
        await opened.watch();
        if (closed) opened.close();
        else directory = opened;
        return;
      } catch (error) {
        if (closed) return;
        logger.warn({ err: error }, 'command stream or engagement directory not ready; retrying');
        await new Promise((resolve) => setTimeout(resolve, SETUP_RETRY_MS).unref());
      }
    }
  })();

  const publish: PublishCommand = createCommandPublisher({
    clients: deps.nats.ready,
    namespace: config.NATS_NAMESPACE,
    partitions: config.COMMAND_PARTITIONS,
    timeoutMs: config.PUBLISH_TIMEOUT_MS,
  });
  const handlerDeps: HandlerDeps = { publish, logger, metrics, now, verificationToken: config.MEGATRON_VERIFICATION_TOKEN };
  const afterAck = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const baseUrl = publicBaseUrl(config);
  const isEngagementChannel = (channelId: string) => (directory ? directory.lookup(channelId) !== undefined : undefined);

  const app = createHttpApp({
    signingSecret: config.SLACK_SIGNING_SECRET,
    maxBodyBytes: config.SLACK_MAX_BODY_BYTES,
    now,
    logger,
    metrics,
    slashCommand: slashCommandHandler(handlerDeps),
    interactiveMessage: interactiveMessageHandler({ ...handlerDeps, afterAck }),
    event: eventHandler({
      ...handlerDeps,
      dedup: new EventDeduplicator(deps.redis, config.EVENT_DEDUP_TTL_SECONDS, logger),
      isEngagementChannel,
    }),
    manifest: () => (baseUrl ? slackAppManifestYaml({ baseUrl, slashCommand: config.SLASH_COMMAND }) : undefined),
  });

  return {
    handler: app.callback(),
    ready,
    isEngagementChannel,
    check: async () => directory !== undefined,
    async close() {
      closed = true;
      await Promise.all(pending);
      directory?.close();
    },
  };
}
