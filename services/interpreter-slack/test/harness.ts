import { fromBinary } from '@bufbuild/protobuf';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { WebClient } from '@slack/web-api';
import { CommandSchema, type Command } from '@megatron/contracts';
import {
  createRedis,
  createServiceKit,
  EngagementDirectory,
  loadConfig,
  NatsLink,
  startServers,
  streamNames,
  type Redis,
  type RunningServers,
  type ServiceKit,
} from '@megatron/runtime';
import { startSlackSim, type SimApp, type SimDelivery, type SimUser, type SimWorkspace, type SlackSim } from '@megatron/slack-sim';
import { natsNamespace, redisPrefix, waitFor } from '@megatron/testkit';
import { configSchema, type Config } from '../src/config.js';
import { createInterpreter, type Interpreter } from '../src/interpreter.js';

/** The interpreter's signing secret unless a test configures another; the simulator's Megatron app signs with the configured one. */
export const SIGNING_SECRET = 'harness-signing-secret-0123456789';

export interface ReceivedCommand {
  command: Command;
  subject: string;
  msgId: string | undefined;
  kindHeader: string | undefined;
}

export interface HarnessOptions {
  natsUrl?: string;
  env?: Record<string, string>;
  now?: () => number;
  /** Delays of the simulator's event retries; short so retry tests stay quick. */
  retryDelaysMs?: number[];
  /** Wait for the stream and engagement directory before returning (false when NATS starts away). */
  waitReady?: boolean;
  /**
   * The simulator's Megatron app in Socket Mode: the interpreter gets its app-level token and the simulator's API,
   * no signing secret, and requests arrive over its connections instead of HTTP.
   */
  socketMode?: boolean;
}

/**
 * One interpreter in this process on free ports, its own NATS namespace and Redis prefix, the
 * Slack simulator wired to it as the integration workspace's Megatron app, and a JetStream
 * consumer in the test collecting every Command the interpreter stores.
 */
export class Harness {
  readonly received: ReceivedCommand[] = [];
  private consumerMessages: ConsumerMessages | undefined;
  private testNc: NatsConnection | undefined;
  directory: EngagementDirectory | undefined;
  jsm: JetStreamManager | undefined;

  private constructor(
    readonly config: Config,
    readonly kit: ServiceKit,
    readonly redis: Redis,
    readonly nats: NatsLink,
    readonly interpreter: Interpreter,
    readonly servers: RunningServers,
    readonly sim: SlackSim,
    readonly workspace: SimWorkspace,
    readonly agent: SimUser,
    readonly app: SimApp,
    readonly botWeb: WebClient,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const natsUrl = options.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const sim = await startSlackSim({ retryDelaysMs: options.retryDelaysMs ?? [100, 200, 300] });
    const workspace = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    const agent = await sim.control.createUser({ teamId: workspace.id, name: 'alice', realName: 'Alice Agent' });
    const socketApp = options.socketMode
      ? await sim.control.createApp({ teamId: workspace.id, name: 'Megatron', socketMode: true, slashCommands: [{ command: '/megatron' }] })
      : undefined;
    const slackAccess = socketApp
      ? { SLACK_APP_TOKEN: (await sim.control.issueAppToken(socketApp.appId)).appToken, SLACK_API_URL: sim.apiUrl }
      : { SLACK_SIGNING_SECRET: SIGNING_SECRET };
    const config = loadConfig(configSchema, {
      ...slackAccess,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      NATS_URL: natsUrl,
      NATS_NAMESPACE: natsNamespace(),
      LOG_LEVEL: 'silent',
      ...options.env,
    });
    const kit = createServiceKit('interpreter-slack', config);
    const redis = createRedis(config.REDIS_URL, kit.logger, redisPrefix());
    const nats = new NatsLink(config.NATS_URL, 'interpreter-slack-test', kit.logger);
    const interpreter = createInterpreter(config, { ...kit, nats, redis, ...(options.now ? { now: options.now } : {}) });
    const servers = await startServers({ ...kit, host: '127.0.0.1', httpPort: 0, grpcPort: 0, httpHandler: interpreter.handler });
    const base = `http://127.0.0.1:${servers.httpPort}`;
    const app =
      socketApp ??
      (await sim.control.createApp({
        teamId: workspace.id,
        name: 'Megatron',
        signingSecret: config.SLACK_SIGNING_SECRET,
        eventsUrl: `${base}/megatron/slack/event/`,
        interactivityUrl: `${base}/megatron/slack/interactive-message/`,
        slashCommands: [{ command: '/megatron', url: `${base}/megatron/slack/slash-command/` }],
      }));
    const botWeb = new WebClient(app.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } });
    const harness = new Harness(config, kit, redis, nats, interpreter, servers, sim, workspace, agent, app, botWeb);
    if (options.waitReady ?? true) await harness.connectTestSide();
    return harness;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.servers.httpPort}`;
  }

  get natsUrl(): string {
    return this.config.NATS_URL;
  }

  /** Waits for the interpreter's stream and directory (and its Socket Mode connection), then starts collecting Commands. */
  async connectTestSide(): Promise<void> {
    await this.interpreter.ready;
    const socketMode = this.interpreter.socketMode;
    if (socketMode) await waitFor(() => socketMode.check(), { what: 'the Socket Mode connection' });
    const nc = await connect({ servers: this.natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    this.testNc = nc;
    const jsm = await jetstreamManager(nc);
    this.jsm = jsm;
    const names = streamNames(this.config.NATS_NAMESPACE).commands;
    await jsm.consumers.add(names.stream, {
      durable_name: 'test_reader',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `${names.subjectPrefix}.>`,
    });
    const consumer = await jetstream(nc).consumers.get(names.stream, 'test_reader');
    const messages = await consumer.consume();
    this.consumerMessages = messages;
    void (async () => {
      for await (const msg of messages) {
        this.received.push({
          command: fromBinary(CommandSchema, msg.data),
          subject: msg.subject,
          msgId: msg.headers?.get('Nats-Msg-Id'),
          kindHeader: msg.headers?.get('megatron-command-kind'),
        });
        msg.ack();
      }
    })();
    this.directory = await EngagementDirectory.open(nc, this.config.NATS_NAMESPACE, this.config.NATS_STREAM_REPLICAS);
  }

  /** A public channel in the integration workspace with the agent and the Megatron bot in it. */
  async createChannel(name: string, engagement: boolean): Promise<string> {
    const created = await this.botWeb.conversations.create({ name });
    const channelId = created.channel?.id;
    if (!channelId) throw new Error(`conversations.create gave no channel for ${name}`);
    await this.botWeb.conversations.invite({ channel: channelId, users: this.agent.id });
    if (engagement) {
      if (!this.directory) throw new Error('the test side is not connected to NATS');
      await this.directory.add(channelId, { organizationId: 'org-test', teamId: this.workspace.id });
      await waitFor(async () => this.interpreter.isEngagementChannel(channelId), { what: `the interpreter to know ${channelId}` });
    }
    return channelId;
  }

  /** Waits until `count` Commands in all arrived, then returns the new ones after `from`. */
  async commandsAfter(from: number, count: number, timeoutMs = 5_000): Promise<ReceivedCommand[]> {
    await waitFor(async () => this.received.length >= from + count, {
      timeoutMs,
      what: `${count} Command(s) after #${from} (have ${this.received.length - from})`,
    });
    return this.received.slice(from);
  }

  /** Gives a stray publish time to arrive, then checks nothing beyond `count` came. */
  async expectNoCommandsBeyond(count: number, settleMs = 400): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    if (this.received.length !== count) {
      throw new Error(`expected ${count} Commands, got ${this.received.length}: ${this.received.map((r) => r.command.id).join(', ')}`);
    }
  }

  /** Every request the simulator delivered was answered within Slack's 3 s. */
  async expectAcksInTime(): Promise<SimDelivery[]> {
    const deliveries = await this.sim.control.deliveries();
    const late = deliveries.filter((delivery) => delivery.status === 0 || delivery.ackMs >= 3_000);
    if (late.length > 0) throw new Error(`deliveries over 3 s or unanswered: ${JSON.stringify(late.map((d) => ({ kind: d.kind, ackMs: d.ackMs, status: d.status })))}`);
    return deliveries;
  }

  async slash(channel: string, text: string) {
    return this.sim.control.runSlashCommand({ teamId: this.workspace.id, userId: this.agent.id, channel, command: '/megatron', text });
  }

  /** The shared NATS keeps nothing of this test: its command stream and directory bucket go. */
  private async dropNamespace(): Promise<void> {
    if (!this.jsm) return;
    await this.jsm.streams.delete(streamNames(this.config.NATS_NAMESPACE).commands.stream);
    await this.jsm.streams.delete(`KV_${EngagementDirectory.bucketName(this.config.NATS_NAMESPACE)}`);
  }

  async stop(): Promise<void> {
    await this.sim.close();
    await this.servers.close();
    await this.consumerMessages?.close();
    this.directory?.close();
    await this.interpreter.close();
    await this.dropNamespace();
    await this.testNc?.close();
    await this.nats.close();
    await this.redis.quit();
    this.kit.readiness.stop();
  }
}
