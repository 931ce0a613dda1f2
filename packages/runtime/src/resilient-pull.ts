import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from './logger.js';

export interface PullOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  stream: string;
  durable: string;
  logger: Logger;
  /** How often the server says it is still there while no message comes; IDLE_HEARTBEAT_MS unless given. */
  idleHeartbeatMs?: number;
  /**
   * How many messages one pull asks for (1 unless given). More is only for a consumer with max_ack_pending 1: the
   * server then hands out one at a time anyway, and a standing pull spares a pull request per message.
   */
  pullBatch?: number;
}

/** A durable consumer's messages, one at a time, for as long as it is not closed. */
export interface MessagePull extends AsyncIterable<JsMsg> {
  /** Stops pulling; the iteration ends after the message in hand. */
  close(): Promise<void>;
}

/**
 * A pull waiting at a consumer leader that dies (a node lost in a NATS cluster) is never answered, and missed
 * heartbeats are how the client learns of it. The library's default (half the 30 s pull expiry) would leave
 * a partition still for 30 to 60 s after such a loss; at 2 s it pulls again about as soon as the surviving
 * replicas have elected a new leader, for one small message every 2 s from an idle pull.
 */
const IDLE_HEARTBEAT_MS = 2_000;
/**
 * The library resets its pull when two heartbeats are missed; still silent two heartbeats later, that
 * reset did not help (a pull lost with a server or a route, a link gone silent) and the iterator is made anew.
 */
const MISSED_HEARTBEATS_BEFORE_RENEWAL = 4;
/** How long NATS gets to answer a ping before a silent link is taken for dead. */
const PING_ANSWER_MS = 2_000;
/** Between attempts to get the consumer back (last value repeats). */
const RENEWAL_DELAYS_MS = [250, 1_000, 2_000, 5_000];

/**
 * Pulls one message at a time from a durable consumer and keeps doing so whatever happens to the
 * pull underneath: the iterator is watched through `status()`, and when heartbeats stay missing or
 * the iterator ends on its own (an error, the consumer deleted) a new one is made, retried until the
 * consumer answers again. Heartbeats that stay missing on a link that does not answer a ping either
 * mean a half-open socket, which NATS's own pings would notice only after minutes: the connection is
 * made anew at once. After a reconnect the iterator is made anew too: the library would check the
 * consumer once and, when that fails (a cluster still electing the consumer's new leader after a node
 * died), wait up to a pull expiry before trying again, its heartbeat watch paused meanwhile. A message
 * the old iterator held but had not handed out is redelivered by the server after ack_wait. The first
 * iterator is made before this resolves, so a missing consumer fails the caller at start.
 */
export async function pullMessages(options: PullOptions): Promise<MessagePull> {
  const { logger } = options;
  const log = logger.child({ stream: options.stream, durable: options.durable });
  const open = async (): Promise<ConsumerMessages> => {
    const consumer = await options.js.consumers.get(options.stream, options.durable);
    return consumer.consume({ max_messages: options.pullBatch ?? 1, idle_heartbeat: options.idleHeartbeatMs ?? IDLE_HEARTBEAT_MS });
  };
  let current = await open();
  let closed = false;
  let wake: (() => void) | undefined;
  /** Stops the pull in hand so that a new one is made; set while one runs. */
  let renewNow: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const renew = async (): Promise<ConsumerMessages | undefined> => {
    for (let attempt = 0; !closed; attempt++) {
      await sleep(RENEWAL_DELAYS_MS[Math.min(attempt, RENEWAL_DELAYS_MS.length - 1)] ?? 1_000);
      if (closed) return undefined;
      // Closed on purpose (drained at shutdown): nothing will answer on it again.
      if (options.nc.isClosed()) {
        log.info('connection closed; no longer pulling');
        return undefined;
      }
      try {
        const renewed = await open();
        if (closed) {
          await renewed.close();
          return undefined;
        }
        log.info({ attempt: attempt + 1 }, 'pull renewed; consuming again');
        return renewed;
      } catch (error) {
        log.warn({ err: error, attempt: attempt + 1 }, 'consumer not reachable yet; retrying');
      }
    }
    return undefined;
  };

  /** Follows a pull's notifications; stops it (after `stalled()`) when heartbeats stay missing. */
  const watch = async (messages: ConsumerMessages, stalled: () => void): Promise<void> => {
    for await (const status of messages.status()) {
      if (status.type === 'heartbeats_missed' && status.count >= MISSED_HEARTBEATS_BEFORE_RENEWAL) {
        stalled();
        if (await answersPing(options.nc)) {
          log.warn({ missed: status.count }, 'heartbeats missed; renewing the pull');
        } else {
          log.warn({ missed: status.count }, 'heartbeats missed and NATS does not answer a ping; reconnecting');
          // reconnect() is marked experimental in nats.js v3; it is the only way to drop a half-open socket.
          await options.nc.reconnect().catch((error: unknown) => log.warn({ err: error }, 'reconnect refused'));
        }
        messages.stop();
        return;
      }
      if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found' || status.type === 'stream_not_found') {
        log.warn({ status: status.type }, 'consumer gone; waiting for it to come back');
      }
    }
  };

  void (async () => {
    for await (const status of options.nc.status()) {
      if (closed) return;
      if (status.type === 'reconnect') {
        log.info('reconnected; renewing the pull');
        renewNow?.();
      }
    }
  })();

  async function* messages(): AsyncGenerator<JsMsg> {
    for (let pull: ConsumerMessages | undefined = current; pull !== undefined; pull = await renew()) {
      current = pull;
      let stalled = false;
      const renewing = pull;
      renewNow = () => {
        stalled = true;
        renewing.stop();
      };
      void watch(pull, () => (stalled = true));
      try {
        for await (const msg of pull) yield msg;
        if (!closed && !stalled) log.warn('pull ended by itself; renewing it');
      } catch (error) {
        if (!closed) log.warn({ err: error }, 'pull failed; renewing it');
      }
      if (closed) return;
    }
  }

  return {
    [Symbol.asyncIterator]: messages,
    async close() {
      closed = true;
      wake?.();
      await current.close();
    },
  };
}

async function answersPing(nc: NatsConnection): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_ANSWER_MS)));
  try {
    return await Promise.race([nc.flush().then(() => true), silence]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
