import { baseEnvSchema, env, requireServiceTokenInProduction, serviceTokenEnv, z } from '@megatron/runtime';

const optionalText = z.string().min(1, { message: 'must not be empty when set' }).optional();

export const configSchema = baseEnvSchema.extend({
  HTTP_PORT: env.port(8081),
  /** SlackConnectionService, internal: gRPC only, behind MEGATRON_SERVICE_TOKEN. */
  GRPC_PORT: env.port(9091),
  ...serviceTokenEnv,
  SLACK_API_URL: env.slackApiUrl,
  /** Whole-call budget (retries and Retry-After waits included) when the caller sets no shorter deadline. */
  SLACK_CALL_DEADLINE_MS: env.durationMs(30_000),
  /** One HTTP attempt against Slack. */
  SLACK_REQUEST_TIMEOUT_MS: env.durationMs(10_000),
  /** Retries after a 5xx or network error; 429s are retried until the deadline instead. */
  SLACK_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  SLACK_RETRY_BASE_MS: env.durationMs(250),
  SLACK_CLIENT_CACHE_SIZE: env.positiveInt(500),
  FILE_MAX_BYTES: env.positiveInt(20 * 1024 * 1024),
  // S3 caps presigned URLs at seven days.
  S3_PRESIGN_EXPIRY_SECONDS: z.coerce.number().int().min(1).max(604_800).default(900),
  AWS_S3_BUCKET: optionalText,
  S3_ENDPOINT: env.url(['http:', 'https:']).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_AWS_ACCESS_KEY_ID: optionalText,
  S3_AWS_SECRET_ACCESS_KEY: optionalText,
  /** A broadcast paces itself by Slack's limits, so it gets a budget of its own. */
  BROADCAST_DEADLINE_MS: env.durationMs(600_000),
  BROADCAST_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(4),
}).superRefine(requireServiceTokenInProduction);

export type Config = z.infer<typeof configSchema>;
