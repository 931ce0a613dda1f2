import type { Customer, Story } from '@megatron/sandbox';
import type { SimMessage } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { startE2eWorld, type E2eWorld } from './world.js';

type Block = { type: string; text?: { text: string }; accessory?: { image_url?: string }; elements?: Array<{ action_id?: string; value?: string }> };
const blocksOf = (message: { blocks?: unknown[] }) => (message.blocks ?? []) as Block[];
const shown = (message: { blocks?: unknown[] }) => blocksOf(message).map((block) => block.text?.text ?? '').join('\n');
const buttons = (message: { blocks?: unknown[] }) => blocksOf(message).flatMap((block) => block.elements ?? []).filter((element) => element.action_id);

// Issue 19 with every real process: the engagement channel as the agent's cockpit.
describe("the engagement channel as the agent's cockpit", () => {
  let world: E2eWorld;
  let story: Story;
  let phil: Customer;
  let philDm: string;
  let channel: string;

  beforeAll(async () => {
    world = await startE2eWorld();
    ({ story } = world);
    phil = story.customer('globex', 'phil');
    ({ channel: philDm } = await story.customerSays(phil, 'I need a human, my invoice is wrong'));
    await story.waitForText(story.notificationChannelId, 'requested some help');
    channel = await story.openEngagement(story.alice, phil);
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  const card = async () => {
    const pinned = (await story.control.messages(channel)).find((message) => (message.pinned_to ?? []).includes(channel));
    if (!pinned) throw new Error('no pinned card');
    return pinned;
  };
  const dmTexts = async () => (await story.control.messages(philDm)).map((message) => message.text.split('\n')[0] ?? '');
  const seenPrompts = new Set<string>();
  /** The next prompt about a held message (a prompt answered is replaced in place, so each is told apart by its ts). */
  const nextPrompt = async (user: string) => {
    const prompt = await waitFor(
      async () => (await story.control.ephemerals(channel)).find((ephemeral) => ephemeral.user === user && ephemeral.text.includes('still answering') && !seenPrompts.has(ephemeral.ts)),
      { what: 'the held-message prompt', timeoutMs: 15_000 },
    );
    seenPrompts.add(prompt.ts);
    return prompt;
  };
  const setMode = async (takeoverMode: string) => {
    const { organizations } = await world.sandbox.api.admin.listOrganizations({});
    const acme = organizations.find((organization) => organization.name === 'Acme');
    await world.sandbox.api.admin.updateOrganization({ organizationId: acme?.id ?? '', takeoverMode });
  };

  it('a pinned card says who the customer is, where, their time zone, that the bot answers and nobody handles it yet, with Pause, Claim and Close', async () => {
    const first = await card();
    expect(shown(first)).toContain('*Phil Connors* (phil) · Globex');
    expect(shown(first)).toMatch(/Local time zone: [A-Za-z_]+\/[A-Za-z_]+ \(UTC[+-]\d\d:\d\d\)/);
    expect(shown(first)).toContain('Bot *answering*');
    expect(shown(first)).toContain('Nobody has claimed this yet');
    expect(blocksOf(first)[0]?.accessory?.image_url).toBeTruthy();
    expect(buttons(first).map((button) => button.action_id)).toEqual(['pause', 'claim', 'close']);
  });

  it('a message written while the bot answers is held and asked about; Send anyway sends it and the one queued behind it, in order', async () => {
    await story.agentWrites(story.alice, channel, 'Held first');
    const prompt = await nextPrompt(story.alice.id);
    expect(buttons(prompt).map((button) => button.action_id)).toEqual(['held_pause_send', 'held_send_anyway', 'held_discard']);
    await story.agentWrites(story.alice, channel, 'Queued second');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await dmTexts()).not.toContain('Held first');
    expect(await dmTexts()).not.toContain('Queued second');

    const value = buttons(prompt)[0]?.value ?? '';
    const click = await story.agentClicks(story.alice, channel, 'held_send_anyway', value, prompt.ts);
    await waitFor(async () => (await dmTexts()).includes('Queued second'), { what: 'both messages sent', timeoutMs: 15_000 });
    const sent = (await dmTexts()).filter((text) => text === 'Held first' || text === 'Queued second');
    expect(sent).toEqual(['Held first', 'Queued second']);
    const replies = await waitFor(async () => {
      const found = await story.control.responseUrlReplies(click.responseUrl);
      return found.length ? found : undefined;
    }, { what: 'the prompt replaced' });
    expect(replies[0]?.body).toMatchObject({ replace_original: true, text: expect.stringContaining('with the bot still answering') });
  }, 45_000);

  it('Discard drops the held message; Pause bot and send pauses the bot and sends the next one', async () => {
    await story.agentWrites(story.alice, channel, 'Drop me');
    const dropPrompt = await nextPrompt(story.alice.id);
    await story.agentClicks(story.alice, channel, 'held_discard', buttons(dropPrompt)[0]?.value ?? '', dropPrompt.ts);
    await story.agentWrites(story.alice, channel, 'Send me after pausing');
    const pausePrompt = await nextPrompt(story.alice.id);
    await story.agentClicks(story.alice, channel, 'held_pause_send', buttons(pausePrompt)[0]?.value ?? '', pausePrompt.ts);
    await story.waitForText(philDm, 'Send me after pausing', 15_000);
    expect(await dmTexts()).not.toContain('Drop me');
    expect((await dmTexts()).some((text) => text.includes("I've been paused"))).toBe(true);
    await waitFor(async () => shown(await card()).includes('Bot *paused*'), { what: 'the card updated in place' });
  }, 45_000);

  it('Claim by button and by command names who handles it on the card and the help request; a second agent is told once', async () => {
    const theCard = await card();
    await story.agentClicks(story.alice, channel, 'claim', buttons(theCard).find((button) => button.action_id === 'claim')?.value ?? '', theCard.ts);
    await waitFor(async () => shown(await card()).includes('Alice Agent is handling this'), { what: 'the card naming Alice' });
    expect((await card()).ts).toBe(theCard.ts);
    // The help request is updated after the card, by the same claim.
    const helpRequest = await waitFor(async () => (await story.control.messages(story.notificationChannelId)).find((message) => message.text.includes('handling this')), {
      what: 'the help request naming Alice',
    });
    expect(helpRequest.text).toContain('Alice Agent is handling this');

    await story.agentRuns(story.bob, channel, 'claim');
    await waitFor(async () => shown(await card()).includes('Bob'), { what: 'the card naming Bob' });
    await story.agentWrites(story.alice, channel, 'Alice again');
    await story.agentWrites(story.alice, channel, 'Alice once more');
    await story.waitForText(philDm, 'Alice once more', 15_000);
    const notes = (await story.control.ephemerals(channel)).filter((ephemeral) => ephemeral.user === story.alice.id && ephemeral.text.includes('is handling this conversation'));
    expect(notes).toHaveLength(1);
  }, 45_000);

  it('the engagement log shows who opened, paused, claimed and closed it', async () => {
    await story.agentRuns(story.alice, channel, 'close');
    await waitFor(async () => shown(await card()).includes('Closed by'), { what: 'the closed card' });
    // The log entry is appended once the close's effects are done, the card's refresh among the first of them.
    const log = () => world.sandbox.api.megatron.getEngagementLog({ key: { case: 'customer', value: { teamId: phil.home.workspace.id, userId: phil.user.id } } });
    await waitFor(async () => (await log()).entries.some((entry) => entry.event === 'close'), { what: 'the close in the engagement log' });
    const { entries } = await log();
    expect(entries.map((entry) => [entry.event, entry.outcome, entry.actorName])).toEqual([
      ['open', 'opened', 'Alice Agent'],
      ['pause', 'paused', 'Alice Agent'],
      ['claim', 'claimed', 'Alice Agent'],
      ['claim', 'claimed', 'Bob Agent'],
      ['close', 'closed', 'Alice Agent'],
    ]);
  });

  it('auto-pause pauses the bot before sending; send-and-warn sends and warns', async () => {
    const rita = story.customer('globex', 'rita');
    const ritaDm = (await story.customerSays(rita, 'Hello?')).channel;
    const ritaChannel = await story.openEngagement(story.alice, rita);
    await setMode('auto-pause');
    await story.agentWrites(story.alice, ritaChannel, 'Auto-paused for you');
    await story.waitForText(ritaDm, 'Auto-paused for you', 15_000);
    expect((await story.control.messages(ritaDm)).some((message: SimMessage) => message.text.includes("I've been paused"))).toBe(true);

    const milton = story.customer('initech', 'milton');
    const miltonDm = (await story.customerSays(milton, 'Anyone?')).channel;
    const miltonChannel = await story.openEngagement(story.alice, milton);
    await setMode('send-and-warn');
    await story.agentWrites(story.alice, miltonChannel, 'Sent while the bot answers');
    await story.waitForText(miltonDm, 'Sent while the bot answers', 15_000);
    await story.waitForText(miltonChannel, 'Bot is not paused', 15_000);
    await setMode('hold');
  }, 60_000);
});
