import { randomUUID } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';
import { WebhookVerificationError } from '@megatron/webhook-verifier';
import type { AppCommandBody } from '../app-command-body.js';
import type { NotifierMetrics } from '../notifier-metrics.js';
import { EndpointDisabledError, type AppClient } from '../outbound/app-client.js';
import { OutboundError } from '../outbound/outbound-error.js';
import type { AppEndpoint } from '../settings/tenant-settings.js';
import { EndpointUnusableError } from '../settings/tenant-settings.js';
import { MalformedAnswerError, parseJson } from './answer-validation.js';

export interface SyncCallOptions {
  app: AppClient;
  metrics: NotifierMetrics;
  deadlineMs: number;
}

/** The `app-error` response metadata: a stable reason next to the human message. */
const REASON_HEADER = 'app-error';

/**
 * One synchronous command: signed POST within the deadline, 2xx JSON answer parsed by `read`.
 * Every failure becomes a ConnectError whose message command-core can show the agent as is.
 */
export async function callApp<T>(
  options: SyncCallOptions,
  command: 'search_user' | 'refresh_workspace',
  organizationId: string,
  makeBody: (endpoint: AppEndpoint) => AppCommandBody,
  read: (answer: unknown) => T,
  signal: AbortSignal,
): Promise<T> {
  try {
    const { response } = await options.app.send(organizationId, `sync_${randomUUID()}`, makeBody, { timeoutMs: options.deadlineMs, signal });
    if (response.status === 410) {
      await options.app.settings.disable(organizationId, `command_url answered 410 Gone to ${command}`);
      throw fail('gone', Code.FailedPrecondition, `the app answered ${command} with 410 Gone; its endpoint is now disabled`);
    }
    if (response.status < 200 || response.status >= 300) {
      throw fail(`http_${response.status}`, Code.Unavailable, `the app answered ${command} with HTTP ${response.status}`);
    }
    if (response.tooLarge) throw new MalformedAnswerError(`the app's answer to ${command} is larger than the limit`);
    const value = read(parseJson(response.body, command));
    options.metrics.syncCalls.inc({ command, outcome: 'ok' });
    return value;
  } catch (error) {
    const failure = asConnectError(error, command, options.deadlineMs);
    options.metrics.syncCalls.inc({ command, outcome: failure.metadata.get(REASON_HEADER) ?? 'error' });
    throw failure;
  }
}

function fail(reason: string, code: Code, message: string): ConnectError {
  return new ConnectError(message, code, { [REASON_HEADER]: reason });
}

function asConnectError(error: unknown, command: string, deadlineMs: number): ConnectError {
  if (error instanceof ConnectError && error.metadata.has(REASON_HEADER)) return error;
  if (error instanceof MalformedAnswerError) return fail('malformed_answer', Code.Internal, `malformed answer from the app: ${error.message}`);
  if (error instanceof EndpointDisabledError) return fail('endpoint_disabled', Code.FailedPrecondition, error.message);
  if (error instanceof EndpointUnusableError) return fail('endpoint_unusable', Code.FailedPrecondition, error.message);
  if (error instanceof WebhookVerificationError) return fail('endpoint_unusable', Code.FailedPrecondition, `cannot sign for this organization: ${error.message}`);
  if (error instanceof OutboundError) {
    switch (error.failure) {
      case 'timeout':
        return fail('timeout', Code.DeadlineExceeded, `the app did not answer ${command} within ${deadlineMs} ms`);
      case 'refused_address':
      case 'invalid_url':
        return fail(error.failure, Code.FailedPrecondition, error.message);
      case 'network':
        return fail('network', Code.Unavailable, `cannot reach the app for ${command}: ${error.message}`);
    }
  }
  return fail('settings_unavailable', Code.Unavailable, `cannot load the organization's app settings: ${error instanceof Error ? error.message : String(error)}`);
}
