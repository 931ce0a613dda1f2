import { WebClient } from '@slack/web-api';
import { createLogger } from '@megatron/runtime';
import type { Sandbox } from '@megatron/sandbox';
import type { SimUser, SimWorkspace } from '@megatron/slack-sim';
import { configSchema as botConfigSchema, startSupportBot } from '@megatron/support-bot';
import { freePort } from '@megatron/testkit';
import { startSlowSearchProxy, type SlowSearchProxy } from './slow-search-proxy.js';

/** One agent of the second organization, with a channel of their own to type slash commands in. */
export interface Desk {
  agent: SimUser;
  channel: string;
  /** A customer this agent keeps opening (reopening an open engagement still searches for the name). */
  customerName: string;
}

export interface SecondOrganization {
  integrationTeamId: string;
  desks: Desk[];
  proxy: SlowSearchProxy;
  close(): Promise<void>;
}

/**
 * A second organization in the same sandbox, set up the way an operator would with the admin API: its own
 * integration workspace where the Megatron app (same app, so the same signing secret) is installed, its own
 * customer workspace and support bot instance (the example bot, in this process), an API token, and an app
 * endpoint that answers `search_user` only after `searchDelayMs`. Each of `desks` agents gets a channel of
 * their own, so their slash commands land on different channels (and so different command partitions).
 */
export async function startSecondOrganization(sandbox: Sandbox, runId: string, options: { desks: number; searchDelayMs: number }): Promise<SecondOrganization> {
  const { control } = sandbox.sim;
  const megatronApp = sandbox.seed.integration.megatron;
  const botPort = await freePort();
  const botUrl = `http://127.0.0.1:${botPort}`;
  const proxy = await startSlowSearchProxy(botUrl, options.searchDelayMs);
  try {
    const integration = await control.createWorkspace({ name: `Umbrella Support ${runId}`, domain: `umbrella-${runId}` });
    const megatron = await control.createApp({
      teamId: integration.id,
      name: 'Megatron',
      signingSecret: megatronApp.signingSecret,
      eventsUrl: `${sandbox.urls.interpreter}/megatron/slack/event/`,
      interactivityUrl: `${sandbox.urls.interpreter}/megatron/slack/interactive-message/`,
      slashCommands: [{ command: '/megatron', url: `${sandbox.urls.interpreter}/megatron/slack/slash-command/` }],
    });
    const customers: SimWorkspace = await control.createWorkspace({ name: `Hooli ${runId}`, domain: `hooli-${runId}` });
    const supportBot = await control.createApp({
      teamId: customers.id,
      name: 'Support Bot',
      eventsUrl: `${botUrl}/slack/events`,
      interactivityUrl: `${botUrl}/slack/interactive`,
      historyLimited: true,
    });
    const slack = new WebClient(megatron.botToken, { slackApiUrl: sandbox.sim.apiUrl });
    const channelFor = async (name: string, members: string[]) => {
      const id = (await slack.conversations.create({ name })).channel?.id ?? '';
      if (members.length > 0) await slack.conversations.invite({ channel: id, users: members.join(',') });
      return id;
    };
    const desks: Desk[] = [];
    const people: SimUser[] = [];
    for (let index = 0; index < options.desks; index += 1) {
      const agent = await control.createUser({ teamId: integration.id, name: `agent${index}`, realName: `Umbrella Agent ${index}`, displayName: `agent${index}` });
      const customerName = `a${runId}w${index}x`;
      const customer = await control.createUser({ teamId: customers.id, name: customerName, realName: `Hooli Customer ${index}`, displayName: customerName });
      people.push(customer);
      desks.push({ agent, channel: await channelFor(`desk-${index}`, [agent.id]), customerName });
    }
    const notificationChannelId = await channelFor('megatron-help', desks.map((desk) => desk.agent.id));

    const { admin } = sandbox.api;
    const created = await admin.createOrganization({ name: `Umbrella ${runId}`, commandUrl: `${proxy.url}/megatron/commands` });
    const organizationId = created.organization?.id ?? '';
    const { token } = await admin.issueApiToken({ organizationId, label: 'bench' });
    await admin.upsertIntegration({ organizationId, teamId: integration.id, domain: integration.domain, botToken: megatron.botToken, notificationChannelId });
    const bot = await startSupportBot(
      botConfigSchema.parse({
        PORT: String(botPort),
        LOG_LEVEL: 'warn',
        MEGATRON_API_URL: sandbox.urls.api,
        MEGATRON_API_TOKEN: token,
        MEGATRON_WEBHOOK_SECRET: created.webhookSecret,
        SLACK_API_URL: sandbox.sim.apiUrl,
        SUPPORT_BOT_WORKSPACES: JSON.stringify([
          { teamId: customers.id, name: customers.name, domain: customers.domain, botToken: supportBot.botToken, botUserId: supportBot.botUserId, signingSecret: supportBot.signingSecret },
        ]),
      }),
      createLogger('support-bot-umbrella', 'warn'),
    );
    await bot.registerWorkspaces();
    // Like B's customers, each wrote to the bot first (only once the bot listens, so the event is delivered).
    for (const customer of people) await control.sendDirectMessage({ teamId: customers.id, userId: customer.id, appId: supportBot.appId, text: 'I need a person' });
    return {
      integrationTeamId: integration.id,
      desks,
      proxy,
      async close() {
        await bot.close();
        await proxy.close();
      },
    };
  } catch (error) {
    await proxy.close();
    throw error;
  }
}
