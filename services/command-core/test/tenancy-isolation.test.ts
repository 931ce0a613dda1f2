import { Code, ConnectError, type Client } from '@connectrpc/connect';
import type { AppCommand, MegatronService } from '@megatron/contracts';
import type { SimUser } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { addUmbrella, startApiWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

let world: World;
let api: WorldApi;
let acme: Client<typeof MegatronService>;
let umbrella: Client<typeof MegatronService>;
let umbrellaToken = '';
let readAppCommands: () => Promise<AppCommand[]>;
let umbrellaTeamId = '';
let sameInGlobex: SimUser;
let sameInInitech: SimUser;
const channels = { globex: '', initech: '' };
let tsCounter = 0;

beforeAll(async () => {
  ({ world, api, client: acme } = await startApiWorld('acme'));
  readAppCommands = await world.appCommands('tenancy_test');

  ({ teamId: umbrellaTeamId, token: umbrellaToken, client: umbrella } = await addUmbrella(world, api));

  const { sim, customers } = world;
  sameInGlobex = await sim.control.createUser({ teamId: customers.team.id, id: 'U0SAME', name: 'same', realName: 'Same Globex' });
  sameInInitech = await sim.control.createUser({ teamId: world.otherCustomers.team.id, id: 'U0SAME', name: 'same', realName: 'Same Initech' });
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

function ts(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
}

const inGlobex = () => ({ teamId: world.customers.team.id, userId: 'U0SAME' });
const inInitech = () => ({ teamId: world.otherCustomers.team.id, userId: 'U0SAME' });

async function dm(teamId: string, botUserId: string): Promise<string> {
  const channel = await world.sim.control.dmChannel(teamId, 'U0SAME', botUserId);
  if (!channel) throw new Error(`no DM with U0SAME in ${teamId}`);
  return channel;
}

const texts = async (channel: string) => (await world.sim.control.messages(channel)).map((message) => message.text);

async function slash(text: string, channel: string): Promise<void> {
  const { integration } = world;
  const { responseUrl } = await world.sim.control.runSlashCommand({ teamId: integration.team.id, userId: integration.alice.id, channel, command: '/megatron', text, appId: integration.app.appId });
  await waitFor(async () => (await world.sim.control.responseUrlReplies(responseUrl))[0], { timeoutMs: 15_000 });
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
  return error;
}

describe('two workspaces with the same user id never collide', () => {
  it('opens one engagement channel per workspace for the same user id', async () => {
    const globex = await acme.openEngagement({ customer: inGlobex(), agentUserId: world.integration.alice.id });
    const initech = await acme.openEngagement({ customer: inInitech(), agentUserId: world.integration.alice.id });
    channels.globex = globex.engagement?.channelId ?? '';
    channels.initech = initech.engagement?.channelId ?? '';
    expect(globex.engagement).toMatchObject({ channelName: 'mt-same_globex', customerName: sameInGlobex.realName });
    expect(initech.engagement).toMatchObject({ channelName: 'mt-same_initech', customerName: sameInInitech.realName });
    expect(channels.globex).not.toBe(channels.initech);
  });

  it("delivers each agent's message only to the customer of that channel's workspace", async () => {
    const { integration, customers, otherCustomers } = world;
    // Sent with the bot still answering: this test is about where messages go, not about holding them.
    await world.admin.updateOrganization(world.organizationId, { takeoverMode: 'send-and-warn' });
    await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel: channels.globex, text: 'Hello Globex' });
    await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel: channels.initech, text: 'Hello Initech' });
    const globexDm = await waitFor(() => world.sim.control.dmChannel(customers.team.id, 'U0SAME', customers.app.botUserId), { timeoutMs: 15_000 });
    const initechDm = await waitFor(() => world.sim.control.dmChannel(otherCustomers.team.id, 'U0SAME', otherCustomers.app.botUserId), { timeoutMs: 15_000 });
    await waitFor(async () => (await texts(globexDm)).includes('Hello Globex') || undefined, { timeoutMs: 15_000 });
    await waitFor(async () => (await texts(initechDm)).includes('Hello Initech') || undefined, { timeoutMs: 15_000 });
    expect(await texts(globexDm)).not.toContain('Hello Initech');
    expect(await texts(initechDm)).not.toContain('Hello Globex');
  });

  it("mirrors an app's report into the channel of the workspace it names, and asks for the team when the id is ambiguous", async () => {
    const { result } = await acme.incoming({ message: { ...inInitech(), ts: ts(), content: { text: 'from Initech' } } });
    expect(result?.channelId).toBe(channels.initech);
    expect(await texts(channels.initech)).toContain('from Initech');
    expect(await texts(channels.globex)).not.toContain('from Initech');

    const ambiguous = await failure(acme.incoming({ message: { userId: 'U0SAME', ts: ts(), content: { text: 'which one?' } } }));
    expect(ambiguous.code).toBe(Code.InvalidArgument);
    expect(ambiguous.rawMessage).toContain('give message.team_id');
  });

  it('pauses only the Globex customer and closes only the Initech channel', async () => {
    const { customers, otherCustomers } = world;
    await slash('pause', channels.globex);
    const commands = await readAppCommands();
    expect(commands.map((command) => command.kind.value)).toEqual([expect.objectContaining({ teamId: customers.team.id, userId: 'U0SAME', paused: true })]);
    expect((await acme.getEngagement({ key: { case: 'customer', value: inGlobex() } })).engagement?.paused).toBe(true);
    expect((await acme.getEngagement({ key: { case: 'customer', value: inInitech() } })).engagement?.paused).toBe(false);
    expect(await texts(await dm(otherCustomers.team.id, otherCustomers.app.botUserId))).not.toContain("I've been paused so a support agent can talk with you");

    await slash('close', channels.initech);
    expect((await world.sim.control.conversation(channels.initech)).is_archived).toBe(true);
    expect((await world.sim.control.conversation(channels.globex)).is_archived).toBe(false);
    expect((await acme.getEngagement({ key: { case: 'customer', value: inGlobex() } })).engagement).toMatchObject({ paused: true, archived: false });
    expect(await texts(await dm(customers.team.id, customers.app.botUserId))).not.toContain("I'm back online");
  });
});

describe("another organization's token", () => {
  it("never lists or gets the first organization's engagements", async () => {
    expect((await acme.listEngagements({ includeArchived: true })).engagements).toHaveLength(2);
    expect((await umbrella.listEngagements({ includeArchived: true })).engagements).toEqual([]);
    expect((await failure(umbrella.getEngagement({ key: { case: 'customer', value: inGlobex() } }))).code).toBe(Code.NotFound);
    expect((await failure(umbrella.getEngagement({ key: { case: 'channelId', value: channels.globex } }))).code).toBe(Code.NotFound);
  });

  it("reports the first organization's customer as untracked and posts nothing", async () => {
    const before = (await world.sim.control.messages(channels.globex)).length;
    expect((await umbrella.incoming({ message: { ...inGlobex(), ts: ts(), content: { text: 'umbrella incoming' } } })).result?.track).toBe(false);
    expect((await umbrella.outgoing({ message: { ...inGlobex(), ts: ts(), content: { text: 'umbrella outgoing' } } })).result?.track).toBe(false);
    expect((await umbrella.edit({ message: { ...inGlobex(), ts: ts(), content: { text: 'umbrella edit' } } })).result?.track).toBe(false);
    expect((await world.sim.control.messages(channels.globex)).length).toBe(before);
  });

  it("cannot pause, unpause, close or notify in the first organization's engagement (NOT_FOUND, REST 404)", async () => {
    expect((await failure(umbrella.pauseCustomer({ customer: inGlobex() }))).code).toBe(Code.NotFound);
    expect((await failure(umbrella.unpauseCustomer({ customer: inGlobex() }))).code).toBe(Code.NotFound);
    expect((await failure(umbrella.closeEngagement({ customer: inGlobex() }))).code).toBe(Code.NotFound);
    expect((await failure(umbrella.notifyUser({ customer: inGlobex(), agentUserId: world.integration.alice.id, content: { text: 'hi' } }))).code).toBe(Code.NotFound);
    const rest = await api.rest('notify-user/', umbrellaToken, { message: 'hi', user_id: world.integration.alice.id, channel_id: channels.globex });
    expect(rest.status).toBe(404);
    expect(await readAppCommands()).toEqual([]);
    expect((await acme.getEngagement({ key: { case: 'customer', value: inGlobex() } })).engagement).toMatchObject({ paused: true, archived: false });
    expect((await world.sim.control.conversation(channels.globex)).is_archived).toBe(false);
    expect((await world.sim.control.ephemerals(channels.globex)).map((ephemeral) => ephemeral.text)).not.toContain('hi');
  });

  it('gets its own engagement and its own mirrors for a customer both organizations serve, even at the same ts', async () => {
    const own = await umbrella.openEngagement({ customer: inGlobex() });
    const umbrellaChannel = own.engagement?.channelId ?? '';
    expect(umbrellaChannel).not.toBe(channels.globex);
    expect((await world.sim.control.conversation(umbrellaChannel)).team).toBe(umbrellaTeamId);

    const sameTs = ts();
    const acmeMirror = await acme.incoming({ message: { ...inGlobex(), ts: sameTs, content: { text: 'reported to Acme' } } });
    const umbrellaMirror = await umbrella.incoming({ message: { ...inGlobex(), ts: sameTs, content: { text: 'reported to Umbrella' } } });
    expect(acmeMirror.result).toMatchObject({ track: true, channelId: channels.globex });
    expect(umbrellaMirror.result).toMatchObject({ track: true, channelId: umbrellaChannel });
    expect(await texts(umbrellaChannel)).toContain('reported to Umbrella');
    expect(await texts(umbrellaChannel)).not.toContain('reported to Acme');
    expect(await texts(channels.globex)).not.toContain('reported to Umbrella');
    expect((await acme.listEngagements({})).engagements.map((engagement) => engagement.channelId)).toEqual([channels.globex]);
  });
});
