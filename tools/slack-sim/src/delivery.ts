import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { signV0 } from '@megatron/slack-signature';
import type { EnvelopeType, SocketHub } from './socket-mode/hub.js';
import type { AppRecord, SimState } from './state.js';
import type { DeliveryKind, SimDelivery } from './types.js';

export interface DeliveryOptions {
  ackTimeoutMs: number;
  eventRetries: boolean;
  /** Delays before retry 1, 2 and 3 of an event. */
  retryDelaysMs: number[];
}

/** Slack's own schedule for failed events: at once, after about a minute, after about five (api.slack.com/apis/events-api#retries). */
export const SLACK_RETRY_SCHEDULE_MS: readonly number[] = [0, 60_000, 300_000];

/**
 * One request to an app. `body` is what it carries as an object (the Socket Mode payload); `rawBody`,
 * `contentType` and `url` are its HTTP form, used when the app is not in Socket Mode.
 */
export interface Outbound {
  kind: DeliveryKind;
  app: AppRecord;
  body: unknown;
  rawBody: string;
  contentType: string;
  url?: string;
  eventId?: string;
  /** Socket Mode: whether the app may answer with a payload (slash commands, legacy interactive messages). */
  acceptsResponsePayload?: boolean;
}

interface AttemptResult { status: number; responseBody: string; headers: Record<string, string>; reason?: string }

const USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';
const ENVELOPE_TYPES: Record<DeliveryKind, EnvelopeType> = { event: 'events_api', slash: 'slash_commands',
  interactive: 'interactive' };
export const MAX_RETRIES = 3;

/**
 * Sends requests to apps the way Slack does, over HTTP (signed) or Socket Mode, and records every attempt
 * with the app's ack time.
 */
export class Deliverer {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<{ destroy(): void }>();
  private closed = false;
  // Bumped by cancelRetries, so an attempt still in flight at a reset schedules nothing afterwards.
  private generation = 0;

  constructor(private readonly state: SimState, readonly options: DeliveryOptions, private readonly hub: SocketHub) {}

  /** One attempt, no retries: slash commands and interactions are never retried by Slack. */
  async send(out: Outbound): Promise<SimDelivery> {
    return this.attempt(out, 0);
  }

  /**
   * Resolves after the first attempt; Slack's retries (up to 3) follow in the background. `retryNum` > 0 makes the
   * first attempt that retry (a test standing in for a retry whose earlier tries it did not send).
   */
  async sendEvent(out: Outbound, retryNum = 0): Promise<SimDelivery> {
    const generation = this.generation;
    const first = await this.attempt(out, retryNum);
    this.scheduleRetry(out, first, retryNum + 1, generation);
    return first;
  }

  cancelRetries(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  close(): void {
    this.closed = true;
    this.cancelRetries();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }

  private scheduleRetry(out: Outbound, previous: SimDelivery, retryNum: number, generation: number): void {
    const failed = previous.status < 200 || previous.status > 299;
    const noRetry = previous.headers['x-slack-no-retry'] === '1';
    if (!failed || noRetry || !this.options.eventRetries || retryNum > MAX_RETRIES || this.closed
      || generation !== this.generation) {
      return;
    }
    const delay = this.options.retryDelaysMs[retryNum - 1] ?? 0;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(out, retryNum, previous)
        .then((next) => this.scheduleRetry(out, next, retryNum + 1, generation));
    }, delay);
    this.timers.add(timer);
  }

  private attempt(out: Outbound, retryNum: number, previous?: SimDelivery): Promise<SimDelivery> {
    return out.app.socketMode ? this.attemptSocket(out, retryNum) : this.attemptHttp(out, retryNum, previous);
  }

  /** Records an attempt unless a reset came in between: a cleared simulator keeps no stale deliveries. */
  private record(delivery: SimDelivery, generation: number): SimDelivery {
    if (generation === this.generation) this.state.deliveries.push(delivery);
    return delivery;
  }

  private async attemptSocket(out: Outbound, retryNum: number): Promise<SimDelivery> {
    const generation = this.generation;
    // Socket Mode names one reason for every retry: the previous envelope was not acknowledged in time.
    const result = await this.hub.deliver(out.app.appId, { type: ENVELOPE_TYPES[out.kind], payload: out.body,
      accepts_response_payload: out.acceptsResponsePayload ?? false, retry_attempt: retryNum,
      retry_reason: retryNum > 0 ? 'timeout' : '' }, this.options.ackTimeoutMs);
    const acked = result.outcome === 'acked';
    const delivery: SimDelivery = {
      id: this.state.nextDeliveryId(), kind: out.kind, appId: out.app.appId, transport: 'socket',
      url: result.connection?.url ?? '', envelopeId: result.envelopeId,
      ...(result.connection ? { connectionId: result.connection.connectionId } : {}),
      status: acked ? 200 : 0, ackMs: result.ackMs, retryNum, body: out.body,
      responseBody: result.ackPayload === undefined ? '' : JSON.stringify(result.ackPayload), headers: {},
      ...(out.eventId ? { eventId: out.eventId } : {}),
      ...(acked ? {} : { retryReason: result.outcome }),
    };
    return this.record(delivery, generation);
  }

  private async attemptHttp(out: Outbound, retryNum: number, previous?: SimDelivery): Promise<SimDelivery> {
    const generation = this.generation;
    const timestamp = this.state.nowSeconds();
    const headers: Record<string, string> = {
      'content-type': out.contentType,
      'user-agent': USER_AGENT,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signV0(out.app.signingSecret, timestamp, out.rawBody),
    };
    if (retryNum > 0) {
      headers['x-slack-retry-num'] = String(retryNum);
      headers['x-slack-retry-reason'] = previous?.retryReason ?? 'http_error';
    }
    const url = out.url ?? '';
    const started = performance.now();
    const result = await this.post(url, headers, out.rawBody);
    const delivery: SimDelivery = {
      id: this.state.nextDeliveryId(), kind: out.kind, appId: out.app.appId, transport: 'http', url,
      status: result.status, ackMs: Math.round(performance.now() - started), retryNum, body: out.body,
      responseBody: result.responseBody, headers: result.headers,
      ...(out.eventId ? { eventId: out.eventId } : {}),
      ...(result.reason ? { retryReason: result.reason } : {}),
    };
    return this.record(delivery, generation);
  }

  private post(url: string, headers: Record<string, string>, rawBody: string): Promise<AttemptResult> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ status: 0, responseBody: '', headers: {}, reason: 'unknown_error' });
        return;
      }
      if (this.closed) {
        resolve({ status: 0, responseBody: '', headers: {}, reason: 'connection_failed' });
        return;
      }
      const send = target.protocol === 'https:' ? httpsRequest : request;
      let settled = false;
      const finish = (result: AttemptResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(req);
        resolve(result);
      };
      const req = send(target, { method: 'POST', agent: false,
        headers: { ...headers, 'content-length': Buffer.byteLength(rawBody).toString() } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const responseHeaders: Record<string, string> = {};
          for (const [key, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') responseHeaders[key] = value;
          }
          finish({ status, responseBody: Buffer.concat(chunks).toString('utf8'), headers: responseHeaders,
            ...(status >= 200 && status <= 299 ? {} : { reason: 'http_error' }) });
        });
        res.on('error', () => finish({ status: 0, responseBody: '', headers: {}, reason: 'unknown_error' }));
      });
      // Slack gives up after 3 seconds and counts it as http_timeout (api.slack.com/apis/events-api#retries).
      const timer = setTimeout(() => {
        finish({ status: 0, responseBody: '', headers: {}, reason: 'http_timeout' });
        req.destroy();
      }, this.options.ackTimeoutMs);
      req.on('error', () => finish({ status: 0, responseBody: '', headers: {}, reason: 'connection_failed' }));
      this.inFlight.add(req);
      req.end(rawBody);
    });
  }
}
