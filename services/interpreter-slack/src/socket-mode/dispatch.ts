import { performance } from 'node:perf_hooks';
import { failSpan, inSpan, SpanKind, type Logger } from '@megatron/runtime';
import { failureReply } from '../failure-reply.js';
import type { SlackHandler, SlackReply } from '../http/app.js';
import type { InterpreterMetrics } from '../metrics.js';
import { ackOf, requestOf, routeOf, type Ack, type Envelope, type SlackRoute } from './envelope.js';

export type SlackHandlers = Record<SlackRoute, SlackHandler>;

export interface DispatchDeps {
  handlers: SlackHandlers;
  logger: Logger;
  metrics: InterpreterMetrics;
}

/**
 * Hands an envelope to the handler its HTTP route uses and turns the reply into the ack, counted and timed
 * under the same route and outcome as an HTTP request, in a server span (`socket_mode <type>`) that roots the
 * trace as the HTTP route's span does. Never rejects.
 */
export function envelopeDispatcher(deps: DispatchDeps): (envelope: Envelope) => Promise<Ack> {
  const { logger, metrics } = deps;
  return async (envelope) => {
    const route = routeOf(envelope.type);
    const about = { envelopeId: envelope.envelopeId, type: envelope.type, retryAttempt: envelope.retryAttempt, retryReason: envelope.retryReason };
    if (route === undefined) {
      // Acknowledged so Slack does not send again what Megatron has no use for.
      logger.info(about, 'socket mode envelope of an unknown type acknowledged and ignored');
      return { send: true };
    }
    const attributes = { 'slack.envelope_type': envelope.type, 'slack.retry_attempt': envelope.retryAttempt };
    return inSpan(`socket_mode ${envelope.type}`, { kind: SpanKind.SERVER, attributes }, async (span) => {
      const started = performance.now();
      let reply: SlackReply;
      try {
        reply = await deps.handlers[route](requestOf(route, envelope.payload));
      } catch (error) {
        reply = failureReply(route, error, logger);
      }
      metrics.requests.inc({ route, outcome: reply.outcome });
      metrics.ackSeconds.observe({ route }, (performance.now() - started) / 1000);
      const ack = ackOf(reply, envelope.acceptsResponsePayload);
      if (reply.status >= 500) failSpan(span, `left unacknowledged (${reply.status})`);
      logger.debug({ ...about, route, outcome: reply.outcome, acked: ack.send }, 'socket mode envelope handled');
      return ack;
    });
  };
}
