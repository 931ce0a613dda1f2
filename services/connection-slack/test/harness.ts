import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ConnectError, type Client } from '@connectrpc/connect';
import { SLACK_TOKEN_HEADER, SlackConnectionService } from '@megatron/contracts';
import { createServiceKit, internalClient, loadConfig, stopService, type RunningService } from '@megatron/runtime';
import { startSlackSim, type SlackSim } from '@megatron/slack-sim';
import { TEST_SERVICE_TOKEN, uniqueName } from '@megatron/testkit';
import S3rver from 's3rver';
import { configSchema } from '../src/config.js';
import { startConnectionSlack } from '../src/service.js';

export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
}

/**
 * The S3-compatible server of the test run (S3_ENDPOINT, set by jest's global setup) with a bucket of this
 * file's own, or an s3rver started here in a temp dir when no global one is there.
 */
export async function startTestS3(): Promise<TestS3> {
  const bucket = uniqueName('relay').replace(/_/g, '-');
  const shared = process.env.S3_ENDPOINT;
  if (shared) {
    const client = new S3Client({ region: 'us-east-1', endpoint: shared, forcePathStyle: true, credentials: S3_CREDENTIALS });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
    return { endpoint: shared, bucket, close: async () => undefined };
  }
  const directory = await mkdtemp(path.join(tmpdir(), 'connection-slack-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    async close() {
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface Harness {
  sim: SlackSim;
  service: RunningService;
  client: Client<typeof SlackConnectionService>;
  httpUrl: string;
  close(): Promise<void>;
}

/** The service in this process on free ports, pointed at a fresh simulator; `env` overrides its configuration. */
export async function startHarness(env: Record<string, string> = {}, sim?: SlackSim): Promise<Harness> {
  const slackSim = sim ?? (await startSlackSim());
  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'silent',
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    SLACK_API_URL: slackSim.apiUrl,
    SLACK_RETRY_BASE_MS: '20',
    MEGATRON_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ...env,
  });
  const kit = createServiceKit('connection-slack', config);
  const service = await startConnectionSlack(config, kit);
  return {
    sim: slackSim,
    service,
    client: internalClient(SlackConnectionService, `http://127.0.0.1:${service.grpcPort}`, TEST_SERVICE_TOKEN),
    httpUrl: `http://127.0.0.1:${service.httpPort}`,
    async close() {
      await stopService(service, kit);
      if (!sim) await slackSim.close();
    },
  };
}

export function withToken(token: string): { headers: Record<string, string> } {
  return { headers: { [SLACK_TOKEN_HEADER]: token } };
}

/** A workspace with a bot and `users` people in it, as a customer workspace or the integration workspace. */
export async function seedWorkspace(sim: SlackSim, users = 2) {
  const domain = uniqueName('ws').replace(/_/g, '-').slice(0, 20);
  const workspace = await sim.control.createWorkspace({ name: domain, domain });
  const app = await sim.control.createApp({ teamId: workspace.id, name: 'Megabot' });
  const people = [];
  for (let i = 0; i < users; i += 1) {
    people.push(await sim.control.createUser({ teamId: workspace.id, name: `user${i}`, realName: `User ${i}`, displayName: `u${i}` }));
  }
  return { workspace, app, people, token: app.botToken };
}

/** The value of one sample line on /metrics, summed over label sets matching `filter`. */
/** The ConnectError a call ended with; fails the test if the call succeeded. */
export async function rpcError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail, but it succeeded');
}
