import { WebClient } from '@slack/web-api';
import type { SimApp, SlackSim } from '@megatron/slack-sim';
import type { Lane } from '../relay/lane.js';
import { Semaphore } from '../relay/semaphore.js';

export interface BaselineWorld {
  lanes: Lane[];
  /** The app whose events the baseline relay receives. */
  relayApp: SimApp;
  /** The customer workspace's bot, whose token the relay posts with. */
  customerBot: SimApp;
  routes: Map<string, string>;
}

/** Where the customer workspace's bot hears its DMs, as a support bot that customers write to must. */
export interface CustomerBotListener {
  eventsUrl: string;
  signingSecret: string;
}

/**
 * The same shape of work as Megatron's lanes, in workspaces of its own: an agent channel the relay app's
 * bot is in, and a customer with a DM open with the customer workspace's bot. That bot listens as Megatron's
 * customers' support bot does (every event type, at `listener`), so Slack echoes each relayed post to it on both
 * sides alike.
 */
export async function buildBaselineWorld(sim: SlackSim, channels: number, runId: string, listener: CustomerBotListener): Promise<BaselineWorld> {
  const { control } = sim;
  const agents = await control.createWorkspace({ name: `Baseline Agents ${runId}`, domain: `bl-agents-${runId}` });
  const customers = await control.createWorkspace({ name: `Baseline Customers ${runId}`, domain: `bl-customers-${runId}` });
  const relayApp = await control.createApp({ teamId: agents.id, name: 'Baseline Relay' });
  const customerBot = await control.createApp({ teamId: customers.id, name: 'Baseline Bot', eventsUrl: listener.eventsUrl, signingSecret: listener.signingSecret });
  const agent = await control.createUser({ teamId: agents.id, name: 'agent' });
  const agentsSlack = new WebClient(relayApp.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } });
  const customersSlack = new WebClient(customerBot.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } });
  const semaphore = new Semaphore(16);
  const lanes = await Promise.all(
    Array.from({ length: channels }, (_, index) =>
      semaphore.run(async (): Promise<Lane> => {
        const customer = await control.createUser({ teamId: customers.id, name: `customer${index}` });
        const created = await agentsSlack.conversations.create({ name: `bl-${runId}-${index}` });
        const channel = created.channel?.id;
        if (!channel) throw new Error('baseline world: conversations.create returned no channel');
        await agentsSlack.conversations.invite({ channel, users: agent.id });
        const opened = await customersSlack.conversations.open({ users: customer.id });
        const dm = opened.channel?.id;
        if (!dm) throw new Error('baseline world: conversations.open returned no channel');
        return { teamId: agents.id, agentId: agent.id, channel, dm };
      }),
    ),
  );
  return { lanes, relayApp, customerBot, routes: new Map(lanes.map((lane) => [lane.channel, lane.dm])) };
}
