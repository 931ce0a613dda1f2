import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { signV0 } from '@megatron/slack-signature';
import type { AppRecord, SimState } from './state.js';
import type { DeliveryKind, SimDelivery } from './types.js';

export interface DeliveryOptions {
  ackTimeoutMs: number;
  eventRetries: boolean;
  retryDelaysMs: number[];
}

interface Outbound {
  kind: DeliveryKind;
  app: AppRecord;
  url: string;
  rawBody: string;
  contentType: string;
  body: unknown;
  eventId?: string;
}

interface AttemptResult { status: number; responseBody: string; headers: Record<string, string>; reason?: string }

const USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';

/** Sends signed requests to apps the way Slack does and records every attempt with the app's ack time. */
export class Deliverer {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<{ destroy(): void }>();
  private closed = false;

  constructor(private readonly state: SimState, private readonly options: DeliveryOptions) {}

  /** One attempt, no retries: slash commands and interactions are never retried by Slack. */
  async send(out: Outbound): Promise<SimDelivery> {
    return this.attempt(out, 0);
  }

  /** Resolves after the first attempt; Slack's retries (up to 3) follow in the background. */
  async sendEvent(out: Outbound): Promise<SimDelivery> {
    const first = await this.attempt(out, 0);
    this.scheduleRetry(out, first, 1);
    return first;
  }

  cancelRetries(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }

  private scheduleRetry(out: Outbound, previous: SimDelivery, retryNum: number): void {
    const failed = previous.status < 200 || previous.status > 299;
    const noRetry = previous.headers['x-slack-no-retry'] === '1';
    if (!failed || noRetry || !this.options.eventRetries || retryNum > 3 || this.closed) return;
    const delay = this.options.retryDelaysMs[retryNum - 1] ?? 0;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(out, retryNum, previous)
        .then((next) => this.scheduleRetry(out, next, retryNum + 1));
    }, delay);
    this.timers.add(timer);
  }

  private async attempt(out: Outbound, retryNum: number, previous?: SimDelivery): Promise<SimDelivery> {
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
    const started = performance.now();
    const result = await this.post(out.url, headers, out.rawBody);
    const delivery: SimDelivery = {
      id: this.state.nextDeliveryId(), kind: out.kind, appId: out.app.appId, url: out.url, status: result.status,
      ackMs: Math.round(performance.now() - started), retryNum, body: out.body, responseBody: result.responseBody,
      headers: result.headers,
      ...(out.eventId ? { eventId: out.eventId } : {}),
      ...(result.reason ? { retryReason: result.reason } : {}),
    };
    this.state.deliveries.push(delivery);
    return delivery;
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
