import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { Readiness } from './readiness.js';

export interface ServiceKit {
  name: string;
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
}

/** The per-process basics every service's main.ts starts from. */
export function createServiceKit(name: string, config: { LOG_LEVEL: string }): ServiceKit {
  const logger = createLogger(name, config.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  return { name, logger, metrics: new Metrics(name), readiness: new Readiness(logger) };
}
