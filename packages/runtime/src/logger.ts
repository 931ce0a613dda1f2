import { pino, type Logger } from 'pino';
import { activeTraceIds } from './trace-context.js';

export type { Logger };

/** Paths never written to a log line, whatever the level. */
const REDACT = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-slack-token"]',
  'headers["x-slack-source-token"]',
  'secret',
  '*.secret',
  'connection_token',
  '*.connection_token',
];

/**
 * One JSON line per event on stdout, with the service name on every line and, inside a traced request,
 * its `trace_id` and `span_id`, so one Slack event's lines can be found across every service.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    mixin: activeTraceIds,
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
