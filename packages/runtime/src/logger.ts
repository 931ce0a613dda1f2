import { pino, type Logger } from 'pino';

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

/** One JSON line per event on stdout, with the service name on every line. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
