import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type PubAck,
  type StreamInfo,
} from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { natsServers } from './config.js';
import { isJetStreamApiError, JetStreamApiCodes } from './jetstream-errors.js';
import type { Logger } from './logger.js';
import { pullMessages } from './resilient-pull.js';
import { publishStored } from './stored-publish.js';
import { declared, requireReplicas } from './stream-replicas.js';
import { extractTraceContext, failSpan, inSpan, injectTraceContext, SpanKind, type Span } from './trace-context.js';

export type { JetStreamClient, JetStreamManager, JsMsg, NatsConnection, PubAck };

const nanos = (ms: number) => ms * 1_000_000;

/**
 * Connects to any server of a NATS_URL (one, or a cluster's comma-separated list; the cluster tells the client
 * of the others), retrying the first connection and every later loss until closed.
 */
export async function connectNats(url: string, name: string, logger: Logger): Promise<NatsConnection> {
  // noAsyncTraces: nats.js otherwise captures a stack trace for every request (each JetStream publish and ack
  // wait), a measurable share of interpreter-slack's CPU per event; our errors name what failed themselves.
  const nc = await connect({ servers: natsServers(url), name, waitOnFirstConnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500, noAsyncTraces: true });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') logger.warn({ nats: status.type }, 'nats connection changed');
    }
  })();
  return nc;
}

export interface NatsClients {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/**
 * The process's NATS connection, made in the background so a service can serve its health
 * endpoints (not ready) while NATS is still away at start.
 */
export class NatsLink {
  private clients: NatsClients | undefined;
  readonly ready: Promise<NatsClients>;

  constructor(url: string, name: string, logger: Logger) {
    this.ready = connectNats(url, name, logger).then(async (nc) => {
      this.clients = { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
      return this.clients;
    });
    this.ready.catch((error: unknown) => logger.error({ err: error }, 'nats connection failed'));
  }

  /** Readiness probe: connected and the server answers a JetStream request. */
  readonly check = async (): Promise<boolean> => {
    if (!this.clients || this.clients.nc.isClosed()) return false;
    await this.clients.jsm.getAccountInfo();
    return true;
  };

  /** Flushes what was published and closes; safe when never connected. */
  async close(): Promise<void> {
    if (this.clients && !this.clients.nc.isClosed()) await this.clients.nc.drain();
  }
}

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** JetStream de-duplication window for Nats-Msg-Id. */
  duplicateWindowMs: number;
  maxAgeMs: number;
  /** Copies on as many JetStream servers (NATS_STREAM_REPLICAS); the durable consumers follow. */
  replicas: number;
  description?: string;
}

/**
 * Creates the stream, or brings an existing one to this spec, its replica count included (NATS 2.9 moves a
 * stream between 1 and 3 replicas in place). Safe to call from every replica.
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  let exists = true;
  try {
    await jsm.streams.info(spec.name);
  } catch (error) {
    if (!isJetStreamApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    exists = false;
  }
  await declareStream(jsm, spec, exists);
}

/**
 * Updates the stream, or adds it when `exists` is false; an add fails when another process added the stream in
 * the meantime with a different configuration (MoreJetStreamApiCodes.StreamNameInUse).
 */
export async function declareStream(jsm: JetStreamManager, spec: StreamSpec, exists: boolean): Promise<void> {
  const config = {
    name: spec.name,
    subjects: spec.subjects,
    duplicate_window: nanos(spec.duplicateWindowMs),
    max_age: nanos(spec.maxAgeMs),
    num_replicas: spec.replicas,
    ...(spec.description ? { description: spec.description } : {}),
  };
  const info: StreamInfo = await declared(spec.name, spec.replicas, exists ? jsm.streams.update(spec.name, config) : jsm.streams.add(config));
  requireReplicas(info, spec.replicas);
}

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubject?: string;
  /** Redelivered to another replica when not acked within this time (a crashed worker). */
  ackWaitMs: number;
  /** 1 keeps strict order: the next message waits until this one is acked or terminated. */
  maxAckPending: number;
  maxDeliver: number;
}

/**
 * Creates the durable consumer or brings it to this spec. Its replicas are left to JetStream, which gives a
 * durable consumer those of its stream and changes them with the stream's (NATS 2.9 does both).
 */
export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  const config = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
    max_deliver: spec.maxDeliver,
    ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
  };
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, config);
  } catch (error) {
    if (!isJetStreamApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(spec.stream, config);
  }
}

export interface PublishOptions {
  /** Nats-Msg-Id: a second publish with the same id inside the window is dropped by the server. */
  msgId: string;
  headers?: Record<string, string>;
  /** Until the stream confirms storing it, every attempt included. */
  timeoutMs?: number;
}

/**
 * Publishes a protobuf message and resolves only once the stream has stored it, trying again within
 * `timeoutMs` while a stream changes leader (see stored-publish.ts). The publish is a
 * span of the active trace, and its context travels in the `traceparent` header to the consumer.
 */
export async function publishProto<D extends DescMessage>(
  js: JetStreamClient,
  subject: string,
  schema: D,
  message: MessageShape<D>,
  options: PublishOptions,
): Promise<PubAck> {
  const attributes = { 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.destination.name': subject, 'messaging.message.id': options.msgId };
  return inSpan(`publish ${schema.typeName}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
    const hdrs = natsHeaders();
    for (const [key, value] of Object.entries(options.headers ?? {})) hdrs.set(key, value);
    injectTraceContext(hdrs);
    const ack = await publishStored(js, subject, toBinary(schema, message), { msgId: options.msgId, headers: hdrs, timeoutMs: options.timeoutMs ?? 5_000 });
    span.setAttributes({ 'messaging.nats.stream': ack.stream, 'messaging.nats.sequence': ack.seq, 'messaging.nats.duplicate': ack.duplicate });
    return ack;
  });
}

/** What a handler decided: done, try again later, or never again. */
export type Outcome = { kind: 'ack' } | { kind: 'nak'; delayMs: number; reason: string } | { kind: 'term'; reason: string };

export const ack = (): Outcome => ({ kind: 'ack' });
export const nak = (delayMs: number, reason: string): Outcome => ({ kind: 'nak', delayMs, reason });
export const term = (reason: string): Outcome => ({ kind: 'term', reason });

export interface Delivery<T> {
  message: T;
  msg: JsMsg;
  /** 1 on the first delivery. */
  attempt: number;
}

export interface ConsumeOptions<D extends DescMessage> {
  /** The connection `js` runs on: made anew when it goes silent (see resilient-pull.ts). */
  nc: NatsConnection;
  js: JetStreamClient;
  stream: string;
  durable: string;
  schema: D;
  logger: Logger;
  handle: (delivery: Delivery<MessageShape<D>>) => Promise<Outcome>;
  /** Delay before redelivery when the handler throws, by attempt (last value repeats). */
  retryDelaysMs?: number[];
  /** How often `working()` extends the ack deadline while a handler runs. */
  heartbeatMs?: number;
  /** How often the server confirms an idle pull is alive (see resilient-pull.ts); 2 s unless given. */
  idleHeartbeatMs?: number;
  /** Messages one pull asks for; only for a consumer with max_ack_pending 1 (see resilient-pull.ts). */
  pullBatch?: number;
}

export interface RunningConsumer {
  /** Stops pulling, waits for the message in hand to be settled. */
  stop(): Promise<void>;
  done: Promise<void>;
}

/**
 * Pulls from a durable consumer one message at a time (renewing the pull whenever it stalls, see
 * resilient-pull.ts), decodes it, and settles it exactly as the handler says. A message that cannot
 * be decoded is terminated (it can never succeed); a handler that throws is treated as transient and
 * naked with the retry delay for that attempt. Each message is handled in a span that continues the
 * publisher's trace (`traceparent` header).
 */
export async function consumeProto<D extends DescMessage>(options: ConsumeOptions<D>): Promise<RunningConsumer> {
  const { logger } = options;
  const delays = options.retryDelaysMs ?? [1_000, 5_000, 15_000, 30_000];
  const messages = await pullMessages({
    nc: options.nc,
    js: options.js,
    stream: options.stream,
    durable: options.durable,
    logger,
    ...(options.idleHeartbeatMs ? { idleHeartbeatMs: options.idleHeartbeatMs } : {}),
    ...(options.pullBatch ? { pullBatch: options.pullBatch } : {}),
  });
  let stopping = false;

  const handle = async (msg: JsMsg, span: Span): Promise<void> => {
    const attempt = msg.info.deliveryCount;
    let decoded: MessageShape<D>;
    try {
      decoded = fromBinary(options.schema, msg.data);
    } catch (error) {
      logger.error({ err: error, subject: msg.subject, seq: msg.seq }, 'undecodable message terminated');
      failSpan(span, error);
      msg.term();
      return;
    }
    const heartbeat = setInterval(() => msg.working(), options.heartbeatMs ?? 10_000);
    let outcome: Outcome;
    try {
      outcome = await options.handle({ message: decoded, msg, attempt });
    } catch (error) {
      const delayMs = delays[Math.min(attempt - 1, delays.length - 1)] ?? 1_000;
      logger.warn({ err: error, subject: msg.subject, seq: msg.seq, attempt, delayMs }, 'handler failed; will retry');
      failSpan(span, error);
      outcome = nak(delayMs, error instanceof Error ? error.message : String(error));
    } finally {
      clearInterval(heartbeat);
    }
    if (outcome.kind === 'term') logger.warn({ subject: msg.subject, seq: msg.seq, attempt, reason: outcome.reason }, 'message terminated');
    span.setAttribute('megatron.outcome', outcome.kind);
    settle(msg, outcome);
  };

  const done = (async () => {
    for await (const msg of messages) {
      const attributes = {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': msg.subject,
        'messaging.consumer.group.name': options.durable,
        'messaging.nats.sequence': msg.seq,
        'messaging.nats.delivery_count': msg.info.deliveryCount,
      };
      await inSpan(`process ${options.schema.typeName}`, { kind: SpanKind.CONSUMER, attributes, parent: extractTraceContext(msg.headers) }, (span) => handle(msg, span));
      if (stopping) break;
    }
  })();

  return {
    done,
    async stop() {
      stopping = true;
      await messages.close();
      await done;
    },
  };
}

function settle(msg: JsMsg, outcome: Outcome): void {
  if (outcome.kind === 'ack') msg.ack();
  else if (outcome.kind === 'nak') msg.nak(outcome.delayMs);
  // No reason on the wire: NATS 2.9 ignores "+TERM <reason>" and redelivers (reasons came in 2.10).
  else msg.term();
}
