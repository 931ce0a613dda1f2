import { Code, ConnectError, type Client } from '@connectrpc/connect';
import type { MegatronService } from '@megatron/contracts';
import { waitFor } from '@megatron/testkit';
import { addUmbrella, startApiWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

// Issue 18: a customer's or the bot's delete, reported by the app, takes the mirror out of the engagement channel.
let world: World;
let api: WorldApi;
let token: string;
let client: Client<typeof MegatronService>;
let umbrellaToken: string;
let umbrella: Client<typeof MegatronService>;
let channel = '';
let tsCounter = 0;

beforeAll(async () => {
  ({ world, api, client, token } = await startApiWorld('delete-test'));

  ({ token: umbrellaToken, client: umbrella } = await addUmbrella(world, api));

  const { engagement } = await client.openEngagement({ customer: phil(), agentUserId: world.integration.alice.id });
  // Agents pause the bot before they write (an unpaused bot holds their messages).
  await client.pauseCustomer({ customer: phil() });
  channel = engagement?.channelId ?? '';
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

/** A customer-side ts the app would report; unique per call. */
function customerTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
}

function phil() {
  return { teamId: world.customers.team.id, userId: world.customers.phil.id };
}

const shows = async (channelId: string, ts: string) => (await world.sim.control.messages(channelId)).some((message) => message.ts === ts);
const linked = async (integrationTs: string) => ((await world.pool.query('select 1 from message_links where integration_ts = $1', [integrationTs])).rowCount ?? 0) > 0;

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
  return error;
}

/** A customer message reported with Incoming; resolves with its customer-side ts and its mirror's ts. */
async function mirroredCustomerMessage(text: string): Promise<{ ts: string; mirror: string }> {
  const ts = customerTs();
  const { result } = await client.incoming({ message: { ...phil(), ts, content: { text } } });
  expect(result).toMatchObject({ track: true, channelId: channel });
  return { ts, mirror: result?.ts ?? '' };
}

describe('Delete takes a reported message out of the engagement channel', () => {
  it("a customer's message reported with Incoming and then deleted leaves the channel; its link goes, and a second Delete answers deleted false", async () => {
    const { ts, mirror } = await mirroredCustomerMessage('Oops, wrong chat');
    expect(await shows(channel, mirror)).toBe(true);

    expect(await client.delete({ message: { ...phil(), ts } })).toMatchObject({ deleted: true });
    expect(await shows(channel, mirror)).toBe(false);
    expect(await linked(mirror)).toBe(false);

    expect(await client.delete({ message: { ...phil(), ts } })).toMatchObject({ deleted: false });
  });

  it("a bot reply reported with Outgoing and deleted through REST delete/ (Slack's message_deleted as the app got it) leaves the channel", async () => {
    const ts = customerTs();
    const { result } = await client.outgoing({ message: { ...phil(), ts, content: { text: 'Your code is 1234' } } });
    const mirror = result?.ts ?? '';
    expect(await shows(channel, mirror)).toBe(true);

    const event = { user: world.customers.phil.id, deleted_ts: ts, previous_message: { bot_id: 'B0SUPPORT', text: 'Your code is 1234', ts, team: world.customers.team.id } };
    expect(await api.rest('delete/', token, event)).toEqual({ status: 200, body: { ok: true, deleted: true } });
    expect(await shows(channel, mirror)).toBe(false);
    expect(await linked(mirror)).toBe(false);
    expect(await api.rest('delete/', token, event)).toEqual({ status: 200, body: { ok: true, deleted: false } });
  });

  it('a mirror an agent already removed from the channel counts as deleted, and its link goes', async () => {
    const { ts, mirror } = await mirroredCustomerMessage('Removed by hand');
    await fetch(`${world.sim.apiUrl}chat.delete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.integration.app.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel, ts: mirror }),
    });
    expect(await shows(channel, mirror)).toBe(false);
    expect(await client.delete({ message: { ...phil(), ts } })).toMatchObject({ deleted: true });
    expect(await linked(mirror)).toBe(false);
  });

  it('a message never mirrored answers deleted false and the channel keeps what it shows', async () => {
    const before = await world.sim.control.messages(channel);
    expect(await client.delete({ message: { ...phil(), ts: customerTs() } })).toMatchObject({ deleted: false });
    expect(await world.sim.control.messages(channel)).toEqual(before);
  });

  it("the customer's copy of an agent's message answers deleted false and the agent's original stays", async () => {
    const { integration, customers } = world;
    const { ts: agentTs } = await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel, text: 'Alice here, one moment' });
    const dm = (await world.sim.control.dmChannel(customers.team.id, customers.phil.id, customers.app.botUserId)) ?? '';
    const copy = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'Alice here, one moment'), { timeoutMs: 15_000 });
    await waitFor(async () => (await linked(agentTs)) || undefined, { what: "the forward's link" });

    expect(await client.delete({ message: { ...phil(), ts: copy.ts } })).toMatchObject({ deleted: false });
    // Reported through REST as Slack shows it, footer and all: recognised as Megatron's own copy.
    const rest = await api.rest('delete/', token, { user: customers.phil.id, previous_message: { bot_id: 'B0SUPPORT', ts: copy.ts, text: copy.text, attachments: copy.attachments } });
    expect(rest).toEqual({ status: 200, body: { ok: true, deleted: false } });
    expect(await shows(channel, agentTs)).toBe(true);
    expect(await linked(agentTs)).toBe(true);
  });

  it('a malformed ts or customer is INVALID_ARGUMENT (REST 400) naming the field, and nothing is deleted', async () => {
    const { ts, mirror } = await mirroredCustomerMessage('Still here after bad requests');

    const badTs = await failure(client.delete({ message: { ...phil(), ts: 'yesterday' } }));
    expect(badTs).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'message.ts must be a Slack message ts like 1732700000.123456, got "yesterday"' });
    expect(await failure(client.delete({}))).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'message is required' });
    expect(await failure(client.delete({ message: { teamId: phil().teamId, ts } }))).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'message.user_id is required' });
    const badTeam = await failure(client.delete({ message: { ...phil(), teamId: 'globex', ts } }));
    expect(badTeam).toMatchObject({ code: Code.InvalidArgument });
    expect(badTeam.rawMessage).toMatch(/^message\.team_id must be a Slack team id/);

    const team = world.customers.team.id;
    expect(await api.rest('delete/', token, { previous_message: { user: world.customers.phil.id, team, ts: 'yesterday' } })).toEqual({
      status: 400,
      body: { ok: false, error: 'Invalid parameter: ts: must be a Slack message ts like 1732700000.123456, got "yesterday"' },
    });
    expect(await api.rest('delete/', token, { previous_message: { team, ts } })).toEqual({ status: 400, body: { ok: false, error: 'Missing parameter: previous_message.user' } });
    expect(await api.rest('delete/', token, { deleted_ts: ts })).toEqual({ status: 400, body: { ok: false, error: 'Missing parameter: previous_message' } });

    expect(await shows(channel, mirror)).toBe(true);
    expect(await linked(mirror)).toBe(true);
  });

  it('a missing or wrong API token is refused before the body is read, and nothing is deleted', async () => {
    const { ts, mirror } = await mirroredCustomerMessage('Still here after a stranger tried');
    expect(await api.rest('delete/', 'mt_wrong', { previous_message: { user: world.customers.phil.id, ts } })).toEqual({ status: 401, body: { ok: false, error: 'invalid or revoked API token' } });
    expect(await api.rest('delete/', 'mt_wrong', {})).toEqual({ status: 401, body: { ok: false, error: 'invalid or revoked API token' } });
    expect((await failure(api.client('mt_wrong').delete({ message: { ...phil(), ts } }))).code).toBe(Code.Unauthenticated);
    expect(await shows(channel, mirror)).toBe(true);
    expect(await linked(mirror)).toBe(true);
  });

  it("another organization serving the same customer cannot delete this organization's mirror, and deletes only its own", async () => {
    const { ts, mirror } = await mirroredCustomerMessage('Reported to Acme');
    // Umbrella has no engagement with Phil yet: nothing of Acme's is found.
    expect(await umbrella.delete({ message: { ...phil(), ts } })).toMatchObject({ deleted: false });
    expect(await api.rest('delete/', umbrellaToken, { previous_message: { user: world.customers.phil.id, team: world.customers.team.id, ts } })).toEqual({
      status: 200,
      body: { ok: true, deleted: false },
    });
    expect(await shows(channel, mirror)).toBe(true);

    // Once Umbrella mirrors the same DM message in its own channel, its delete removes its own mirror only.
    const own = await umbrella.openEngagement({ customer: phil() });
    const umbrellaChannel = own.engagement?.channelId ?? '';
    const umbrellaMirror = await umbrella.incoming({ message: { ...phil(), ts, content: { text: 'Reported to Umbrella' } } });
    expect(umbrellaMirror.result).toMatchObject({ track: true, channelId: umbrellaChannel });
    expect(await umbrella.delete({ message: { ...phil(), ts } })).toMatchObject({ deleted: true });
    expect(await shows(umbrellaChannel, umbrellaMirror.result?.ts ?? '')).toBe(false);
    expect(await shows(channel, mirror)).toBe(true);
    expect(await linked(mirror)).toBe(true);
  });

  it('a message deleted before the customer had a channel is not imported when one opens', async () => {
    const sam = { teamId: world.customers.team.id, userId: world.customers.sam.id };
    const kept = customerTs();
    const gone = customerTs();
    expect((await client.incoming({ message: { ...sam, ts: kept, content: { text: 'I still mean this' } } })).result?.track).toBe(false);
    expect((await client.incoming({ message: { ...sam, ts: gone, content: { text: 'I take this back' } } })).result?.track).toBe(false);
    expect(await client.delete({ message: { ...sam, ts: gone } })).toMatchObject({ deleted: false });

    const { engagement } = await client.openEngagement({ customer: sam });
    const texts = async () => (await world.sim.control.messages(engagement?.channelId ?? '')).map((message) => message.text);
    await waitFor(async () => (await texts()).includes('I still mean this') || undefined, { what: 'the imported history' });
    expect(await texts()).not.toContain('I take this back');
  });
});
