import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownOptions {
  logger: Logger;
  readiness: Readiness;
  timeoutMs: number;
  /** In order: stop taking work, finish in-flight work, close clients. */
  steps: ShutdownStep[];
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

/**
 * Graceful stop on SIGTERM/SIGINT: not ready at once, then each step in order, then exit 0; a step
 * that fails is logged and the rest still run; past the bound the process exits 1 regardless.
 */
export function installShutdown(options: ShutdownOptions): { shutdown: (reason: string) => Promise<void> } {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | undefined;

  const shutdown = (reason: string): Promise<void> => {
    running ??= (async () => {
      const { logger } = options;
      logger.info({ reason }, 'shutting down');
      options.readiness.beginShutdown();
      const deadline = setTimeout(() => {
        logger.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out; exiting');
        exit(1);
      }, options.timeoutMs);
      deadline.unref();
      let failed = false;
      for (const step of options.steps) {
        try {
          await step.run();
        } catch (error) {
          failed = true;
          logger.error({ err: error, step: step.name }, 'shutdown step failed');
        }
      }
      clearTimeout(deadline);
      logger.info({ failed }, 'stopped');
      exit(failed ? 1 : 0);
    })();
    return running;
  };

  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.once(signal, () => void shutdown(signal));
  return { shutdown };
}
