import { createLogger } from '@megatron/runtime';
import type { CustomerWorkspace } from '../tenants/types.js';
import { BOT_IDENTITY_CACHE_MS, BOT_IDENTITY_RETRY_MS, BotIdentities, UNKNOWN_BOT, type BotIdentity } from './bot-identity.js';

const logger = createLogger('bot-identity-test', 'silent');
const workspace = (id: string): CustomerWorkspace => ({ id, organizationId: 'o1', platformId: `T${id}`, name: 'Globex', domain: 'globex', connectionToken: 'xoxb-1' });

function counting(answer: (call: number) => Promise<BotIdentity>) {
  const calls: string[] = [];
  return { calls, lookUp: (ws: CustomerWorkspace) => (calls.push(ws.id), answer(calls.length)) };
}

describe("the customer workspace's bot", () => {
  it('is looked up once per workspace while cached, then again after BOT_IDENTITY_CACHE_MS', async () => {
    let now = 0;
    const slack = counting(async () => ({ name: 'Support Bot', iconUrl: 'https://avatars.example/bot_72.png' }));
    const bots = new BotIdentities(slack.lookUp, logger, () => now);
    await Promise.all([bots.of(workspace('w1')), bots.of(workspace('w1'))]);
    expect(await bots.of(workspace('w1'))).toEqual({ name: 'Support Bot', iconUrl: 'https://avatars.example/bot_72.png' });
    await bots.of(workspace('w2'));
    expect(slack.calls).toEqual(['w1', 'w2']);
    now += BOT_IDENTITY_CACHE_MS + 1;
    await bots.of(workspace('w1'));
    expect(slack.calls).toEqual(['w1', 'w2', 'w1']);
  });

  it('is "Bot" with no avatar (the robot) when Slack cannot say, and asked again a minute later', async () => {
    let now = 0;
    const slack = counting(async (call) => {
      if (call === 1) throw new Error('connection-slack unavailable');
      return { name: 'Support Bot', iconUrl: '' };
    });
    const bots = new BotIdentities(slack.lookUp, logger, () => now);
    expect(await bots.of(workspace('w1'))).toEqual(UNKNOWN_BOT);
    expect(await bots.of(workspace('w1'))).toEqual(UNKNOWN_BOT);
    now += BOT_IDENTITY_RETRY_MS + 1;
    expect(await bots.of(workspace('w1'))).toEqual({ name: 'Support Bot', iconUrl: '' });
    expect(slack.calls).toHaveLength(2);
  });
});
