import { MegatronService } from '@megatron/contracts';
import { rpcClient } from '@megatron/runtime';
import type { Sandbox } from '@megatron/sandbox';
import { Semaphore } from '../relay/semaphore.js';

/**
 * `count` more engagement channels for new Globex customers through the API's OpenEngagement (alice invited),
 * the least work that leaves a real open channel: the customer does not write to the bot first (no help
 * request) and the bot is not paused. Returns how many were opened.
 */
export async function openQuietly(sandbox: Sandbox, count: number, runId: string, concurrency: number): Promise<number> {
  const { control } = sandbox.sim;
  const { integration, globex } = sandbox.seed;
  const api = rpcClient(MegatronService, sandbox.urls.commandCoreGrpc);
  const headers = { authorization: `Bearer ${sandbox.secrets.apiToken}` };
  const semaphore = new Semaphore(concurrency);
  const open = async (index: number) => {
    const name = `q${runId}c${index}x`;
    const customer = await control.createUser({ teamId: globex.workspace.id, name, realName: `Quiet Customer ${index}`, displayName: name });
    const { engagement } = await api.openEngagement({ customer: { teamId: globex.workspace.id, userId: customer.id }, agentUserId: integration.alice.id }, { headers });
    if (!engagement?.channelId) throw new Error(`OpenEngagement for ${name} answered without a channel`);
  };
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      semaphore.run(() =>
        open(index).catch((error: unknown) => {
          throw new Error(`opening quiet channel ${index + 1} of ${count}: ${(error as Error).message}`, { cause: error });
        }),
      ),
    ),
  );
  return count;
}
