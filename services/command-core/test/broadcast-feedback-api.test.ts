import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { PlatformType, type BroadcastResponse, type MegatronService } from '@megatron/contracts';
import type { SimMessage } from '@megatron/slack-sim';
import { create } from '@bufbuild/protobuf';
import { CommandSchema } from '@megatron/contracts';
import { partitionOf, publishProto, streamNames } from '@megatron/runtime';
import { waitFor } from '@megatron/testkit';
import { addUmbrella, startApiWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

let world: World;
let api: WorldApi;
let acmeToken = '';
let acme: Client<typeof MegatronService>;
let umbrella: Client<typeof MegatronService>;

beforeAll(async () => {
  ({ world, api, client: acme, token: acmeToken } = await startApiWorld('feedback-test'));

  ({ client: umbrella } = await addUmbrella(world, api));
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

const phil = () => ({ teamId: world.customers.team.id, userId: world.customers.phil.id });
const sam = () => ({ teamId: world.customers.team.id, userId: world.customers.sam.id });
const initechSam = () => ({ teamId: world.otherCustomers.team.id, userId: world.otherCustomers.sam.id });

function broadcastTo(client: Client<typeof MegatronService>, text: string, captureFeedback: boolean, ...customers: Array<{ teamId: string; userId: string }>) {
  const teams = [...new Set(customers.map((customer) => customer.teamId))];
  return client.broadcast({
    content: { text },
    captureFeedback,
    audiences: teams.map((teamId) => ({ platform: PlatformType.SLACK, teamId, userIds: customers.filter((c) => c.teamId === teamId).map((c) => c.userId) })),
  });
}

/** The customer's copy of a broadcast, as Slack holds it now. */
async function copyOf(response: BroadcastResponse, customer: { userId: string }): Promise<SimMessage> {
  const result = response.results.find((candidate) => candidate.userId === customer.userId);
  const message = (await world.sim.control.messages(result?.channelId ?? '')).find((candidate) => candidate.ts === result?.ts);
  if (!message) throw new Error(`no copy for ${customer.userId}`);
  return message;
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
  return error;
}

const blocksOf = (message: SimMessage) => JSON.stringify(message.blocks ?? []);

describe('feedback on a broadcast, reported by the app that received the clicks', () => {
  let sent: BroadcastResponse;

  beforeAll(async () => {
    sent = await broadcastTo(acme, 'Maintenance tonight at 10pm', true, phil(), sam(), initechSam());
    expect(sent.results.map((result) => result.ok)).toEqual([true, true, true]);
  });

  it("records a 👍, turns the customer's copy into the broadcast with \"Thanks for your feedback\" and no buttons, and a later 👎 replaces it", async () => {
    const before = await copyOf(sent, phil());
    expect(blocksOf(before)).toContain('feedback_up');

    await acme.reportFeedback({ broadcastId: sent.broadcastId, customer: phil(), positive: true });
    const thanked = await copyOf(sent, phil());
    expect(thanked.text).toBe('Maintenance tonight at 10pm');
    expect(blocksOf(thanked)).toContain('Maintenance tonight at 10pm');
    expect(blocksOf(thanked)).toContain('Thanks for your feedback 👍');
    expect(blocksOf(thanked)).not.toContain('button');
    expect(await acme.getBroadcastResults({ broadcastId: sent.broadcastId })).toMatchObject({ delivered: 3, positive: 1, negative: 0, answers: [{ customer: phil(), positive: true }] });

    await acme.reportFeedback({ broadcastId: sent.broadcastId, customer: phil(), positive: false });
    expect(blocksOf(await copyOf(sent, phil()))).toContain('Thanks for your feedback 👎');
    expect(await acme.getBroadcastResults({ broadcastId: sent.broadcastId })).toMatchObject({ delivered: 3, positive: 0, negative: 1, answers: [{ customer: phil(), positive: false }] });
  });

  it("takes Slack's interaction payload as the app received it at REST feedback/", async () => {
    const payload = {
      type: 'block_actions',
      team: { id: initechSam().teamId, domain: 'initech' },
      user: { id: initechSam().userId, team_id: initechSam().teamId },
      actions: [{ type: 'button', action_id: 'feedback_up', block_id: 'feedback', value: `${sent.broadcastId}|up` }],
    };
    const answer = await api.rest('feedback/', acmeToken, { payload: JSON.stringify(payload) });
    expect(answer).toEqual({ status: 200, body: { ok: true, broadcast_id: sent.broadcastId, ...{ team_id: initechSam().teamId, user_id: initechSam().userId }, positive: true } });
    expect(blocksOf(await copyOf(sent, initechSam()))).toContain('Thanks for your feedback 👍');
    const results = await acme.getBroadcastResults({ broadcastId: sent.broadcastId });
    expect(results.answers.map((a) => [a.customer?.userId, a.positive])).toEqual([
      [phil().userId, false],
      [initechSam().userId, true],
    ]);
  });

  it('answers every bad REST body with a 400 naming the parameter, and stores nothing', async () => {
    const click = (action: Record<string, string>) => ({ type: 'block_actions', team: { id: sam().teamId }, user: { id: sam().userId }, actions: [action] });
    const bodies: Array<[unknown, string]> = [
      [{ type: 'block_actions', user: { id: sam().userId }, team: { id: sam().teamId } }, 'Missing parameter: actions'],
      [click({ action_id: 'launch', value: `${sent.broadcastId}|up` }), 'Invalid parameter: actions[0].action_id: expected a feedback button (feedback_up, feedback_down), got "launch"'],
      [click({ action_id: 'feedback_up', value: 'up' }), 'Invalid parameter: actions[0].value: expected <broadcast_id>|up or <broadcast_id>|down'],
      [{ ...click({ action_id: 'feedback_up', value: `${sent.broadcastId}|up` }), user: {} }, 'Missing parameter: user.id'],
      [{ payload: '{not json' }, 'Malformed JSON in payload'],
      [{ broadcast_id: sent.broadcastId, team_id: sam().teamId, user_id: sam().userId }, 'Missing parameter: positive'],
      [{ broadcast_id: sent.broadcastId, team_id: sam().teamId, user_id: sam().userId, positive: 'yes' }, 'Invalid parameter: positive: expected true (👍) or false (👎)'],
      [{ broadcast_id: 'bc-42', team_id: sam().teamId, user_id: sam().userId, positive: true }, 'Invalid parameter: broadcast_id: must be the broadcast_id a Broadcast answered (a UUID), got "bc-42"'],
      [{ broadcast_id: sent.broadcastId, team_id: 'globex', user_id: sam().userId, positive: true }, 'Invalid parameter: team_id: must be a Slack team id like T0123ABCD, got "globex"'],
    ];
    for (const [body, error] of bodies) {
      expect(await api.rest('feedback/', acmeToken, body)).toEqual({ status: 400, body: { ok: false, error } });
    }
    expect((await acme.getBroadcastResults({ broadcastId: sent.broadcastId })).answers).toHaveLength(2);
    expect(blocksOf(await copyOf(sent, sam()))).toContain('feedback_up');
  });

  it("treats another organization's broadcast as unknown, for reports and results alike, and changes nothing", async () => {
    const unknownId = '00000000-0000-4000-8000-000000000000';
    for (const error of [
      await failure(acme.reportFeedback({ broadcastId: unknownId, customer: sam(), positive: true })),
      await failure(umbrella.reportFeedback({ broadcastId: sent.broadcastId, customer: sam(), positive: true })),
      await failure(umbrella.getBroadcastResults({ broadcastId: sent.broadcastId })),
      await failure(acme.getBroadcastResults({ broadcastId: unknownId })),
    ]) {
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toMatch(/^broadcast [0-9a-f-]{36} not found$/);
    }
    expect((await acme.getBroadcastResults({ broadcastId: sent.broadcastId })).answers).toHaveLength(2);
    expect(blocksOf(await copyOf(sent, sam()))).toContain('feedback_up');
  });

  it('refuses a malformed broadcast id or customer, a missing answer, a customer the broadcast never reached and a broadcast that asked for no feedback', async () => {
    const badId = await failure(acme.reportFeedback({ broadcastId: 'bc-42', customer: sam(), positive: true }));
    expect([badId.code, badId.rawMessage]).toEqual([Code.InvalidArgument, 'broadcast_id must be the broadcast_id a Broadcast answered (a UUID), got "bc-42"']);
    const badResults = await failure(acme.getBroadcastResults({ broadcastId: '' }));
    expect([badResults.code, badResults.rawMessage]).toEqual([Code.InvalidArgument, 'broadcast_id is required']);
    const noAnswer = await failure(acme.reportFeedback({ broadcastId: sent.broadcastId, customer: sam() }));
    expect([noAnswer.code, noAnswer.rawMessage]).toEqual([Code.InvalidArgument, 'positive is required']);
    const noCustomer = await failure(acme.reportFeedback({ broadcastId: sent.broadcastId, positive: true }));
    expect([noCustomer.code, noCustomer.rawMessage]).toEqual([Code.InvalidArgument, 'customer is required']);

    const stranger = await failure(acme.reportFeedback({ broadcastId: sent.broadcastId, customer: { teamId: sam().teamId, userId: 'U0NOTSENT' }, positive: true }));
    expect([stranger.code, stranger.rawMessage]).toEqual([Code.NotFound, `broadcast ${sent.broadcastId} did not reach ${sam().teamId}:U0NOTSENT`]);

    const silent = await broadcastTo(acme, 'No survey here', false, sam());
    const notAsked = await failure(acme.reportFeedback({ broadcastId: silent.broadcastId, customer: sam(), positive: true }));
    expect(notAsked.code).toBe(Code.FailedPrecondition);
    expect(await acme.getBroadcastResults({ broadcastId: silent.broadcastId })).toMatchObject({ captureFeedback: false, delivered: 1, answers: [] });
    expect((await acme.getBroadcastResults({ broadcastId: sent.broadcastId })).answers).toHaveLength(2);
  });

  it('records and thanks a click that Slack sent to Megatron itself (a Feedback Command), and ignores one from a customer the broadcast never reached', async () => {
    const result = sent.results.find((candidate) => candidate.userId === sam().userId);
    const click = (customer: { teamId: string; userId: string }, id: string) =>
      publishProto(world.nats.js, streamNames(world.namespace).commands.subject(partitionOf(result?.channelId ?? '', world.config.COMMAND_PARTITIONS)), CommandSchema,
        create(CommandSchema, {
          id,
          context: { teamId: customer.teamId, channelId: result?.channelId ?? '', userId: customer.userId },
          kind: { case: 'feedback', value: { broadcastId: sent.broadcastId, positive: true, customer } },
        }),
        { msgId: id },
      );
    await click({ teamId: sam().teamId, userId: 'U0STRANGER' }, 'action:stranger-click');
    await click(sam(), 'action:sam-click');
    await waitFor(async () => blocksOf(await copyOf(sent, sam())).includes('Thanks for your feedback 👍'), { what: "sam's copy thanked" });
    const results = await acme.getBroadcastResults({ broadcastId: sent.broadcastId });
    expect(results.answers.filter((answer) => answer.customer?.teamId === sam().teamId && answer.customer.userId !== phil().userId)).toMatchObject([{ customer: sam(), positive: true }]);
  });
});

describe('what the app sends a customer in an open engagement channel', () => {
  let channel = '';

  beforeAll(async () => {
    const { engagement } = await acme.openEngagement({ customer: phil(), agentUserId: world.integration.alice.id });
    channel = engagement?.channelId ?? '';
  });

  const mirrors = async (label: string) => (await world.sim.control.messages(channel)).filter((message) => message.text.includes(label));

  it("a broadcast appears there once, marked as a broadcast and masked like a bot reply, and the app's later report of it answers that mirror", async () => {
    const response = await broadcastTo(acme, 'Your card 4111 1111 1111 1111 expires soon', true, phil(), sam());
    expect(response.results.every((result) => result.ok)).toBe(true);
    const [mirror, ...more] = await mirrors('Broadcast sent to the customer');
    expect(more).toEqual([]);
    expect(mirror).toMatchObject({
      text: ':mega: *Broadcast sent to the customer, with 👍/👎 feedback buttons:*\nYour card ****1111 expires soon',
      username: 'Support Bot',
      icons: { image_64: expect.stringContaining(world.customers.app.botUserId) },
    });
    expect(JSON.stringify(mirror?.blocks ?? [])).not.toContain('feedback_up');

    // The app reporting the same message later gets the mirror already there instead of a second post.
    const copy = response.results.find((result) => result.userId === phil().userId);
    const reported = await acme.outgoing({ message: { ...phil(), ts: copy?.ts ?? '', content: { text: 'Your card 4111 1111 1111 1111 expires soon' } } });
    expect(reported.result?.ts).toBe(mirror?.ts);
    expect(await mirrors('expires soon')).toHaveLength(1);
  });

  it('a DM sent through the API appears there marked as sent by the app, linked the same way', async () => {
    const sent = await acme.sendMessage({ customer: phil(), content: { text: 'Your refund was approved' } });
    const [mirror] = await mirrors('Your refund was approved');
    expect(mirror).toMatchObject({ text: ':outbox_tray: *Sent by the app through the API:*\nYour refund was approved', username: 'Support Bot' });
    const reported = await acme.outgoing({ message: { ...phil(), ts: sent.ts, content: { text: 'Your refund was approved' } } });
    expect(reported.result?.ts).toBe(mirror?.ts);
  });
});
