import { ConnectError } from '@connectrpc/connect';
import type { WebAPICallResult } from '@slack/web-api';
import { inSpan, SpanKind, type Logger, type Span } from '@megatron/runtime';
import type { CallDeadline } from '../rpc/call-deadline.js';
import { tokenFingerprint } from './client-cache.js';
import { classifySlackFailure, exhaustedRetries, permanentSlackError, uncertainOutcome, type SlackFailure } from './errors.js';
import { OrderedQueue } from './ordered-queue.js';
import { RateLimitGate } from './rate-limit-gate.js';
import type { SlackMetrics } from './slack-metrics.js';
import type { SlackWebApi } from './slack-web-api.js';

export interface RetryPolicy {
  /** Retries after 5xx / network errors; 429s are retried for as long as the deadline allows. */
  maxRetries: number;
  baseDelayMs: number;
}

export interface SlackCall {
  token: string;
  method: string;
  args: Record<string, unknown>;
  deadline: CallDeadline;
  /** Set for calls that write into a channel: they are kept in arrival order per channel. */
  orderedChannel?: string;
}

/**
 * Writes Slack does again when asked again: after a timeout or a connection lost once the request was
 * sent, these are not repeated (the first may have landed) but fail with an unknown outcome, for the
 * caller to look before it writes again. chat.update and chat.delete, reactions and pins are safe to
 * repeat by nature (the same edit, an already-gone message, already_reacted, already_pinned).
 */
const NOT_REPEATABLE = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.scheduleMessage', 'files.completeUploadExternal']);

/** Slack limits chat.postMessage per channel and every other method per app and workspace. */
function gateKey(fingerprint: string, method: string, args: Record<string, unknown>): string {
  const channel = method === 'chat.postMessage' && typeof args.channel === 'string' ? args.channel : '';
  return `${fingerprint}|${method}|${channel}`;
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Every Slack Web API call goes through here: ordering, shared 429 pauses, retries, deadlines, metrics. */
export class SlackCaller {
  private readonly gate = new RateLimitGate();
  private readonly queue = new OrderedQueue();

  constructor(
    private readonly webApi: SlackWebApi,
    private readonly policy: RetryPolicy,
    private readonly metrics: SlackMetrics,
    private readonly logger: Logger,
  ) {}

  call<T extends WebAPICallResult = WebAPICallResult>(call: SlackCall): Promise<T> {
    if (call.orderedChannel === undefined) return this.attempts<T>(call);
    const key = `${tokenFingerprint(call.token)}|${call.orderedChannel}`;
    return this.queue.run(key, () => this.attempts<T>(call));
  }

  private attempts<T extends WebAPICallResult>(call: SlackCall): Promise<T> {
    const key = gateKey(tokenFingerprint(call.token), call.method, call.args);
    const attempt = async () => (await this.webApi.call(call.token, call.method, call.args)) as T;
    return this.retrying(call.method, call.deadline, key, attempt, this.webApi.apiUrl);
  }

  /**
   * Runs `attempt` until it succeeds, a permanent error comes back, or the budget is gone: a 429 waits
   * Retry-After (and pauses every call sharing `gate`), 5xx and network errors back off up to maxRetries.
   * Also used for Slack URLs outside the Web API (response_url, url_private, upload URLs). The whole
   * call, waits and retries included, is one client span named for the method (`chat.postMessage`).
   */
  retrying<T>(method: string, deadline: CallDeadline, gate: string, attempt: () => Promise<T>, server?: URL): Promise<T> {
    const attributes = { 'rpc.system': 'slack', 'rpc.method': method, ...(server ? { 'server.address': server.hostname, 'server.port': portOf(server) } : {}) };
    return inSpan(method, { kind: SpanKind.CLIENT, attributes }, (span) => this.retryLoop(method, deadline, gate, attempt, span));
  }

  private async retryLoop<T>(method: string, deadline: CallDeadline, gate: string, attempt: () => Promise<T>, span: Span): Promise<T> {
    let failures = 0;
    for (let attemptNo = 1; ; attemptNo += 1) {
      span.setAttribute('slack.attempts', attemptNo);
      await this.waitForGate(gate, method, deadline);
      const stop = this.metrics.latency.startTimer({ method });
      let failure: SlackFailure;
      try {
        const result = await deadline.race(attempt(), method);
        stop();
        this.metrics.calls.inc({ method, outcome: 'ok', error: '' });
        return result;
      } catch (error) {
        stop();
        if (deadline.expired) {
          this.metrics.calls.inc({ method, outcome: 'deadline', error: '' });
          if (NOT_REPEATABLE.has(method)) throw uncertainOutcome(method, 'no answer before the deadline');
          throw deadline.error(method);
        }
        if (error instanceof ConnectError) throw error;
        failure = classifySlackFailure(error);
      }
      this.record(method, failure);
      if (failure.kind === 'permanent') throw permanentSlackError(method, failure.slackError, failure.detail);
      if (failure.kind === 'transient' && failure.reason === 'network_error' && failure.requestSent && NOT_REPEATABLE.has(method)) {
        throw uncertainOutcome(method, failure.detail);
      }
      if (failure.kind === 'rate_limited') {
        this.gate.pause(gate, failure.retryAfterMs);
        if (failure.retryAfterMs >= deadline.remainingMs()) throw exhaustedRetries(method, failure, attemptNo);
      } else {
        failures += 1;
        const backoffMs = this.backoffMs(failures);
        if (failures > this.policy.maxRetries || backoffMs >= deadline.remainingMs()) {
          throw exhaustedRetries(method, failure, attemptNo);
        }
        await deadline.sleep(backoffMs, method);
      }
      this.metrics.retries.inc({ method, reason: failure.kind === 'rate_limited' ? 'rate_limited' : failure.reason });
      this.logger.debug({ method, attempt: attemptNo, failure: failure.kind }, 'retrying Slack call');
    }
  }

  private async waitForGate(key: string, method: string, deadline: CallDeadline): Promise<void> {
    for (let waitMs = this.gate.waitMs(key); waitMs > 0; waitMs = this.gate.waitMs(key)) {
      if (waitMs >= deadline.remainingMs()) throw exhaustedRetries(method, { kind: 'rate_limited', retryAfterMs: waitMs }, 0);
      await deadline.sleep(waitMs, method);
    }
  }

  private record(method: string, failure: SlackFailure): void {
    if (failure.kind === 'rate_limited') {
      this.metrics.rateLimited.inc({ method });
      this.metrics.calls.inc({ method, outcome: 'rate_limited', error: '' });
    } else if (failure.kind === 'transient') {
      this.metrics.calls.inc({ method, outcome: failure.reason, error: '' });
    } else {
      this.metrics.calls.inc({ method, outcome: 'slack_error', error: failure.slackError });
    }
  }

  /** Exponential with full jitter, so retrying callers spread out instead of returning together. */
  private backoffMs(failures: number): number {
    const ceiling = this.policy.baseDelayMs * 2 ** (failures - 1);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
