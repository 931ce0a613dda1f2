import type { WebClient } from '@slack/web-api';
import type { Browser, Locator } from 'playwright-core';
import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { AppReceiver, type ReceivedRequest } from '../../tools/slack-sim/test/app-receiver.js';
import { slackClient } from '../../tools/slack-sim/test/slack-client.js';
import { launchChromium, SlackUi } from './slack-ui.js';

// The page's globals these tests read, inside functions that run in the browser (evaluate); declared here, in this
// module only, because the repository's type check has no DOM library.
declare const getComputedStyle: (element: unknown) => { opacity: string; borderLeftColor: string };
declare const window: { hacked?: number };

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
// 2024-11-27 09:33:20 UTC: 6:33 PM in Tokyo, where the browser below lives.
const EPOCH = 1732700000;

function eventsOf(receiver: AppReceiver): Record<string, unknown>[] {
  return receiver.received.filter((req) => req.path === '/events').map((req) => (JSON.parse(req.rawBody) as { event: Record<string, unknown> }).event);
}

function interactionsOf(receiver: AppReceiver): Record<string, unknown>[] {
  return receiver.received.filter((req) => req.path === '/interactive').map((req) => JSON.parse(new URLSearchParams(req.rawBody).get('payload') ?? '{}') as Record<string, unknown>);
}

// The simulator alone (no services): what the UI draws of each kind of Slack message, and that what a person does
// in it reaches the app as Slack would send it.
describe('the simulator UI', () => {
  let sim: SlackSim;
  let receiver: AppReceiver;
  let browser: Browser;
  let ui: SlackUi;
  let acme: SimWorkspace;
  let globex: SimWorkspace;
  let megatron: SimApp;
  let supportBot: SimApp;
  let alice: SimUser;
  let bob: SimUser;
  let phil: SimUser;
  let web: WebClient;
  let general: string;

  const pane = (): Locator => ui.pane('Acme Support: #general');

  beforeAll(async () => {
    sim = await startSlackSim();
    receiver = await new AppReceiver().start();
    acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron', eventsUrl: `${receiver.url}/events`,
      interactivityUrl: `${receiver.url}/interactive`, slashCommands: [{ command: '/megatron', url: `${receiver.url}/slash` }] });
    supportBot = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot', eventsUrl: `${receiver.url}/support-events` });
    alice = await sim.control.createUser({ teamId: acme.id, name: 'alice', realName: 'Alice Agent' });
    bob = await sim.control.createUser({ teamId: acme.id, name: 'bob', realName: 'Bob Agent' });
    phil = await sim.control.createUser({ teamId: globex.id, name: 'phil', realName: 'Phil Connors' });
    web = slackClient(sim, megatron.botToken);
    general = (await web.conversations.create({ name: 'general' })).channel?.id ?? '';
    await web.conversations.invite({ channel: general, users: `${alice.id},${bob.id}` });
    browser = await launchChromium();
    ui = await SlackUi.open(browser, `${sim.url}/#ws=${acme.id}&c=${general}&as=${alice.id}`, { timezoneId: 'Asia/Tokyo' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    await receiver?.stop();
  });

  it('lists every workspace in the rail and greys archived channels, where nobody can write', async () => {
    const old = (await web.conversations.create({ name: 'old-news' })).channel?.id ?? '';
    await web.conversations.invite({ channel: old, users: alice.id });
    await sim.control.archiveChannel({ teamId: acme.id, userId: alice.id, channel: old });
    const rail = ui.page.getByRole('navigation', { name: 'Workspaces' });
    expect(await rail.getByRole('button').allInnerTexts()).toEqual(['AS', 'G']);
    const archived = ui.sidebar.getByRole('button', { name: 'old-news' });
    await ui.see(archived, 'the archived channel');
    expect(Number(await archived.evaluate((element) => getComputedStyle(element).opacity))).toBeLessThan(1);
    await archived.click();
    await ui.see(ui.pane('Acme Support: #old-news').getByText('This channel is archived'), 'the archived note');
    expect(await ui.pane('Acme Support: #old-news').getByRole('textbox').isDisabled()).toBe(true);
    await ui.open('general');
  });

  it("draws a bot's mrkdwn: styles, quotes, code, links, mentions, emoji and dates in the browser's time zone", async () => {
    await web.chat.postMessage({ channel: general, text: [
      '*bold* _italic_ ~struck~ `inline code` :white_check_mark:',
      '&gt; a quoted line',
      '```const x = 1;```',
      `see <https://example.com/docs|the docs>, ask <@${bob.id}> in <#${general}|general> <!here>`,
      `due <!date^${EPOCH}^{date_short} at {time}|Nov 27>`,
    ].join('\n') });
    const message = await ui.message(pane(), 'see');
    expect(await message.locator('strong').first().innerText()).toBe('bold');
    expect(await message.locator('em').first().innerText()).toBe('italic');
    expect(await message.locator('s').first().innerText()).toBe('struck');
    expect(await message.locator('code').first().innerText()).toBe('inline code');
    expect(await message.locator('blockquote').innerText()).toBe('a quoted line');
    expect(await message.locator('pre').innerText()).toBe('const x = 1;');
    expect(await message.getByRole('link', { name: 'the docs' }).getAttribute('href')).toBe('https://example.com/docs');
    expect(await message.locator('.mention').allInnerTexts()).toEqual(['@Bob Agent', '#general', '@here']);
    expect(await message.innerText()).toContain('✅');
    expect(await message.locator('time.date').innerText()).toBe('Nov 27, 2024 at 6:33 PM');
  });

  it('keeps HTML written in text, attachments, buttons and names as text', async () => {
    await web.chat.postMessage({ channel: general, username: '<b>Mallory</b>', text: 'look &lt;img src=x onerror="window.hacked=1"&gt; here',
      attachments: [{ title: '<img src=y onerror="window.hacked=2">', text: 'attached', footer: '<i>footer</i>' }],
      blocks: [{ type: 'section', text: { type: 'plain_text', text: '<script>window.hacked=3</script>' } },
        { type: 'actions', elements: [{ type: 'button', action_id: 'x', text: { type: 'plain_text', text: '<img src=z>' } }] }] });
    await web.chat.postMessage({ channel: general, text: 'look &lt;img src=x onerror="window.hacked=1"&gt; here' });
    const message = await ui.message(pane(), 'onerror="window.hacked=1"');
    expect(await message.innerText()).toContain('look <img src=x onerror="window.hacked=1"> here');
    const withBlocks = await ui.message(pane(), '<script>window.hacked=3</script>');
    expect(await withBlocks.innerText()).toContain('<b>Mallory</b>');
    expect(await withBlocks.getByRole('button', { name: '<img src=z>' }).count()).toBe(1);
    expect(await withBlocks.innerText()).toContain('<img src=y onerror="window.hacked=2">');
    expect(await ui.page.locator('img[src="x"], img[src="y"], img[src="z"]').count()).toBe(0);
    expect(await ui.page.evaluate(() => window.hacked)).toBeUndefined();
  });

  it('shows legacy attachments with their colour bar, pretext, title link, fields and footer', async () => {
    await web.chat.postMessage({ channel: general, text: 'with an attachment', attachments: [{ color: 'danger', pretext: 'Heads up', title: 'Invoice 42',
      title_link: 'https://example.com/invoice/42', text: 'Charged *twice*', fields: [{ title: 'Amount', value: '$10', short: true }],
      footer: 'sent by Alice Agent from Acme' }] });
    const message = await ui.message(pane(), 'with an attachment');
    const attachment = message.locator('.attachment');
    expect(await attachment.evaluate((element) => getComputedStyle(element).borderLeftColor)).toBe('rgb(224, 30, 90)');
    expect(await message.locator('.attachment-pretext').innerText()).toBe('Heads up');
    expect(await attachment.getByRole('link', { name: 'Invoice 42' }).getAttribute('href')).toBe('https://example.com/invoice/42');
    expect(await attachment.locator('strong').innerText()).toBe('twice');
    expect(await attachment.locator('.attachment-field-title').innerText()).toBe('Amount');
    expect(await attachment.locator('.attachment-footer').innerText()).toContain('sent by Alice Agent from Acme');
  });

  it('shows Block Kit: header, sections with fields, context, divider, image, and buttons in their styles', async () => {
    await web.chat.postMessage({ channel: general, text: 'fallback text', blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Engagement with phil' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'The bot is *not paused*' }, fields: [{ type: 'mrkdwn', text: '*Workspace*\nglobex' }],
        accessory: { type: 'image', image_url: 'https://avatars.slack-sim.invalid/T1/U1_72.png', alt_text: 'Phil Connors' } },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'opened by Alice' }] },
      { type: 'image', image_url: 'https://images.example.com/chart.png', alt_text: 'a chart' },
      { type: 'actions', block_id: 'card', elements: [
        { type: 'button', action_id: 'pause', text: { type: 'plain_text', text: 'Pause' }, style: 'danger', value: 'phil' },
        { type: 'button', action_id: 'claim', text: { type: 'plain_text', text: 'Claim' }, style: 'primary', value: 'phil' },
        { type: 'static_select', action_id: 'who', placeholder: { type: 'plain_text', text: 'Pick a customer' },
          options: [{ text: { type: 'plain_text', text: 'sam (Globex)' }, value: 'globex-sam' }, { text: { type: 'plain_text', text: 'sam (Initech)' }, value: 'initech-sam' }] },
      ] },
    ] });
    const message = await ui.message(pane(), 'Engagement with phil');
    expect(await message.innerText()).not.toContain('fallback text');
    expect(await message.locator('.bk-header').innerText()).toBe('Engagement with phil');
    expect(await message.locator('.bk-fields').innerText()).toContain('globex');
    expect(await message.locator('.bk-context').innerText()).toBe('opened by Alice');
    expect(await message.locator('hr.bk-divider').count()).toBe(1);
    expect(await message.getByRole('img', { name: 'a chart' }).getAttribute('src')).toBe('https://images.example.com/chart.png');
    // The simulator's own avatars cannot load (.invalid): the person's initials stand in for their picture.
    expect(await message.getByRole('img', { name: 'Phil Connors' }).innerText()).toBe('PC');
    expect(await message.getByRole('button', { name: 'Pause' }).getAttribute('class')).toContain('danger');
    expect(await message.getByRole('button', { name: 'Claim' }).getAttribute('class')).toContain('primary');
  });

  it("sends a button click and a select choice to the message's app as Slack's block_actions", async () => {
    const message = await ui.message(pane(), 'Engagement with phil');
    await message.getByRole('button', { name: 'Claim' }).click();
    await message.getByRole('combobox', { name: 'Pick a customer' }).selectOption({ label: 'sam (Initech)' });
    const [click, choice] = await waitFor(async () => {
      const found = interactionsOf(receiver).filter((payload) => payload.type === 'block_actions');
      return found.length >= 2 ? found : undefined;
    }, { what: 'two interactions' });
    expect(click).toMatchObject({ user: { id: alice.id }, channel: { id: general }, actions: [{ action_id: 'claim', value: 'phil', block_id: 'card' }] });
    expect(choice).toMatchObject({ actions: [{ action_id: 'who', selected_option: { value: 'initech-sam', text: { text: 'sam (Initech)' } } }] });
  });

  it('shows shared images inline and other files as cards that download them', async () => {
    await sim.control.shareFile({ teamId: acme.id, userId: bob.id, channel: general, name: 'dot.png', mimetype: 'image/png', contentBase64: PNG.toString('base64') });
    await sim.control.shareFile({ teamId: acme.id, userId: bob.id, channel: general, name: 'notes.txt', mimetype: 'text/plain',
      contentBase64: Buffer.from('hello').toString('base64'), text: 'the notes' });
    const image = (await ui.message(pane(), 'dot.png')).getByRole('img', { name: 'dot.png' });
    await waitFor(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth === 1 || undefined), { what: 'the image to load' });
    const card = (await ui.message(pane(), 'the notes')).getByRole('link', { name: /notes\.txt/ });
    expect(await card.getAttribute('download')).toBe('notes.txt');
  });

  it('shows reactions with emoji and count, pinned messages, edits, and replies in the thread pane', async () => {
    const posted = await web.chat.postMessage({ channel: general, text: 'a message people react to' });
    const ts = posted.ts ?? '';
    await web.reactions.add({ channel: general, timestamp: ts, name: 'white_check_mark' });
    await web.reactions.add({ channel: general, timestamp: ts, name: '+1' });
    await slackClient(sim, alice.token).reactions.add({ channel: general, timestamp: ts, name: '+1' });
    await web.pins.add({ channel: general, timestamp: ts });
    await web.chat.update({ channel: general, ts, text: 'a message people react to, edited' });
    await web.chat.postMessage({ channel: general, thread_ts: ts, text: 'a reply in the thread' });
    const message = await ui.message(pane(), 'a message people react to, edited');
    await ui.see(message.locator('.reaction', { hasText: '👍' }).getByText('2'), 'two 👍');
    await ui.see(message.locator('.reaction', { hasText: '✅' }), 'the ✅ reaction');
    await ui.see(message.getByText('📌 Pinned'), 'the pin');
    await ui.see(message.getByText('(edited)'), 'the edited mark');
    expect(await pane().getByText('a reply in the thread').count()).toBe(0);
    await message.getByRole('button', { name: '1 reply' }).click();
    await ui.message(pane().getByRole('complementary', { name: 'Thread' }), 'a reply in the thread');
  });

  it('shows an ephemeral only to the person it was sent to', async () => {
    await web.chat.postEphemeral({ channel: general, user: alice.id, text: 'only alice sees this' });
    const ephemeral = await ui.message(pane(), 'only alice sees this');
    await ui.see(ephemeral.getByText('Only visible to you'), 'the ephemeral mark');
    await ui.actAs(pane(), bob.id);
    await ui.see(pane().getByText('a message people react to'), 'the channel as bob');
    expect(await pane().getByText('only alice sees this').count()).toBe(0);
    await ui.actAs(pane(), alice.id);
    await ui.message(pane(), 'only alice sees this');
  });

  it('shows a message posted elsewhere within a second', async () => {
    const started = Date.now();
    await web.chat.postMessage({ channel: general, text: 'live from the Web API' });
    await ui.message(pane(), 'live from the Web API', 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("acting as a person, writes, replies, edits, deletes, runs /megatron and shares a file, each reaching the app as Slack's request", async () => {
    await ui.actAs(pane(), bob.id);
    receiver.received.length = 0;
    await ui.write(pane(), 'hello from *bob*');
    const mine = await ui.message(pane(), 'hello from bob');
    expect(await mine.locator('strong').innerText()).toBe('bob');

    await mine.hover();
    await mine.getByRole('button', { name: 'Reply in thread' }).click();
    await ui.write(pane(), 'a threaded answer', 'thread');
    await ui.message(pane().getByRole('complementary', { name: 'Thread' }), 'a threaded answer');
    await pane().getByRole('button', { name: 'Close thread' }).click();

    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    // While editing, the message's text is in the box, so the box is found in the pane.
    await pane().getByRole('textbox', { name: 'Edit message' }).fill('hello again from bob');
    await pane().getByRole('textbox', { name: 'Edit message' }).press('Enter');
    const edited = await ui.message(pane(), 'hello again from bob');
    await ui.see(edited.getByText('(edited)'), 'the edited mark');

    await ui.write(pane(), 'a message to take back');
    const doomed = await ui.message(pane(), 'a message to take back');
    await doomed.hover();
    await doomed.getByRole('button', { name: 'Delete message' }).click();
    await doomed.getByRole('button', { name: 'Confirm delete' }).click();

    await ui.write(pane(), '/megatron help me');
    await pane().locator('input[type=file]').setInputFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('all good') });
    await ui.message(pane(), 'report.txt');

    const events = await waitFor(async () => {
      const seen = eventsOf(receiver);
      return seen.some((event) => event.subtype === 'file_share') && seen.some((event) => event.subtype === 'message_deleted') ? seen : undefined;
    }, { what: 'the file_share and message_deleted events' });
    expect(events).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'message', user: bob.id, channel: general, text: 'hello from *bob*' }),
      expect.objectContaining({ type: 'message', user: bob.id, text: 'a threaded answer', thread_ts: expect.any(String) }),
      expect.objectContaining({ subtype: 'message_changed', message: expect.objectContaining({ text: 'hello again from bob' }) }),
      expect.objectContaining({ subtype: 'message_deleted' }),
      expect.objectContaining({ subtype: 'file_share', user: bob.id }),
    ]));
    const slash = receiver.received.find((req: ReceivedRequest) => req.path === '/slash');
    expect(Object.fromEntries(new URLSearchParams(slash?.rawBody ?? ''))).toMatchObject({ command: '/megatron', text: 'help me', user_id: bob.id, channel_id: general });
    expect(await pane().getByText('a message to take back').count()).toBe(0);
  });

  it("puts a customer's DM beside the agents' engagement channel named after them", async () => {
    await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: supportBot.appId, text: 'hi, it is phil' });
    const engagement = (await web.conversations.create({ name: 'mt-phil_globex' })).channel?.id ?? '';
    await web.conversations.invite({ channel: engagement, users: alice.id });
    await web.chat.postMessage({ channel: engagement, text: 'phil wants a human' });
    await ui.pickWorkspace('Globex');
    await ui.open('Phil Connors ↔ Support Bot');
    await ui.sideBySide();
    await ui.message(ui.pane('Globex: Support Bot'), 'hi, it is phil');
    await ui.message(ui.pane('Acme Support: #mt-phil_globex'), 'phil wants a human');
    expect(await ui.pane('Acme Support: #mt-phil_globex').getByRole('combobox', { name: 'Acting as' }).inputValue()).toBe(alice.id);
  });

  it('follows a reset simulator to its new workspaces without a reload', async () => {
    await sim.control.reset();
    const fresh = await sim.control.createWorkspace({ name: 'Fresh Co', domain: 'fresh' });
    const app = await sim.control.createApp({ teamId: fresh.id, name: 'Helper' });
    const carol = await sim.control.createUser({ teamId: fresh.id, name: 'carol', realName: 'Carol Fresh' });
    const channel = (await slackClient(sim, app.botToken).conversations.create({ name: 'welcome' })).channel?.id ?? '';
    await slackClient(sim, app.botToken).conversations.invite({ channel, users: carol.id });
    await ui.see(ui.page.getByRole('navigation', { name: 'Workspaces' }).getByRole('button', { name: 'Fresh Co' }), 'the new workspace');
    expect(await ui.page.getByRole('navigation', { name: 'Workspaces' }).getByRole('button').count()).toBe(1);
    await ui.open('welcome');
    await ui.see(ui.pane('Fresh Co: #welcome'), 'the new workspace\'s channel');
  });
});
