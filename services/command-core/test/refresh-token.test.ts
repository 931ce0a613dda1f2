import { Code, ConnectError, type Client } from '@connectrpc/connect';
import type { MegatronService } from '@megatron/contracts';
import { waitFor } from '@megatron/testkit';
import { philTakenOver, startApiWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

let world: World, api: WorldApi, client: Client<typeof MegatronService>;
let channel = '', dm = '';

beforeAll(async () => {
  ({ world, api, client } = await startApiWorld('refresh-test'));
  ({ channel, dm } = await philTakenOver(world, client));
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

/** Slack revokes the workspace's current token; the app will answer refresh_workspace with `next`. */
async function rotateAtSlack(next: string): Promise<void> {
  const { customers } = world;
  const current = await world.tenants.customerWorkspace(world.organizationId, customers.team.id);
  if (!current) throw new Error('Globex is not registered');
  world.app.freshTokens.set(customers.team.id, next);
  await world.sim.control.revokeToken(current.connectionToken);
}

async function agentWrites(text: string): Promise<string> {
  const { integration } = world;
  return (await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel, text })).ts;
}

const dmTexts = async () => (await world.sim.control.messages(dm)).map((message) => message.text);

describe('a customer workspace token Slack no longer accepts', () => {
  it("is refreshed through the app, stored encrypted, and the agent's message is delivered on the one retry", async () => {
    const { customers } = world;
    const fresh = (await world.sim.control.issueBotToken(customers.app.appId)).botToken;
    await rotateAtSlack(fresh);

    await agentWrites('Are you still there?');
    await waitFor(async () => (await dmTexts()).includes('Are you still there?') || undefined, { timeoutMs: 15_000 });
    expect(world.app.refreshCalls).toEqual([customers.team.id]);
    expect((await world.tenants.customerWorkspace(world.organizationId, customers.team.id))?.connectionToken).toBe(fresh);
    const stored = await world.pool.query<{ connection_token_enc: string }>('SELECT connection_token_enc FROM customer_workspaces WHERE organization_id = $1 AND platform_id = $2', [world.organizationId, customers.team.id]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]?.connection_token_enc).toMatch(/^v1\./);
    expect(stored.rows[0]?.connection_token_enc).not.toContain(fresh);
  });

  it('is refreshed for an API call too, which then succeeds', async () => {
    const { customers } = world;
    const fresh = (await world.sim.control.issueBotToken(customers.app.appId)).botToken;
    await rotateAtSlack(fresh);
    const sent = await client.sendMessage({ customer: { teamId: customers.team.id, userId: customers.phil.id }, content: { text: 'Sent after a refresh' } });
    expect((await world.sim.control.messages(sent.channelId)).find((message) => message.ts === sent.ts)?.text).toBe('Sent after a refresh');
    expect(world.app.refreshCalls).toEqual([customers.team.id, customers.team.id]);
  });

  it('tells the agent in a thread under the message, without retrying again, when the refreshed token is refused as well', async () => {
    const { customers } = world;
    const alsoRevoked = (await world.sim.control.issueBotToken(customers.app.appId)).botToken;
    await world.sim.control.revokeToken(alsoRevoked);
    await rotateAtSlack(alsoRevoked);

    const ts = await agentWrites('This will not arrive');
    const told = await waitFor(async () => (await world.sim.control.messages(channel)).find((message) => message.thread_ts === ts && message.text.includes('refused the bot token')), { timeoutMs: 15_000 });
    expect(told.text).toContain('did not reach the customer');
    expect(told.text).toContain('workspace Globex');
    expect(told.text).not.toContain('token_revoked');
    expect(world.app.refreshCalls).toEqual([customers.team.id, customers.team.id, customers.team.id]);
    expect(await dmTexts()).not.toContain('This will not arrive');
  });

  it('answers an API caller with FAILED_PRECONDITION naming the workspace when the app cannot give a new token', async () => {
    const { customers } = world;
    world.app.freshTokens.delete(customers.team.id);
    const refused = await client
      .sendMessage({ customer: { teamId: customers.team.id, userId: customers.phil.id }, content: { text: 'x' } })
      .then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((refused as ConnectError).rawMessage).toContain('Slack no longer accepts the bot token of workspace Globex');
  });
});
