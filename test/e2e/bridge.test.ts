import { waitFor } from '@megatron/testkit';
import type { Customer, Sandbox, Story } from '@megatron/sandbox';
import { startE2eWorld, type E2eWorld } from './world.js';

// Issue 15 with every real process: what crosses the bridge, and what must not.
describe('nothing leaks across the bridge', () => {
  let world: E2eWorld;
  let sandbox: Sandbox;
  let story: Story;
  let rita: Customer;
  let ritaDm: string;
  let channel: string;

  const reportBotReply = async (text: string, ts: string) => {
    const response = await fetch(`${sandbox.urls.api}/megatron/outgoing/`, {
      method: 'POST',
      headers: { authorization: `MegatronToken ${sandbox.secrets.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: rita.user.id, ts, message: { text, team: rita.home.workspace.id } }),
    });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    world = await startE2eWorld();
    ({ sandbox, story } = world);
    rita = story.customer('globex', 'rita');
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  it('a card number in the imported history is masked, last four kept, even followed by more digits', async () => {
    await story.customerSays(rita, 'My card 4000 0566 5566 5556 123 was declined');
    ritaDm = await story.dmOf(rita);
    channel = await story.takeOver(story.alice, rita);
    const imported = await story.waitForText(channel, 'was declined');
    expect(imported.text).toContain('****5556');
    expect(imported.text).not.toMatch(/4000\s?0566/);
  });

  it("a card number in the customer's live message and in the bot's reply is masked", async () => {
    await story.customerSays(rita, 'Try 4111111111111111 12/27 instead');
    const live = await story.waitForText(channel, 'instead');
    expect(live.text).toContain('****1111');
    expect(live.text).not.toContain('41111111');
    await reportBotReply('Charged to card ref-5500-0000-0000-0004, thanks', '1732800000.000100');
    const reply = await story.waitForText(channel, 'thanks');
    expect(reply.text).toContain('ref-****0004');
    expect(reply.text).not.toContain('5500-0000');
  });

  it("a message the customer deletes in their DM leaves the agents' channel too (issue 18)", async () => {
    const said = await story.customerSays(rita, 'Oops, my password is hunter2');
    const mirror = await story.waitForText(channel, 'hunter2');
    await story.customerDeletes(rita, ritaDm, said.ts);
    await waitFor(async () => !(await story.control.messages(channel)).some((message) => message.ts === mirror.ts), { what: 'the mirror to leave the channel' });
    expect((await story.control.messages(channel)).map((message) => message.text).join('\n')).not.toContain('hunter2');
  });

  it('a thread reply stays with the agents while the next top-level message reaches the customer', async () => {
    const first = await story.agentWrites(story.alice, channel, 'Let me check that for you');
    await story.waitForText(ritaDm, 'Let me check that for you');
    await story.control.postAsUser({ teamId: story.seed.integration.workspace.id, userId: story.alice.id, channel, text: 'INTERNAL: looks like fraud, escalate', threadTs: first.ts });
    await story.agentWrites(story.alice, channel, 'Thanks for waiting');
    await story.waitForText(ritaDm, 'Thanks for waiting');
    expect((await story.control.messages(ritaDm)).map((message) => message.text).join('\n')).not.toContain('INTERNAL');
  });

  it("an agent's mentions reach the customer as names, and special mentions as plain words", async () => {
    await story.agentWrites(story.alice, channel, `<@${story.bob.id}> will follow up, <!here>`);
    const forwarded = await story.waitForText(ritaDm, 'will follow up');
    expect(forwarded.text).toBe('@Bob Agent will follow up, @here');
  });

  it("a customer's <!channel> reaches the agents as plain words, pinging nobody", async () => {
    await story.customerSays(rita, '<!channel> anyone there?');
    const mirrored = await story.waitForText(channel, 'anyone there?');
    expect(mirrored.text).toBe('@channel anyone there?');
    await waitFor(async () => (await story.control.messages(channel)).every((message) => !message.text.includes('<!channel>')), { what: 'no raw special mention' });
  });
});
