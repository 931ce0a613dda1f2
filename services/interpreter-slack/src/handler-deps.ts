import type { Command } from '@megatron/contracts';
import type { Logger } from '@megatron/runtime';
import type { InterpreterMetrics } from './metrics.js';
import type { PublishCommand } from './publish.js';

/** What every route handler needs: a way to store Commands, the clock, and the legacy token when configured. */
export interface HandlerDeps {
  publish: PublishCommand;
  logger: Logger;
  metrics: InterpreterMetrics;
  now: () => number;
  verificationToken: string | undefined;
}

export const UNAVAILABLE = 'Megatron is unavailable right now; nothing was done. Please try again in a minute.';

/**
 * Publishes (or holds, see hold/), counts it by kind, logs it, and says how the request ended; PublishFailed
 * propagates to the caller, which decides what Slack hears.
 */
export async function publishCounted(deps: HandlerDeps, command: Command): Promise<'published' | 'held' | 'duplicate'> {
  const result = await deps.publish(command);
  const kind = command.kind.case ?? 'none';
  if (!result.duplicate && !result.held) deps.metrics.published.inc({ kind });
  deps.logger.info(
    { commandId: command.id, kind, channel: command.context?.channelId, team: command.context?.teamId, duplicate: result.duplicate },
    result.held ? 'command held until NATS is back' : 'command published',
  );
  return result.held ? 'held' : result.duplicate ? 'duplicate' : 'published';
}
