import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@megatron/runtime';
import { WebSocket } from 'ws';
import { ConnectionsOpenFailed, openConnectionUrl } from './connections-open.js';
import { readSocketMessage, type Ack, type Envelope, type SocketMessage } from './envelope.js';

export interface SocketModeOptions {
  /** Slack's Web API base, ending with a slash. */
  apiUrl: string;
  /** The app-level `xapp-` token; never logged. */
  appToken: string;
  /** Largest message a connection accepts; a bigger one closes it (1009) and the receiver reconnects. */
  maxPayloadBytes: number;
  logger: Logger;
  /** Decides an envelope's ack; resolves only once any Command it carries is stored, and never rejects. */
  handle: (envelope: Envelope) => Promise<Ack>;
}

const HELLO_TIMEOUT_MS = 10_000;
/** A connection that answers no ping within this is taken for dead (a half-open TCP connection sends no close). */
const PING_INTERVAL_MS = 10_000;
/** Slack may keep the TCP connection after the close handshake; a retired connection is cut off after this. */
const CLOSE_TIMEOUT_MS = 1_000;
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 30_000;

interface Link {
  id: number;
  ws: WebSocket;
  host: string;
  /** Envelopes being handled whose acks go back over this connection. */
  inFlight: Set<Promise<void>>;
  /** Something arrived since the last ping. */
  alive: boolean;
  closed: Promise<void>;
}

/** Exponential with jitter, so replicas that lost Slack together do not call apps.connections.open in step. */
function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
}

/**
 * Slack's Socket Mode from this process: one connection at a time, replaced before it goes when Slack sends
 * `disconnect` (a new connection opens first, the old one closes once its acks are out), reopened with backoff
 * when it drops. Several replicas each hold their own connection and Slack hands each envelope to one of them.
 */
export class SocketModeReceiver {
  private current: Link | undefined;
  private readonly links = new Set<Link>();
  private opening: Promise<void> | undefined;
  private stopping = false;
  private readonly abort = new AbortController();
  private linkSeq = 0;

  constructor(private readonly options: SocketModeOptions) {}

  /** Opens the first connection, in the background. */
  start(): void {
    this.reconnect();
  }

  /** Readiness: a connection has said hello and is open. */
  check = async (): Promise<boolean> => this.current !== undefined;

  /** Shutdown: takes no new envelope, sends the acks of those in hand, then closes every connection. */
  async close(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await Promise.all([this.opening, ...[...this.links].map((link) => this.retire(link))]);
  }

  private reconnect(): void {
    if (this.stopping || this.opening) return;
    this.opening = this.openUntilConnected().finally(() => {
      this.opening = undefined;
    });
  }

  private async openUntilConnected(): Promise<void> {
    const { logger } = this.options;
    for (let attempt = 1; !this.stopping; attempt += 1) {
      try {
        const link = await this.openLink();
        const previous = this.current;
        this.current = link;
        logger.info({ connection: link.id, host: link.host, attempt }, 'socket mode connected');
        if (previous) void this.retire(previous);
        return;
      } catch (error) {
        if (this.stopping) return;
        const retryInMs = error instanceof ConnectionsOpenFailed && error.retryAfterMs !== undefined ? error.retryAfterMs : backoffMs(attempt);
        logger.warn({ err: error, attempt, retryInMs: Math.round(retryInMs) }, 'socket mode connection not opened; retrying');
        await sleep(retryInMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  /** Resolves once Slack said hello on a new connection; rejects if it closed or stayed silent before that. */
  private async openLink(): Promise<Link> {
    const url = await openConnectionUrl(this.options.apiUrl, this.options.appToken, this.abort.signal);
    if (this.stopping) throw new Error('shutting down');
    const ws = new WebSocket(url, { maxPayload: this.options.maxPayloadBytes });
    this.linkSeq += 1;
    const link: Link = {
      id: this.linkSeq,
      ws,
      host: new URL(url).host,
      inFlight: new Set(),
      alive: true,
      closed: new Promise((resolve) => ws.once('close', () => resolve())),
    };
    this.links.add(link);
    const pinger = setInterval(() => {
      // Until the handshake is done the hello timeout watches the connection (and ws refuses to ping).
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!link.alive) {
        this.options.logger.warn({ connection: link.id }, 'socket mode connection answered no ping; dropping it');
        ws.terminate();
        return;
      }
      link.alive = false;
      ws.ping();
    }, PING_INTERVAL_MS).unref();

    return new Promise<Link>((resolve, reject) => {
      let greeted = false;
      const silence = setTimeout(() => ws.terminate(), HELLO_TIMEOUT_MS);
      ws.on('pong', () => {
        link.alive = true;
      });
      ws.on('message', (data) => {
        link.alive = true;
        const message = readSocketMessage(String(data));
        if (message.kind === 'hello') {
          clearTimeout(silence);
          if (!greeted) resolve(link);
          greeted = true;
          return;
        }
        this.receive(link, message);
      });
      // ws always emits 'close' after 'error', so the error is only worth a line.
      ws.on('error', (error) => this.options.logger.warn({ err: error, connection: link.id }, 'socket mode connection error'));
      ws.on('close', (code) => {
        clearTimeout(silence);
        clearInterval(pinger);
        this.links.delete(link);
        if (!greeted) reject(new Error(`socket mode connection closed before hello (code ${code})`));
        else this.lost(link, code);
      });
    });
  }

  private receive(link: Link, message: Exclude<SocketMessage, { kind: 'hello' }>): void {
    const { logger } = this.options;
    switch (message.kind) {
      case 'disconnect':
        // Slack announces a refresh (and warns ~10 s ahead): a new connection opens before this one closes
        // (docs.slack.dev/apis/events-api/using-socket-mode).
        logger.info({ connection: link.id, reason: message.reason }, 'slack asked for a new socket mode connection');
        if (link === this.current) this.reconnect();
        return;
      case 'envelope':
        if (this.stopping) {
          // Left unacknowledged: Slack sends an events_api envelope again, to another replica's connection.
          logger.info({ envelopeId: message.envelope.envelopeId, type: message.envelope.type }, 'envelope left unacknowledged while shutting down');
          return;
        }
        this.handle(link, message.envelope);
        return;
      case 'unknown':
        logger.debug({ connection: link.id, type: message.type }, 'socket mode message ignored');
        return;
    }
  }

  private handle(link: Link, envelope: Envelope): void {
    const { logger } = this.options;
    const about = { envelopeId: envelope.envelopeId, type: envelope.type, connection: link.id };
    const work = this.options
      .handle(envelope)
      .then((ack) => {
        if (!ack.send) return;
        if (link.ws.readyState !== WebSocket.OPEN) {
          // The Command is stored; Slack sends an events_api envelope again and de-duplication makes it act once.
          logger.warn(about, 'connection closed before the ack went out');
          return;
        }
        const reply = { envelope_id: envelope.envelopeId, ...(ack.payload ? { payload: ack.payload } : {}) };
        link.ws.send(JSON.stringify(reply), (error) => {
          if (error) logger.warn({ ...about, err: error }, 'socket mode ack not sent');
        });
      })
      .catch((error: unknown) => logger.error({ ...about, err: error }, 'socket mode envelope failed'));
    link.inFlight.add(work);
    void work.finally(() => link.inFlight.delete(work));
  }

  private lost(link: Link, code: number): void {
    if (link !== this.current) return;
    this.current = undefined;
    if (this.stopping) return;
    this.options.logger.warn({ connection: link.id, code }, 'socket mode connection lost; reconnecting');
    this.reconnect();
  }

  /** Closes a connection once every envelope it carried has its ack sent. */
  private async retire(link: Link): Promise<void> {
    while (link.inFlight.size > 0) await Promise.all(link.inFlight);
    if (link.ws.readyState === WebSocket.OPEN || link.ws.readyState === WebSocket.CONNECTING) link.ws.close(1000);
    const cutOff = setTimeout(() => link.ws.terminate(), CLOSE_TIMEOUT_MS);
    await link.closed;
    clearTimeout(cutOff);
  }
}
