import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MegatronService, RelayMode, SLACK_SOURCE_TOKEN_HEADER, SlackConnectionService } from '@megatron/contracts';
import { internalClient, withBearer } from '@megatron/runtime';
import type { Customer } from '@megatron/sandbox';
import { startTrapServer, type TrapServer } from '@megatron/testkit';
import { startE2eWorld, type E2eWorld } from '../e2e/world.js';

let world: E2eWorld;
let trap: TrapServer;
let phil: Customer;
let channel: string;

const api = () => createClient(MegatronService, createConnectTransport({ baseUrl: world.sandbox.urls.api, httpVersion: '1.1', interceptors: [withBearer(world.sandbox.secrets.apiToken)] }));

beforeAll(async () => {
  trap = await startTrapServer();
  world = await startE2eWorld();
  phil = world.story.customer('globex', 'phil');
  await world.story.customerSays(phil, 'I will send a screenshot');
  channel = await world.story.takeOver(world.story.alice, phil);
}, 90_000);

afterAll(async () => {
  await world?.close();
  await trap?.close();
}, 30_000);

// Issue 14, finding 3: a file URL outside Slack's file host is never fetched, so no bot token can leave.
describe('file fetches go only to Slack', () => {
  const trapped = (name: string) => ({ id: `F${name.toUpperCase()}1`, name: `${name}.png`, mimetype: 'image/png', size: 10n, urlPrivate: `${trap.url}/${name}.png` });

  it("a customer's reported file on another host is refused, the mirror says so, and the trap sees no request", async () => {
    const { result } = await api().incoming({
      message: { teamId: phil.home.workspace.id, userId: phil.user.id, ts: '1732700100.000100', content: { text: 'see attached' }, files: [trapped('metadata')] },
    });
    expect(result?.track).toBe(true);
    const mirror = await world.story.waitForText(channel, 'see attached');
    expect(mirror.text).toContain('could not relay: metadata.png');
    expect(trap.requests).toEqual([]);
  });

  it("an agent's shared file pointing elsewhere is not fetched with the integration's token", async () => {
    await world.sandbox.sim.control.sendRawEvent({
      appId: world.sandbox.seed.integration.megatron.appId,
      event: {
        type: 'message',
        subtype: 'file_share',
        channel,
        channel_type: 'channel',
        user: world.story.alice.id,
        text: 'here you go',
        ts: '1732700200.000100',
        files: [{ id: 'FAGENT1', name: 'agent.png', mimetype: 'image/png', size: 10, url_private: `${trap.url}/agent.png` }],
      },
    });
    const dm = await world.story.dmOf(phil);
    await world.story.waitForText(dm, 'here you go');
    expect(trap.requests).toEqual([]);
  });

  it('connection-slack refuses such a URL even from a caller holding the service token', async () => {
    const connection = internalClient(SlackConnectionService, `http://127.0.0.1:${world.sandbox.ports.services['connection-slack'].grpc}`, world.sandbox.secrets.serviceToken);
    const refused = await connection
      .relayFile({ file: trapped('direct'), mode: RelayMode.PRESIGNED_URL }, { headers: { [SLACK_SOURCE_TOKEN_HEADER]: phil.home.supportBot.botToken } })
      .catch((error: unknown) => ConnectError.from(error));
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.InvalidArgument);
    expect(trap.requests).toEqual([]);
  });

  it("a file on the configured Slack's own host still relays, so the refusals above are the host", async () => {
    const shared = await world.sandbox.sim.control.shareFile({
      teamId: phil.home.workspace.id,
      userId: phil.user.id,
      channel: await world.story.dmOf(phil),
      name: 'real.png',
      mimetype: 'image/png',
      contentBase64: Buffer.from('png bytes').toString('base64'),
      text: 'a real screenshot',
    });
    const mirror = await world.story.waitForText(channel, 'a real screenshot', 15_000);
    await world.story.waitForMessage(channel, (message) => Boolean(message.files?.some((file) => file.name === 'real.png')), 'the relayed screenshot', 15_000);
    expect((await world.sandbox.sim.control.messages(channel)).find((message) => message.ts === mirror.ts)?.text).not.toContain('could not relay');
    expect(shared.ts).toBeTruthy();
  });
});
