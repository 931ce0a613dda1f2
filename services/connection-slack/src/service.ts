import { SlackConnectionService } from '@megatron/contracts';
import { DEFAULT_DOOR_LIMITS, INTERNAL_MESSAGE_BYTES, serviceTokenOf, startServers, type RunningService, type ServiceKit } from '@megatron/runtime';
import type { Config } from './config.js';
import { AfterPostReactions } from './actions/after-post-reactions.js';
import { slackUrlOrigins } from './actions/action-deps.js';
import { slackConnectionService } from './connection-service.js';
import { deadlineInterceptor, metricsInterceptor, tokenInterceptor } from './rpc/interceptors.js';
import { S3Store } from './s3/s3-store.js';
import { SlackClientCache } from './slack/client-cache.js';
import { LeanWebApi } from './slack/lean-web-api.js';
import { SlackCaller } from './slack/slack-caller.js';
import { createSlackMetrics } from './slack/slack-metrics.js';
import { SlackWebApi } from './slack/slack-web-api.js';

function s3From(config: Config, kit: ServiceKit): S3Store | undefined {
  if (!config.AWS_S3_BUCKET) return undefined;
  return new S3Store(
    {
      bucket: config.AWS_S3_BUCKET,
      region: config.S3_REGION,
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
      ...(config.S3_AWS_ACCESS_KEY_ID ? { accessKeyId: config.S3_AWS_ACCESS_KEY_ID } : {}),
      ...(config.S3_AWS_SECRET_ACCESS_KEY ? { secretAccessKey: config.S3_AWS_SECRET_ACCESS_KEY } : {}),
    },
    kit.metrics,
  );
}

/** Wires clients, the service and its servers; main.ts and the tests both start the service through here. */
export async function startConnectionSlack(config: Config, kit: ServiceKit): Promise<RunningService> {
  const clients = new SlackClientCache({
    slackApiUrl: config.SLACK_API_URL,
    requestTimeoutMs: config.SLACK_REQUEST_TIMEOUT_MS,
    maxClients: config.SLACK_CLIENT_CACHE_SIZE,
    logger: kit.logger,
  });
  const lean = new LeanWebApi({ slackApiUrl: config.SLACK_API_URL, requestTimeoutMs: config.SLACK_REQUEST_TIMEOUT_MS });
  const slack = new SlackCaller(
    new SlackWebApi(clients, lean, new URL(config.SLACK_API_URL)),
    { maxRetries: config.SLACK_MAX_RETRIES, baseDelayMs: config.SLACK_RETRY_BASE_MS },
    createSlackMetrics(kit.metrics),
    kit.logger,
  );
  const s3 = s3From(config, kit);
  if (s3) kit.readiness.add({ name: 's3', probe: () => s3.check() });
  else kit.logger.warn('AWS_S3_BUCKET is not set: file relays in presigned-url mode will be refused');

  const service = slackConnectionService(
    {
      slack,
      logger: kit.logger,
      defaultDeadlineMs: config.SLACK_CALL_DEADLINE_MS,
      slackUrls: slackUrlOrigins(config.SLACK_API_URL),
      receipts: new AfterPostReactions(slack, kit.logger),
    },
    {
      maxBytes: config.FILE_MAX_BYTES,
      presignExpirySeconds: config.S3_PRESIGN_EXPIRY_SECONDS,
      ...(s3 ? { s3 } : {}),
    },
    config.BROADCAST_CONCURRENCY,
  );
  // HTTP serves only the ops endpoints: SlackConnectionService hands Slack tokens' power to its callers,
  // so it lives on the internal gRPC port behind the service token.
  const servers = await startServers({
    ...kit,
    httpPort: config.HTTP_PORT,
    limits: { ...DEFAULT_DOOR_LIMITS, readTimeoutMs: config.HTTP_READ_TIMEOUT_MS },
    internal: {
      port: config.GRPC_PORT,
      serviceToken: serviceTokenOf(config),
      serviceNames: [SlackConnectionService.typeName],
      routes: (router) => router.service(SlackConnectionService, service),
      interceptors: [
        metricsInterceptor(kit.metrics),
        deadlineInterceptor(config.SLACK_CALL_DEADLINE_MS, { BroadcastMessages: config.BROADCAST_DEADLINE_MS }),
        tokenInterceptor,
      ],
      maxMessageBytes: INTERNAL_MESSAGE_BYTES,
    },
  });
  await kit.readiness.start();
  return {
    httpPort: servers.httpPort,
    grpcPort: servers.internalGrpcPort,
    shutdownSteps: [
      { name: 'servers', run: () => servers.close() },
      { name: 's3', run: () => s3?.close() },
      { name: 'slack-api', run: () => lean.close() },
    ],
  };
}
