import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { MegatronService, type ReportFeedbackRequest } from '@megatron/contracts';
import { createLogger } from '@megatron/runtime';
import { startSlackSim, type SimApp, type SimUser, type SlackSim } from '@megatron/slack-sim';
import { configSchema, startSupportBot, type SupportBot } from '@megatron/support-bot';
import { waitFor } from '@megatron/testkit';

const SECRET = `whsec_${Buffer.from('support-bot-test-secret-32-bytes!').toString('base64')}`;
const BROADCAST = '5f0c2a64-3a8e-4f4e-9a43-0f8a1c2b3d4e';

// Megatron's side of the conversation: a real Connect server that keeps the feedback the bot reports.
async function startMegatronStandIn(): Promise<{ url: string; reports: ReportFeedbackRequest[]; close(): Promise<void> }> {
  const reports: ReportFeedbackRequest[] = [];
  const reportFeedback = (req: ReportFeedbackRequest) => {
    reports.push(req);
    return {};
  };
  const server = http.createServer(connectNodeAdapter({ routes: (router) => router.service(MegatronService, { reportFeedback }) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reports, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the support bot passes its customers feedback clicks on to Megatron', () => {
  let sim: SlackSim;
  let bot: SupportBot;
  let megatron: Awaited<ReturnType<typeof startMegatronStandIn>>;
  let app: SimApp;
  let phil: SimUser;
  let teamId: string;
  let dm: string;

  beforeAll(async () => {
    sim = await startSlackSim();
    megatron = await startMegatronStandIn();
    const workspace = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    teamId = workspace.id;
    app = await sim.control.createApp({ teamId, name: 'Support Bot' });
    phil = await sim.control.createUser({ teamId, name: 'phil', realName: 'Phil Connors' });
    const config = configSchema.parse({
      PORT: '0',
      LOG_LEVEL: 'silent',
      MEGATRON_API_URL: megatron.url,
      MEGATRON_API_TOKEN: 'unused-by-the-stand-in',
      MEGATRON_WEBHOOK_SECRET: SECRET,
      SLACK_API_URL: sim.apiUrl,
      SUPPORT_BOT_WORKSPACES: JSON.stringify([{ teamId, name: 'Globex', domain: 'globex', botToken: app.botToken, botUserId: app.botUserId, signingSecret: app.signingSecret }]),
    });
    bot = await startSupportBot(config, createLogger('support-bot-test', 'silent'));
    await sim.control.updateApp(app.appId, { interactivityUrl: `${bot.url}/slack/interactive` });
    ({ channel: dm } = await sim.control.sendDirectMessage({ teamId, userId: phil.id, appId: app.appId, text: 'hello' }));
  });

  afterAll(async () => {
    await bot.close();
    await megatron.close();
    await sim.close();
  });

  const click = (actionId: string, value: string) => sim.control.clickButton({ teamId, userId: phil.id, channel: dm, style: 'block', actionId, value, appId: app.appId });

  it('acknowledges a 👍 or 👎 click at once and reports it with the broadcast, the customer and the answer', async () => {
    expect((await click('feedback_down', `${BROADCAST}|down`)).status).toBe(200);
    await waitFor(async () => megatron.reports[0], { what: 'the reported click' });
    expect(megatron.reports[0]).toMatchObject({ broadcastId: BROADCAST, customer: { teamId, userId: phil.id }, positive: false });
  });

  it('acknowledges any other click and reports nothing', async () => {
    const before = megatron.reports.length;
    expect((await click('launch_rockets', `${BROADCAST}|up`)).status).toBe(200);
    expect((await click('feedback_up', 'not-a-broadcast')).status).toBe(200);
    expect((await click('feedback_up', `${BROADCAST}|up`)).status).toBe(200);
    await waitFor(async () => megatron.reports[before], { what: 'the last click' });
    expect(megatron.reports.slice(before).map((report) => report.positive)).toEqual([true]);
  });

  it('refuses a request Slack did not sign', async () => {
    const response = await fetch(`${bot.url}/slack/interactive`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions' }) }).toString(),
    });
    expect(response.status).toBe(401);
  });
});
