import type { AppCommand } from '@megatron/contracts';
import { ack, nak, type Delivery, type Logger, type Outcome } from '@megatron/runtime';
import { WebhookVerificationError } from '@megatron/webhook-verifier';
import { commandName, fireAndForgetBody, type AppCommandName } from '../app-command-body.js';
import type { DeadLetterStore } from '../dead-letters/dead-letter-store.js';
import type { NotifierMetrics } from '../notifier-metrics.js';
import { EndpointDisabledError, type AppClient } from '../outbound/app-client.js';
import { OutboundError } from '../outbound/outbound-error.js';
import { EndpointUnusableError } from '../settings/tenant-settings.js';
import { nextDelay, parseRetryAfter, type RetryPlan } from './retry-delay.js';

export interface DeliverOptions {
  app: AppClient;
  deadLetters: DeadLetterStore;
  metrics: NotifierMetrics;
  logger: Logger;
  retry: RetryPlan;
  timeoutMs: number;
}

/** What one attempt came to: done, worth another try, or pointless to repeat. */
type Attempt =
  | { kind: 'delivered' }
  | { kind: 'retryable'; reason: string; detail: string; retryAfterMs?: number }
  | { kind: 'final'; reason: string; detail: string };

/**
 * Handles one delivery of a fire-and-forget command. Retry state lives in JetStream: a nak with
 * the next delay from the schedule, the delivery count as the attempt number, so a crash neither
 * loses nor repeats a command beyond what the receiver's idempotency key absorbs.
 */
export function appCommandHandler(options: DeliverOptions): (delivery: Delivery<AppCommand>) => Promise<Outcome> {
  return async ({ message: command, msg, attempt }) => {
    const name = commandName(command);
    const label = name ?? 'unknown';
    const result = name === undefined ? invalid('the command has no kind') : await attemptOnce(options, command, name);
    options.metrics.attempts.inc({ command: label, result: result.kind === 'delivered' ? 'delivered' : result.reason });
    const log = options.logger.child({ commandId: command.id, organizationId: command.organizationId, command: label, attempt });

    if (result.kind === 'delivered') {
      options.metrics.deliveries.inc({ command: label, outcome: 'delivered' });
      log.info('app command delivered');
      return ack();
    }
    const delayMs = result.kind === 'retryable' ? nextDelay(options.retry, attempt, result.retryAfterMs) : undefined;
    if (delayMs !== undefined) {
      options.metrics.deliveries.inc({ command: label, outcome: 'retried' });
      log.warn({ reason: result.reason, detail: result.detail, delayMs }, 'app command failed; will retry');
      return nak(delayMs, result.reason);
    }
    await options.deadLetters.add({ command, lastError: `${result.reason}: ${result.detail}`, attempts: attempt, sourceSequence: msg.seq });
    options.metrics.deliveries.inc({ command: label, outcome: 'dead_lettered' });
    options.metrics.deadLetters.inc({ command: label, reason: result.reason });
    log.error({ reason: result.reason, detail: result.detail }, 'app command dead-lettered');
    return ack();
  };
}

async function attemptOnce(options: DeliverOptions, command: AppCommand, name: AppCommandName): Promise<Attempt> {
  if (command.organizationId === '') return invalid('organization_id is empty');
  if (!/^[^.\s]+$/.test(command.id)) return invalid('id must be non-empty without dots or whitespace (it is the webhook-id)');
  const end = options.metrics.latency.startTimer({ command: name });
  try {
    const { response } = await options.app.send(
      command.organizationId,
      command.id,
      (endpoint) => fireAndForgetBody(command, endpoint.verificationToken) ?? {},
      { timeoutMs: options.timeoutMs },
    );
    end();
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: 'delivered' };
    if (status === 410) {
      await options.app.settings.disable(command.organizationId, `command_url answered 410 Gone to ${name}`);
      return { kind: 'final', reason: 'gone', detail: 'command_url answered 410 Gone; the endpoint is disabled until an admin re-enables it' };
    }
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.retryAfter) : undefined;
    const detail = `command_url answered HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`;
    return { kind: 'retryable', reason: `http_${status}`, detail, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  } catch (error) {
    return classify(error);
  }
}

function classify(error: unknown): Attempt {
  if (error instanceof EndpointDisabledError) return { kind: 'final', reason: 'endpoint_disabled', detail: error.message };
  if (error instanceof EndpointUnusableError) return { kind: 'final', reason: 'endpoint_unusable', detail: error.message };
  if (error instanceof WebhookVerificationError) return { kind: 'final', reason: 'endpoint_unusable', detail: `cannot sign: ${error.message}` };
  if (error instanceof OutboundError) {
    const final = error.failure === 'refused_address' || error.failure === 'invalid_url';
    return { kind: final ? 'final' : 'retryable', reason: error.failure, detail: error.message };
  }
  // command-core unreachable and the like: the command is fine, try again later.
  return { kind: 'retryable', reason: 'settings_unavailable', detail: error instanceof Error ? error.message : String(error) };
}

function invalid(detail: string): Attempt {
  return { kind: 'final', reason: 'invalid_command', detail };
}
