import type { Metrics } from '@megatron/runtime';

export type SlackMetrics = ReturnType<typeof createSlackMetrics>;

/** Labels are Slack method names and outcomes only: never tokens, channels or users. */
export function createSlackMetrics(metrics: Metrics) {
  return {
    calls: metrics.counter({
      name: 'megatron_slack_calls_total',
      help: 'Slack Web API attempts by method and outcome (ok, rate_limited, server_error, network_error, slack_error)',
      labelNames: ['method', 'outcome', 'error'],
    }),
    latency: metrics.histogram({
      name: 'megatron_slack_call_duration_seconds',
      help: 'Latency of one Slack Web API attempt',
      labelNames: ['method'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    rateLimited: metrics.counter({
      name: 'megatron_slack_rate_limited_total',
      help: 'HTTP 429 answers from Slack by method',
      labelNames: ['method'],
    }),
    retries: metrics.counter({
      name: 'megatron_slack_retries_total',
      help: 'Slack Web API retries by method and reason',
      labelNames: ['method', 'reason'],
    }),
  };
}
