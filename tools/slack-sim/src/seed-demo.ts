import type { SimControl } from './control-client.js';
import type { SimApp, SimUser, SimWorkspace } from './types.js';

export interface DemoCustomerWorkspace {
  workspace: SimWorkspace;
  supportBot: SimApp;
  customers: SimUser[];
  /** The customer named "sam" in this workspace; both customer workspaces have one. */
  sam: SimUser;
}

export interface DemoSeed {
  integration: { workspace: SimWorkspace; megatron: SimApp; alice: SimUser; bob: SimUser };
  globex: DemoCustomerWorkspace;
  initech: DemoCustomerWorkspace;
}

/**
 * The events Megatron's app manifest subscribes to (services/interpreter-slack/src/manifest.ts, whose tests check the
 * two agree): the demo's Megatron app gets what a real install gets, not every event (its own ✅ reactions included).
 */
export const MEGATRON_BOT_EVENTS = ['message.channels', 'channel_archive', 'channel_deleted', 'member_left_channel', 'channel_left'] as const;

export interface DemoUrls {
  /** Base URL of interpreter-slack; Slack's requests go to its /megatron/slack/... paths. */
  interpreterUrl: string;
  /** Base URL of the integrating (support bot) app; its events and interactions go to /slack/events and /slack/interactive. */
  appUrl: string;
}

async function customerWorkspace(control: SimControl, name: string, domain: string, appUrl: string,
  people: { name: string; realName: string }[]): Promise<DemoCustomerWorkspace> {
  const workspace = await control.createWorkspace({ name, domain });
  // The support bot is installed in many customers' workspaces without being in the Marketplace, so Slack's 2025
  // history limits apply to it; Megatron, installed only in the organization's own workspace, is exempt.
  const supportBot = await control.createApp({ teamId: workspace.id, name: 'Support Bot',
    eventsUrl: `${appUrl}/slack/events`, interactivityUrl: `${appUrl}/slack/interactive`, historyLimited: true });
  const customers: SimUser[] = [];
  for (const person of people) {
    customers.push(await control.createUser({ teamId: workspace.id, name: person.name, realName: person.realName,
      displayName: person.name, email: `${person.name}@${domain}.example` }));
  }
  const sam = customers.find((c) => c.name === 'sam');
  if (!sam) throw new Error(`seed for ${domain} lacks sam`);
  return { workspace, supportBot, customers, sam };
}

/**
 * The demo: "Acme Support" where agents alice and bob use the Megatron app (/megatron), and two customer
 * workspaces, Globex and Initech, each with the support bot and customers, one "sam" in each.
 */
export async function seedDemo(control: SimControl, urls: DemoUrls): Promise<DemoSeed> {
  const interpreter = urls.interpreterUrl.replace(/\/$/, '');
  const appUrl = urls.appUrl.replace(/\/$/, '');
  const workspace = await control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
  const megatron = await control.createApp({ teamId: workspace.id, name: 'Megatron',
    eventsUrl: `${interpreter}/megatron/slack/event/`, interactivityUrl: `${interpreter}/megatron/slack/interactive-message/`,
    slashCommands: [{ command: '/megatron', url: `${interpreter}/megatron/slack/slash-command/` }], events: [...MEGATRON_BOT_EVENTS] });
  const alice = await control.createUser({ teamId: workspace.id, name: 'alice', realName: 'Alice Agent',
    displayName: 'alice', email: 'alice@acme-support.example' });
  const bob = await control.createUser({ teamId: workspace.id, name: 'bob', realName: 'Bob Agent', displayName: 'bob',
    email: 'bob@acme-support.example' });
  const globex = await customerWorkspace(control, 'Globex', 'globex', appUrl, [
    { name: 'sam', realName: 'Sam Globex' }, { name: 'phil', realName: 'Phil Connors' },
    { name: 'rita', realName: 'Rita Hanson' },
  ]);
  const initech = await customerWorkspace(control, 'Initech', 'initech', appUrl, [
    { name: 'sam', realName: 'Sam Initech' }, { name: 'peter', realName: 'Peter Gibbons' },
    { name: 'milton', realName: 'Milton Waddams' },
  ]);
  return { integration: { workspace, megatron, alice, bob }, globex, initech };
}
