import { baseEnvSchema, env, z } from '@megatron/runtime';

const MIB = 1024 * 1024;

export const configSchema = baseEnvSchema.extend({
  HTTP_PORT: env.port(8002),
  GRPC_PORT: env.port(9093),
  REDIS_URL: env.redisUrl,
  NATS_URL: env.natsUrl,
  NATS_NAMESPACE: env.natsNamespace,
  NATS_STREAM_REPLICAS: env.natsStreamReplicas,
  COMMAND_PARTITIONS: env.commandPartitions,
  SLACK_SIGNING_SECRET: z.string().min(1, { message: 'expected the Slack app signing secret' }),
  /** Legacy check, only when set: Slack still sends the app's verification token in every body. */
  MEGATRON_VERIFICATION_TOKEN: z.string().min(1).optional(),
  PUBLIC_URL: env.url(['http:', 'https:']).optional(),
  // Container runtimes set HOSTNAME to the pod name, so it only counts when it is a URL (publicBaseUrl).
  HOSTNAME: z.string().optional(),
  SLASH_COMMAND: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, { message: 'expected a slash command such as /megatron' })
    .default('/megatron'),
  SLACK_MAX_BODY_BYTES: env.positiveInt(MIB),
  /** Redis de-duplication of event ids, beyond JetStream's two-minute window. */
  EVENT_DEDUP_TTL_SECONDS: env.positiveInt(3_600),
  /** Bounds the wait for JetStream's ack so Slack's 3 s deadline is never missed. */
  PUBLISH_TIMEOUT_MS: env.durationMs(2_000),
});

export type Config = z.infer<typeof configSchema>;

/** The URL Slack reaches this deployment at: PUBLIC_URL, else HOSTNAME when it holds an http(s) URL. */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_URL' | 'HOSTNAME'>): string | undefined {
  const candidate = config.PUBLIC_URL ?? config.HOSTNAME;
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.toString().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}
