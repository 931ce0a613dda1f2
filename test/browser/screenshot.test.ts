import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Customer, Story } from '@megatron/sandbox';
import { repoRoot } from '@megatron/testkit';
import { startE2eWorld, type E2eWorld } from '../e2e/world.js';
import { launchChromium, SlackUi } from './slack-ui.js';

/** The README's picture of the sandbox (README.md, "See it"); rewritten by every run of this test. */
const SCREENSHOT = path.join('docs', 'sandbox.png');

// `npm run demo` drives the simulator's control API, as the Story does here; a person watching the UI sees each
// step appear. The last view is the README's screenshot.
describe('watching the demo story in the simulator UI', () => {
  let world: E2eWorld;
  let browser: Browser;
  let ui: SlackUi;
  let story: Story;
  let phil: Customer;

  beforeAll(async () => {
    world = await startE2eWorld();
    ({ story } = world);
    phil = story.customer('globex', 'phil');
    browser = await launchChromium();
    ui = await SlackUi.open(browser, world.sandbox.urls.ui, { width: 1440, height: 860 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  }, 30_000);

  it('shows the help request in the agents\' channel as soon as the customer asks for a human', async () => {
    const help = ui.pane('Acme Support: #megatron-help');
    await ui.see(help, 'the help channel, where the UI lands');
    await story.customerSays(phil, 'What are your opening hours?');
    await story.waitForText(await story.dmOf(phil), 'Monday to Friday');
    await story.customerSays(phil, 'I need a human, my invoice is wrong');
    await ui.message(help, 'requested some help');
  });

  it('shows the engagement channel and the customer\'s DM side by side as the agent takes over, and writes the README screenshot', async () => {
    const request = await story.waitForText(world.sandbox.notificationChannelId, 'requested some help');
    await story.agentClicks(story.alice, world.sandbox.notificationChannelId, 'open', `${phil.home.workspace.id}:${phil.user.id}`, request.ts);
    await ui.open('mt-phil_globex');
    await ui.sideBySide();
    const agents = ui.pane('Acme Support: #mt-phil_globex');
    const customer = ui.pane('Globex: Support Bot');
    await ui.message(agents, 'Monday to Friday');
    const channel = await story.engagementChannelOf(phil);
    if (!channel) throw new Error("Phil's engagement channel is missing");

    await story.agentRuns(story.alice, channel, 'pause');
    await ui.message(customer, "I've been paused");
    await story.agentWrites(story.alice, channel, 'Hi Phil, Alice here. Let me fix that invoice for you.');
    await ui.message(customer, 'sent by Alice Agent from Acme');
    await story.customerSays(phil, 'Thanks Alice! It is invoice 1042.');
    await ui.message(agents, 'invoice 1042');

    await mkdir(path.join(repoRoot(), 'docs'), { recursive: true });
    await ui.page.screenshot({ path: path.join(repoRoot(), SCREENSHOT) });
  });
});
