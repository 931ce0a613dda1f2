import { CommandOrigin } from '@megatron/contracts';
import { signV0 } from '@megatron/slack-signature';
import { waitFor } from '@megatron/testkit';
import { Harness, SIGNING_SECRET } from './harness.js';

let h: Harness;
let channel: string;

beforeAll(async () => {
  h = await Harness.start();
  channel = await h.createChannel('help-requests', false);
});

afterAll(async () => {
  await h?.expectAcksInTime();
  await h?.stop();
});

const CUSTOMER = { teamId: 'T0CUSTOMER', userId: 'U0PHIL' };
const VALUE = `${CUSTOMER.teamId}:${CUSTOMER.userId}`;

const click = (style: 'legacy' | 'block', verb: string, value: string) =>
  h.sim.control.clickButton({
    teamId: h.workspace.id,
    userId: h.agent.id,
    channel,
    style,
    value,
    ...(style === 'legacy' ? { callbackId: verb } : { actionId: verb }),
  });

const choose = (style: 'legacy' | 'block', value: string) =>
  h.sim.control.chooseOption({
    teamId: h.workspace.id,
    userId: h.agent.id,
    channel,
    style,
    value,
    ...(style === 'legacy' ? { callbackId: 'user_select' } : { actionId: 'user_select' }),
  });

async function replyTo(responseUrl: string): Promise<string> {
  const replies = await waitFor(async () => {
    const found = await h.sim.control.responseUrlReplies(responseUrl);
    return found.length > 0 ? found : undefined;
  }, { timeoutMs: 5_000, what: `a reply on ${responseUrl}` });
  expect(replies[0]?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  return String(replies[0]?.body.text);
}

describe('interactivity', () => {
  it.each(['legacy', 'block'] as const)('turns %s open, pause and unpause buttons into Commands for the customer they carry', async (style) => {
    for (const verb of ['open', 'pause', 'unpause'] as const) {
      const from = h.received.length;
      const result = await click(style, verb, VALUE);
      expect(result.status).toBe(200);
      const [received] = await h.commandsAfter(from, 1);
      const command = received!.command;
      expect(command.id).toMatch(/^action:\d+\.\d+\.[0-9a-f]+$/);
      expect(received?.msgId).toBe(command.id);
      expect(received?.kindHeader).toBe(verb);
      expect(command.origin).toBe(CommandOrigin.BUTTON);
      expect(command.context).toMatchObject({ teamId: h.workspace.id, channelId: channel, userId: h.agent.id, responseUrl: result.responseUrl });
      expect(command.kind.case).toBe(verb);
      expect(command.kind.value).toMatchObject({ target: { kind: { case: 'user', value: CUSTOMER } } });
    }
  });

  it.each(['legacy', 'block'] as const)('runs the verb picked in a %s user_select on the picked customer', async (style) => {
    const picks = [
      { value: `open|${VALUE}`, kind: 'open' },
      { value: `close|${VALUE}`, kind: 'close' },
      { value: `pause|${VALUE}`, kind: 'pause' },
      { value: `unpause|${VALUE}`, kind: 'unpause' },
      { value: `clear-context|${VALUE}`, kind: 'clearContext' },
      { value: `do|${VALUE}|say hi | twice`, kind: 'do' },
    ];
    for (const pick of picks) {
      const from = h.received.length;
      expect((await choose(style, pick.value)).status).toBe(200);
      const [received] = await h.commandsAfter(from, 1);
      expect(received?.command.origin).toBe(CommandOrigin.USER_SELECT);
      expect(received?.command.kind.case).toBe(pick.kind);
      expect(received?.command.kind.value).toMatchObject({ target: { kind: { case: 'user', value: CUSTOMER } } });
      if (pick.kind === 'do') expect(received?.command.kind.value).toMatchObject({ text: 'say hi | twice' });
    }
  });

  it('records a customer feedback click with the broadcast and the customer who clicked, from either button of the row or an older single-id button', async () => {
    for (const [actionId, value, positive] of [['feedback_up', 'bc-42|up', true], ['feedback_down', 'bc-42|down', false], ['feedback', 'bc-42|down', false]] as const) {
      const from = h.received.length;
      await click('block', actionId, value);
      const [received] = await h.commandsAfter(from, 1);
      expect(received?.command.kind).toEqual({
        case: 'feedback',
        value: expect.objectContaining({ broadcastId: 'bc-42', positive, customer: expect.objectContaining({ teamId: h.workspace.id, userId: h.agent.id }) }),
      });
    }
  });

  it('tells the agent through response_url when an action is unknown or its value is broken, and publishes nothing', async () => {
    const before = h.received.length;
    const unknown = await click('block', 'launch_rockets', VALUE);
    expect(unknown.status).toBe(200);
    expect(await replyTo(unknown.responseUrl)).toBe("Megatron doesn't know the action `launch_rockets`, so nothing was done.");
    const noCustomer = await click('legacy', 'pause', 'not-a-customer');
    expect(noCustomer.status).toBe(200);
    expect(await replyTo(noCustomer.responseUrl)).toBe("That button doesn't say which customer it is for, so nothing was done.");
    const badPick = await choose('block', `explode|${VALUE}`);
    expect(await replyTo(badPick.responseUrl)).toBe("That choice doesn't name a verb and a customer, so nothing was done.");
    await h.expectNoCommandsBeyond(before);
  });

  it('answers an interaction type Megatron does not handle with a clear reply, never a 500', async () => {
    const before = h.received.length;
    // A live response_url to reply on; help publishes nothing.
    const { responseUrl } = await h.slash(channel, 'help');
    const payload = { type: 'view_submission', team: { id: h.workspace.id }, user: { id: h.agent.id }, response_url: responseUrl, trigger_id: '1.2.3' };
    const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(`${h.baseUrl}/megatron/slack/interactive-message`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signV0(SIGNING_SECRET, timestamp, rawBody),
      },
      body: rawBody,
    });
    expect(response.status).toBe(200);
    expect(await replyTo(responseUrl)).toBe("Megatron doesn't handle `view_submission` interactions, so nothing was done.");
    await h.expectNoCommandsBeyond(before);
  });
});
