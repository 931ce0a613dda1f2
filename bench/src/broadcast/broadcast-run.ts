import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { SLACK_TOKEN_HEADER, SlackConnectionService } from '@megatron/contracts';
import { internalClient } from '@megatron/runtime';
import { startSlackSim, type RateLimitConfig } from '@megatron/slack-sim';
import { startService } from '@megatron/testkit';
import { deliveryFaults, markerText, parseMarker, type DeliveryFaults } from '../delivery-check.js';
import { Semaphore } from '../relay/semaphore.js';
import { broadcastMinimumMs, type BroadcastWork } from '../theoretical-minimum.js';
import { counterTotal } from './metrics.js';

export interface BroadcastRun {
  work: BroadcastWork;
  limits: RateLimitConfig;
  completionMs: number;
  theoreticalMinimumMs: number;
  /** completion ÷ theoretical minimum; 1.0 would be a perfect use of Slack's allowance. */
  ratio: number;
  rateLimited429: number;
  /** Users without their DM plus channel messages that never arrived. */
  lost: number;
  channelFaults: DeliveryFaults;
}

/**
 * connection-slack (a real process) DMs `users` people with one BroadcastMessages call while agents' messages
 * go to `channels` channels through PostMessage, one after the other per channel, all under the simulator's
 * rate limits. Everything is read back from the simulator afterwards.
 */
export async function broadcastRun(work: BroadcastWork, limits: RateLimitConfig, runId: string): Promise<BroadcastRun> {
  const sim = await startSlackSim({ rateLimits: false });
  const serviceToken = randomBytes(32).toString('base64url');
  const service = await startService(
    'connection-slack',
    { LOG_LEVEL: 'warn', SLACK_API_URL: sim.apiUrl, BROADCAST_CONCURRENCY: '8', MEGATRON_SERVICE_TOKEN: serviceToken },
    { timeoutMs: 30_000 },
  );
  try {
    const { control } = sim;
    const workspace = await control.createWorkspace({ name: `Broadcast ${runId}`, domain: `broadcast-${runId}` });
    const bot = await control.createApp({ teamId: workspace.id, name: 'Support Bot' });
    const setup = new Semaphore(32);
    const users = await Promise.all(Array.from({ length: work.users }, (_, i) => setup.run(() => control.createUser({ teamId: workspace.id, name: `user${i}` }))));
    const slack = new WebClient(bot.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } });
    const channels: string[] = [];
    for (let i = 0; i < work.channels; i += 1) {
      const created = await slack.conversations.create({ name: `agents-${runId}-${i}` });
      if (!created.channel?.id) throw new Error('broadcast setup: conversations.create returned no channel');
      channels.push(created.channel.id);
    }

    const client = internalClient(SlackConnectionService, service.grpcUrl as string, serviceToken);
    const auth = { headers: { [SLACK_TOKEN_HEADER]: bot.botToken }, timeoutMs: 900_000 };
    const metricsUrl = `${service.httpUrl}/metrics`;
    const rateLimitedBefore = await counterTotal(metricsUrl, 'megatron_slack_rate_limited_total');
    await control.setRateLimits(true, limits);
    const startedMs = Date.now();
    const [broadcast] = await Promise.all([
      client.broadcastMessages({ users: users.map((user) => user.id), content: { text: `Broadcast ${runId}` }, broadcastId: runId }, auth),
      ...channels.map(async (channel, index) => {
        for (let seq = 0; seq < work.messagesPerChannel; seq += 1) {
          await client.postMessage({ channel, content: { text: markerText(runId, index, seq) } }, auth);
        }
      }),
    ]);
    const completionMs = Date.now() - startedMs;
    await control.setRateLimits(false);
    const rateLimited429 = (await counterTotal(metricsUrl, 'megatron_slack_rate_limited_total')) - rateLimitedBefore;

    const read = new Semaphore(32);
    const dmCounts = await Promise.all(
      broadcast.results.map((result) =>
        read.run(async () => (result.ok ? (await control.messages(result.channel)).filter((message) => message.text === `Broadcast ${runId}`).length : 0)),
      ),
    );
    const usersWithoutDm = work.users - dmCounts.filter((count) => count >= 1).length;
    const arrivals = new Map<string, number[]>();
    await Promise.all(
      channels.map((channel, index) =>
        read.run(async () => {
          const seqs = (await control.messages(channel)).map((message) => parseMarker(message.text)).filter((marker) => marker?.runId === runId);
          arrivals.set(String(index), seqs.map((marker) => marker?.seq as number));
        }),
      ),
    );
    const channelFaults = deliveryFaults(new Map(channels.map((_, index) => [String(index), work.messagesPerChannel])), arrivals);
    // A DM delivered twice is a duplicate too.
    channelFaults.duplicates += dmCounts.reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    const theoreticalMinimumMs = broadcastMinimumMs(limits, work);
    return {
      work,
      limits,
      completionMs,
      theoreticalMinimumMs,
      ratio: completionMs / theoreticalMinimumMs,
      rateLimited429,
      lost: usersWithoutDm + channelFaults.missing,
      channelFaults,
    };
  } finally {
    await service.stop();
    await sim.close();
  }
}
