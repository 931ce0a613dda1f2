import type { z } from 'zod';
import { loadConfigOrExit } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { Readiness } from './readiness.js';
import { installShutdown, type ShutdownStep } from './shutdown.js';
import { startTracing, type TracingConfig } from './tracing.js';

export interface ServiceKit {
  name: string;
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
}

/** The per-process basics every service starts from. */
export function createServiceKit(name: string, config: { LOG_LEVEL: string }): ServiceKit {
  const logger = createLogger(name, config.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  return { name, logger, metrics: new Metrics(name), readiness: new Readiness(logger) };
}

/** A started service: where it listens and how it stops. */
export interface RunningService {
  httpPort: number;
  grpcPort: number;
  /** In order: stop taking work, finish what is in hand, close clients. */
  shutdownSteps: ShutdownStep[];
}

/** Stops a service as SIGTERM would, without exiting: for tests and tools that start services in-process. */
export async function stopService(service: RunningService, kit: ServiceKit): Promise<void> {
  const { logger } = kit;
  kit.readiness.beginShutdown();
  for (const step of service.shutdownSteps) {
    try {
      await step.run();
    } catch (error) {
      logger.error({ err: error, step: step.name }, 'shutdown step failed');
    }
  }
}

interface BaseConfig extends TracingConfig {
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
}

/**
 * Every service's main.ts: load the configuration (one line naming a bad variable, exit 1), set up
 * tracing, start the service through its `start<Service>(config, kit)`, and stop it gracefully on
 * SIGTERM, exporting the last spans after everything else has stopped.
 */
export async function runService<S extends z.ZodObject>(
  name: string,
  schema: S,
  start: (config: z.infer<S>, kit: ServiceKit) => Promise<RunningService>,
): Promise<void> {
  const config = loadConfigOrExit(schema) as z.infer<S> & BaseConfig;
  const kit = createServiceKit(name, config);
  const tracing = startTracing(name, config, kit.logger);
  let service: RunningService;
  try {
    service = await start(config, kit);
  } catch (error) {
    kit.logger.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
  installShutdown({ ...kit, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, steps: [...service.shutdownSteps, { name: 'tracing', run: () => tracing.shutdown() }] });
}
