import { baseEnvSchema, commandUrlPolicyEnv, env, requireServiceTokenInProduction, serviceTokenEnv, z } from '@megatron/runtime';
import { parseDurationList } from './durations.js';

const durationList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      try {
        return parseDurationList(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

export const configSchema = baseEnvSchema.extend({
  HTTP_PORT: env.port(8082),
  /** AppNotifierService, internal: gRPC only, behind MEGATRON_SERVICE_TOKEN. */
  GRPC_PORT: env.port(9092),
  NATS_URL: env.natsUrl,
  NATS_NAMESPACE: env.natsNamespace,
  NATS_STREAM_REPLICAS: env.natsStreamReplicas,
  ...serviceTokenEnv,
  /** command-core's internal gRPC port (TenantSettingsService). */
  COMMAND_CORE_GRPC_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:9094'),
  /** How long an organization's command_url and secrets are reused before asking command-core again. */
  SETTINGS_CACHE_MS: env.durationMs(30_000),
  /** Delay before each retry of a fire-and-forget command; its length is the number of retries. */
  APP_COMMAND_RETRY_SCHEDULE: durationList('5s,30s,2m,10m,30m'),
  APP_COMMAND_TIMEOUT_MS: env.durationMs(15_000),
  /** Deadline of search_user / refresh_workspace, which an agent is waiting for. */
  APP_COMMAND_SYNC_DEADLINE_MS: env.durationMs(5_000),
  /** Longest Retry-After honoured; a larger one is capped so a command cannot be parked for days. */
  APP_COMMAND_MAX_RETRY_AFTER_MS: env.durationMs(60 * 60 * 1000),
  APP_COMMAND_MAX_RESPONSE_BYTES: env.positiveInt(64 * 1024),
  /** Commands delivered at the same time (each waits for one organization's app). */
  APP_COMMAND_CONCURRENCY: env.positiveInt(4),
  ...commandUrlPolicyEnv,
}).superRefine(requireServiceTokenInProduction);

export type Config = z.infer<typeof configSchema>;
