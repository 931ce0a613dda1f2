import type { DemoCustomerWorkspace, DemoSeed, SimControl, SimMessage, SimUser } from '@megatron/slack-sim';

export interface Customer {
  user: SimUser;
  home: DemoCustomerWorkspace;
}

const POLL_MS = 100;
const OPEN_TIMEOUT_MS = 30_000;

/** Everything the written text of a message shows a person: text, blocks and attachments. */
export function visibleText(message: { text?: string; blocks?: unknown[]; attachments?: unknown[] }): string {
  return [message.text ?? '', JSON.stringify(message.blocks ?? []), JSON.stringify(message.attachments ?? [])].join('\n');
}

/**
 * The people of the demo, acting through the simulator as they would in Slack: customers write to
 * the support bot, agents run /megatron, click, and write in engagement channels. Used by
 * `npm run demo` and the end-to-end tests, so both tell the same story.
 */
export class Story {
  constructor(
    readonly control: SimControl,
    readonly seed: DemoSeed,
    readonly notificationChannelId: string,
    /** command-core's CHANNEL_PREFIX. */
    readonly channelPrefix = 'mt-',
  ) {}

  customer(workspace: 'globex' | 'initech', name: string): Customer {
    const home = this.seed[workspace];
    const user = home.customers.find((candidate) => candidate.name === name);
    if (!user) throw new Error(`no customer ${name} in ${workspace}`);
    return { user, home };
  }

  get alice(): SimUser {
    return this.seed.integration.alice;
  }

  get bob(): SimUser {
    return this.seed.integration.bob;
  }

  /** A customer writes to the support bot in their workspace; returns the DM channel and ts. */
  customerSays(customer: Customer, text: string) {
    return this.control.sendDirectMessage({ teamId: customer.home.workspace.id, userId: customer.user.id, appId: customer.home.supportBot.appId, text });
  }

  /** A customer deletes their own message in their DM with the support bot; Slack tells the support bot (`message_deleted`). */
  customerDeletes(customer: Customer, channel: string, ts: string) {
    return this.control.deleteAsUser({ teamId: customer.home.workspace.id, userId: customer.user.id, channel, ts });
  }

  /** A customer clicks a button on a message in their DM with the support bot; Slack sends the click to the support bot. */
  customerClicks(customer: Customer, channel: string, messageTs: string, actionId: string, value: string) {
    return this.control.clickButton({
      teamId: customer.home.workspace.id,
      userId: customer.user.id,
      channel,
      style: 'block',
      actionId,
      value,
      messageTs,
      appId: customer.home.supportBot.appId,
    });
  }

  async dmOf(customer: Customer): Promise<string> {
    const channel = await this.control.dmChannel(customer.home.workspace.id, customer.user.id, customer.home.supportBot.botUserId);
    if (!channel) throw new Error(`${customer.user.name} has no DM with the bot yet`);
    return channel;
  }

  /** An agent runs `/megatron <text>` in a channel of the integration workspace. */
  agentRuns(agent: SimUser, channel: string, text: string) {
    return this.control.runSlashCommand({ teamId: this.seed.integration.workspace.id, userId: agent.id, channel, command: '/megatron', text });
  }

  agentWrites(agent: SimUser, channel: string, text: string) {
    return this.control.postAsUser({ teamId: this.seed.integration.workspace.id, userId: agent.id, channel, text });
  }

  agentEdits(agent: SimUser, channel: string, ts: string, text: string) {
    return this.control.editAsUser({ teamId: this.seed.integration.workspace.id, userId: agent.id, channel, ts, text });
  }

  agentDeletes(agent: SimUser, channel: string, ts: string) {
    return this.control.deleteAsUser({ teamId: this.seed.integration.workspace.id, userId: agent.id, channel, ts });
  }

  agentClicks(agent: SimUser, channel: string, actionId: string, value: string, messageTs?: string) {
    return this.control.clickButton({
      teamId: this.seed.integration.workspace.id,
      userId: agent.id,
      channel,
      style: 'block',
      actionId,
      value,
      ...(messageTs ? { messageTs } : {}),
    });
  }

  agentChooses(agent: SimUser, channel: string, actionId: string, value: string) {
    return this.control.chooseOption({ teamId: this.seed.integration.workspace.id, userId: agent.id, channel, style: 'block', actionId, value });
  }

  /** The customer's engagement channel in the integration workspace, once Megatron created it. */
  async engagementChannelOf(customer: Customer): Promise<string | undefined> {
    const name = `${this.channelPrefix}${customer.user.name}_${customer.home.workspace.domain}`;
    return (await this.control.findChannelByName(this.seed.integration.workspace.id, name))?.id;
  }

  /**
   * `/megatron open <name>` by an agent; resolves with the channel once the agent is in it. The wait is
   * generous: the name goes through the organization's app (5 s deadline, retried with backoff when it
   * does not answer in time), which a loaded machine can make slow.
   */
  async openEngagement(agent: SimUser, customer: Customer, timeoutMs = OPEN_TIMEOUT_MS): Promise<string> {
    await this.agentRuns(agent, this.notificationChannelId, `open ${customer.user.name}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const channel = await this.engagementChannelOf(customer);
      if (channel && (await this.control.conversation(channel)).members.includes(agent.id)) return channel;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${customer.user.name}'s engagement channel with ${agent.name} in it`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /**
   * What an agent does before writing to a customer: `/megatron open <name>`, then `/megatron pause` in the
   * channel (an unpaused bot holds agents' messages). Resolves with the channel once the customer was told.
   */
  async takeOver(agent: SimUser, customer: Customer, timeoutMs = OPEN_TIMEOUT_MS): Promise<string> {
    const channel = await this.openEngagement(agent, customer, timeoutMs);
    const dm = await this.dmOf(customer);
    const notices = async () => (await this.control.messages(dm)).filter((message) => message.text.includes("I've been paused")).length;
    const before = await notices();
    await this.agentRuns(agent, channel, 'pause');
    const deadline = Date.now() + timeoutMs;
    while ((await notices()) <= before) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${customer.user.name} to be told the bot is paused`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return channel;
  }

  /** Polls until a message matching `predicate` is in `channel`; throws naming `what` on timeout. */
  async waitForMessage(channel: string, predicate: (message: SimMessage) => boolean, what: string, timeoutMs = 10_000): Promise<SimMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.control.messages(channel)).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = (await this.control.messages(channel)).map((message) => message.text).join(' | ');
        throw new Error(`timed out after ${timeoutMs}ms waiting for ${what} in ${channel}; messages there: ${seen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async waitForText(channel: string, text: string | RegExp, timeoutMs?: number): Promise<SimMessage> {
    const matches = (message: SimMessage) => (typeof text === 'string' ? visibleText(message).includes(text) : text.test(visibleText(message)));
    return this.waitForMessage(channel, matches, `a message with ${String(text)}`, timeoutMs);
  }
}
