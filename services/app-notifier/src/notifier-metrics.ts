import type { Metrics } from '@megatron/runtime';

export type NotifierMetrics = ReturnType<typeof notifierMetrics>;

export function notifierMetrics(metrics: Metrics) {
  return {
    attempts: metrics.counter({
      name: 'app_command_attempts_total',
      help: 'HTTP requests to command_url, by command and result (delivered, http_<status>, timeout, network, ...)',
      labelNames: ['command', 'result'],
    }),
    deliveries: metrics.counter({
      name: 'app_command_deliveries_total',
      help: 'Fire-and-forget commands settled, by command and outcome (delivered, retried, dead_lettered)',
      labelNames: ['command', 'outcome'],
    }),
    deadLetters: metrics.counter({
      name: 'app_command_dead_letters_total',
      help: 'Commands moved to the dead-letter stream, by command and reason',
      labelNames: ['command', 'reason'],
    }),
    replays: metrics.counter({ name: 'app_command_replays_total', help: 'Dead letters replayed by an admin' }),
    latency: metrics.histogram({
      name: 'app_command_request_seconds',
      help: 'Time until the app answered, by command',
      labelNames: ['command'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    }),
    syncCalls: metrics.counter({
      name: 'app_sync_calls_total',
      help: 'search_user and refresh_workspace calls, by command and outcome',
      labelNames: ['command', 'outcome'],
    }),
  };
}
