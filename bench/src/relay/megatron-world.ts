import { MegatronService } from '@megatron/contracts';
import { rpcClient } from '@megatron/runtime';
import type { Sandbox } from '@megatron/sandbox';
import type { Lane } from './lane.js';
import { Semaphore } from './semaphore.js';

/** The relay could not be set up end to end (e.g. a part of the pipeline is not built yet). */
export class RelayNotFunctional extends Error {}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new RelayNotFunctional(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `channels` customers of Globex who wrote to the support bot, each with an engagement channel opened for
 * alice and the bot paused. The first is opened with `/megatron open <name>`, exactly as an agent would, and proves one forward
 * end to end; the rest through the API's OpenEngagement (with alice as the agent to invite), because the
 * example support bot's user search reads only the first page of users.list, so `/megatron open` cannot
 * find a customer beyond about the 200th.
 */
export async function buildMegatronWorld(sandbox: Sandbox, channels: number, runId: string, openTimeoutMs: number, openConcurrency = 8): Promise<Lane[]> {
  const { control } = sandbox.sim;
  const { integration, globex } = sandbox.seed;
  const api = rpcClient(MegatronService, `http://127.0.0.1:${sandbox.ports.services['command-core'].grpc}`);
  const open = async (index: number): Promise<Lane> => {
    // The trailing letter keeps one name from being the prefix of another (the bot's search matches prefixes).
    const name = `b${runId}c${index}x`;
    const customer = await control.createUser({ teamId: globex.workspace.id, name, realName: `Bench Customer ${index}`, displayName: name });
    await control.sendDirectMessage({ teamId: globex.workspace.id, userId: customer.id, appId: globex.supportBot.appId, text: 'I need a person' });
    const slash =
      index === 0
        ? await control.runSlashCommand({ teamId: integration.workspace.id, userId: integration.alice.id, channel: sandbox.notificationChannelId, command: '/megatron', text: `open ${name}` })
        : undefined;
    if (!slash) {
      await api.openEngagement(
        { customer: { teamId: globex.workspace.id, userId: customer.id }, agentUserId: integration.alice.id },
        { headers: { authorization: `Bearer ${sandbox.secrets.apiToken}` } },
      );
    }
    // The channel exists before Megatron invites the agent; an agent writes once they are in it.
    const channel = await poll(`alice in the engagement channel of ${name} after /megatron open`, openTimeoutMs, async () => {
      const found = await control.findChannelByName(integration.workspace.id, `mt-${name}_${globex.workspace.domain}`);
      return found?.members.includes(integration.alice.id) ? found.id : undefined;
    }).catch(async (error: unknown) => {
      if (!slash) throw error;
      const replies = (await control.responseUrlReplies(slash.responseUrl)).map((reply) => JSON.stringify(reply.body));
      throw new Error(`${(error as Error).message}; the slash command was answered ${slash.status} ${JSON.stringify(slash.body)}, response_url replies: ${replies.join(' ') || 'none'}`, { cause: error });
    });
    // Agents pause the bot before they write, as the card tells them (an unpaused bot holds their messages).
    if (slash) {
      await control.runSlashCommand({ teamId: integration.workspace.id, userId: integration.alice.id, channel, command: '/megatron', text: 'pause' });
    } else {
      await api.pauseCustomer({ customer: { teamId: globex.workspace.id, userId: customer.id } }, { headers: { authorization: `Bearer ${sandbox.secrets.apiToken}` } });
    }
    const dm = await poll(`the DM of ${name} with the support bot`, openTimeoutMs, () => control.dmChannel(globex.workspace.id, customer.id, globex.supportBot.botUserId));
    return { teamId: integration.workspace.id, agentId: integration.alice.id, channel, dm };
  };
  // The first one alone, with one forward, so a pipeline that is not there yet fails fast with one clear reason.
  const first = await open(0).catch((error: unknown) => {
    throw new RelayNotFunctional(`opening the first engagement channel: ${(error as Error).message}`);
  });
  const probe = `probe ${runId}: does an agent's message reach the customer?`;
  await control.postAsUser({ teamId: first.teamId, userId: first.agentId, channel: first.channel, text: probe });
  await poll("the agent's probe message in the customer's DM", openTimeoutMs, async () =>
    (await control.messages(first.dm)).some((message) => message.text.includes(probe)) ? true : undefined,
  );
  const semaphore = new Semaphore(openConcurrency);
  const rest = await Promise.all(
    Array.from({ length: channels - 1 }, (_, index) =>
      semaphore.run(() =>
        open(index + 1).catch((error: unknown) => {
          throw new Error(`opening engagement channel ${index + 2} of ${channels}: ${(error as Error).message}`, { cause: error });
        }),
      ),
    ),
  );
  return [first, ...rest];
}
