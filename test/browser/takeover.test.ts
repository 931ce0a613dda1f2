import type { Browser, Locator } from 'playwright-core';
import type { Customer } from '@megatron/sandbox';
import { startE2eWorld, type E2eWorld } from '../e2e/world.js';
import { launchChromium, SlackUi } from './slack-ui.js';

// The promise, in the browser against the real sandbox (simulator, four services, example bot): a customer
// talks to the bot, an agent takes over with clicks and typing only. One story, one step per test, each asserting
// what a person would see; a step that needs an earlier one's product behaviour says so.
describe('taking over a customer conversation in the simulator UI', () => {
  let world: E2eWorld;
  let browser: Browser;
  let ui: SlackUi;
  let phil: Customer;

  const customerPane = (): Locator => ui.pane(/^Globex: /);
  const agentsPane = (): Locator => ui.pane('Acme Support: #mt-phil_globex');

  beforeAll(async () => {
    world = await startE2eWorld();
    phil = world.story.customer('globex', 'phil');
    browser = await launchChromium();
    ui = await SlackUi.open(browser, world.sandbox.urls.ui);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  }, 30_000);

  it('a customer writes to the support bot in their DM and sees its reply', async () => {
    await ui.pickWorkspace('Globex');
    await ui.actAs(ui.panes.first(), phil.user.id);
    await ui.open('Support Bot');
    await ui.write(ui.pane('Globex: Support Bot'), 'What are your opening hours?');
    await ui.message(ui.pane('Globex: Support Bot'), 'Monday to Friday');
  });

  it("asking for a human puts a help request with an 'Open engagement channel' button in the agents' help channel", async () => {
    await ui.write(ui.pane('Globex: Support Bot'), 'I need a human, my invoice is wrong');
    await ui.message(ui.pane('Globex: Support Bot'), 'asked a human to join');
    await ui.pickWorkspace('Acme Support');
    await ui.open('megatron-help');
    const help = await ui.message(ui.pane('Acme Support: #megatron-help'), 'requested some help');
    await ui.see(help.getByRole('button', { name: 'Open engagement channel' }), 'the help request button');
  });

  it("an agent opens the engagement by clicking the help request's button and sees the customer's history there", async () => {
    const help = await ui.message(ui.pane('Acme Support: #megatron-help'), 'requested some help');
    await help.getByRole('button', { name: 'Open engagement channel' }).click();
    await ui.open('mt-phil_globex');
    await ui.message(agentsPane(), 'What are your opening hours?');
    await ui.message(agentsPane(), 'Monday to Friday');
  });

  it("the agent pauses the bot with the Pause button on the engagement channel's pinned card, and the customer is told", async () => {
    await ui.sideBySide();
    const card = agentsPane().locator('article.pinned', { has: ui.page.getByRole('button', { name: 'Pause bot', exact: true }) });
    await ui.see(card, "the engagement channel's pinned card with a Pause button");
    await card.getByRole('button', { name: 'Pause bot', exact: true }).click();
    await ui.message(customerPane(), "I've been paused");
  });

  it("the agent's message reaches the customer's DM pane with the agent's footer", async () => {
    await ui.sideBySide();
    // Typed, so this step holds whether or not the card's button above paused the bot.
    await ui.write(agentsPane(), '/megatron pause');
    await ui.message(customerPane(), "I've been paused");
    await ui.write(agentsPane(), 'Hi Phil, Alice here. Let me fix that invoice.');
    const copy = await ui.message(customerPane(), 'Let me fix that invoice');
    await ui.see(copy.getByText('sent by Alice Agent from Acme'), 'the footer naming the agent');
  });

  it("the agent's message shows a delivery receipt once the customer has it", async () => {
    const original = await ui.message(agentsPane(), 'Let me fix that invoice');
    await ui.see(original.locator('.reaction', { hasText: '✅' }), "a ✅ receipt on the agent's message", 8_000);
  });

  it("a note written in a thread stays on the agents' side", async () => {
    const original = await ui.message(agentsPane(), 'Let me fix that invoice');
    await original.hover();
    await original.getByRole('button', { name: 'Reply in thread' }).click();
    const thread = agentsPane().getByRole('complementary', { name: 'Thread' });
    await ui.write(agentsPane(), 'Internal note: billing confirmed the double charge', 'thread');
    await ui.message(thread, 'Internal note: billing confirmed');
    // Agent messages of a channel are handled in order, so once this later one has arrived the note would have too.
    await ui.write(agentsPane(), 'The refund is on its way.');
    await ui.message(customerPane(), 'The refund is on its way.');
    expect(await customerPane().getByText('Internal note').count()).toBe(0);
  });

  it('an agent picks the customer they mean from the disambiguation select and gets that customer\'s channel', async () => {
    await ui.singlePane();
    await ui.pickWorkspace('Acme Support');
    await ui.open('megatron-help');
    const help = ui.pane('Acme Support: #megatron-help');
    await ui.write(help, '/megatron open sam');
    const question = await ui.message(help, 'Several customers match');
    await ui.see(question.getByText('Only visible to you'), 'the question shown to the agent only');
    await question.getByRole('combobox', { name: 'Pick a customer' }).selectOption({ label: 'Sam Initech — Initech' });
    await ui.open('mt-sam_initech');
    await ui.see(ui.pane('Acme Support: #mt-sam_initech'), "Initech Sam's engagement channel");
  });
});
