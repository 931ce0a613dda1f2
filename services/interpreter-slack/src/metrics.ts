import type { Metrics } from '@megatron/runtime';

export type Route = 'slash_command' | 'interactive_message' | 'event' | 'manifest' | 'root';

/**
 * How a request ended: `published` (a Command stored), `answered` (help, challenge, manifest),
 * `held` (kept in Redis in its channel's order while NATS is away), `refused` (a parse error told to the
 * agent), `ignored` (not Megatron's business), `duplicate`,
 * `unavailable` (NATS away), or the HTTP refusal itself.
 */
export type RequestOutcome =
  | 'published'
  | 'held'
  | 'answered'
  | 'refused'
  | 'ignored'
  | 'duplicate'
  | 'unavailable'
  | 'unauthorized'
  | 'bad_request'
  | 'too_large'
  | 'unsupported_media_type'
  | 'error';

export interface InterpreterMetrics {
  requests: { inc(labels: { route: Route; outcome: RequestOutcome }): void };
  ackSeconds: { observe(labels: { route: Route }, seconds: number): void };
  published: { inc(labels: { kind: string }): void };
  held: { inc(labels: { kind: string }): void };
}

export function createInterpreterMetrics(metrics: Metrics): InterpreterMetrics {
  return {
    requests: metrics.counter({ name: 'interpreter_slack_requests_total', help: 'Slack requests by route and outcome', labelNames: ['route', 'outcome'] }),
    ackSeconds: metrics.histogram({
      name: 'interpreter_slack_ack_seconds',
      help: 'Time from a Slack request arriving to its answer (Slack gives up after 3 s)',
      labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    }),
    published: metrics.counter({ name: 'interpreter_slack_commands_published_total', help: 'Commands stored in JetStream by kind', labelNames: ['kind'] }),
    held: metrics.counter({ name: 'interpreter_slack_commands_held_total', help: 'Commands held in Redis while JetStream could not store them, by kind', labelNames: ['kind'] }),
  };
}
