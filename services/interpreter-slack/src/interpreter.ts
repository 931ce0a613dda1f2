import { EngagementDirectory, ensureCommandStream, type HttpHandler, type Logger, type Metrics, type NatsLink, type Redis } from '@megatron/runtime';
import { publicBaseUrl, type Config } from './config.js';
import { eventHandler } from './events/handle.js';
import type { HandlerDeps } from './handler-deps.js';
import { createHttpApp } from './http/app.js';
import { interactiveMessageHandler } from './interactive/handle.js';
import { slackAppManifestYaml } from './manifest.js';
import { createInterpreterMetrics } from './metrics.js';
import { HeldDrainer } from './hold/drain.js';
import { HeldChannelsView } from './hold/held-channels-view.js';
import { HeldCommands } from './hold/held-commands.js';
import { HoldingPublisher } from './hold/holding-publisher.js';
import { createCommandPublisher, type CommandLayout } from './publish.js';
import { slashCommandHandler } from './slash/handle.js';
import { envelopeDispatcher, type SlackHandlers } from './socket-mode/dispatch.js';
import { SocketModeReceiver } from './socket-mode/receiver.js';

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
  /** The Socket Mode receiver when SLACK_APP_TOKEN is set; its `check` is true while a connection is open. */
  socketMode: SocketModeReceiver | undefined;
  /** Closes the Socket Mode connections once their acks are out, waits for replies still going out through response_url, stops watching the directory. */
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
  // Resolved by the setup loop below once the stream is ensured: the publisher waits on it, bounded by its timeout.
  let layoutKnown!: (layout: CommandLayout) => void;
  const layout = new Promise<CommandLayout>((resolve) => {
    layoutKnown = resolve;
  });

  // Publishing can start the moment NATS answers; the stream is ensured here too so the first
  // Command after a fresh install is not lost to "no stream" while command-core is still starting.
  const ready = (async () => {
    for (;;) {
      try {
        const { nc, js, jsm } = await deps.nats.ready;
        const partitions = await ensureCommandStream(jsm, config.NATS_NAMESPACE, config.NATS_STREAM_REPLICAS, config.COMMAND_PARTITIONS, logger);
        layoutKnown({ js, partitions });
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

  const direct = createCommandPublisher({
    layout,
    namespace: config.NATS_NAMESPACE,
    timeoutMs: config.PUBLISH_TIMEOUT_MS,
  });
  const held = new HeldCommands(deps.redis, config.HOLD_MAX_COMMANDS);
  const view = new HeldChannelsView({ redis: deps.redis, held, logger });
  const holding = new HoldingPublisher({ publish: direct, held, view, logger, now, onHeld: (kind) => metrics.held.inc({ kind }) });
  const drainer = new HeldDrainer({
    held,
    publish: direct,
    logger,
    intervalMs: config.HOLD_DRAIN_INTERVAL_MS,
    onPublished: (kind) => {
      holding.natsBack();
      metrics.published.inc({ kind });
    },
  });
  drainer.start();
  const handlerDeps: HandlerDeps = { publish: holding.publish, logger, metrics, now, verificationToken: config.MEGATRON_VERIFICATION_TOKEN };
  const afterAck = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const baseUrl = publicBaseUrl(config);
  const isEngagementChannel = (channelId: string) => (directory ? directory.lookup(channelId) !== undefined : undefined);

  // One mapping, two receivers: HTTP requests and Socket Mode envelopes reach the same handlers.
  const handlers: SlackHandlers = {
    slash_command: slashCommandHandler(handlerDeps),
    interactive_message: interactiveMessageHandler({ ...handlerDeps, afterAck }),
    event: eventHandler({ ...handlerDeps, isEngagementChannel }),
  };
  const app = createHttpApp({
    signingSecret: config.SLACK_SIGNING_SECRET,
    maxBodyBytes: config.SLACK_MAX_BODY_BYTES,
    now,
    logger,
    metrics,
    slashCommand: handlers.slash_command,
    interactiveMessage: handlers.interactive_message,
    event: handlers.event,
    manifest: (socketMode = config.SLACK_APP_TOKEN !== undefined) => {
      if (socketMode) return slackAppManifestYaml({ socketMode, slashCommand: config.SLASH_COMMAND });
      return baseUrl ? slackAppManifestYaml({ baseUrl, slashCommand: config.SLASH_COMMAND }) : undefined;
    },
  });

  const socketMode =
    config.SLACK_APP_TOKEN === undefined
      ? undefined
      : new SocketModeReceiver({
          apiUrl: config.SLACK_API_URL,
          appToken: config.SLACK_APP_TOKEN,
          maxPayloadBytes: config.SLACK_MAX_BODY_BYTES,
          logger,
          handle: envelopeDispatcher({ handlers, logger, metrics }),
        });
  // Slack hands envelopes to whichever connection is open, so a replica connects only once it can store
  // Commands and tell engagement channels apart; before that its events would only come back on Slack's
  // retry schedule, a minute or more later.
  void ready.then(() => {
    if (!closed) socketMode?.start();
  });

  return {
    handler: app.callback(),
    ready,
    isEngagementChannel,
    check: async () => directory !== undefined,
    socketMode,
    async close() {
      closed = true;
      await socketMode?.close();
      await Promise.all([...pending, drainer.stop()]);
      view.stop();
      directory?.close();
    },
  };
}
