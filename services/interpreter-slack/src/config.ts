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
  /** Verifies Slack's HTTP requests; without it (Socket Mode only) the HTTP Slack routes answer 404. */
  SLACK_SIGNING_SECRET: z.string().min(1, { message: 'expected the Slack app signing secret' }).optional(),
  /** An app-level token: turns on the Socket Mode receiver beside the HTTP routes. */
  SLACK_APP_TOKEN: z
    .string()
    .regex(/^xapp-\S+$/, { message: 'expected an app-level token starting with xapp-' })
    .optional(),
  /** Where apps.connections.open is called (the simulator in tests). */
  SLACK_API_URL: env.slackApiUrl,
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
  /** Bounds the wait for JetStream's ack so Slack's 3 s deadline is never missed. */
  PUBLISH_TIMEOUT_MS: env.durationMs(2_000),
  /** Commands held in Redis (all channels) while NATS is away; past it, Slack is answered 503 and retries. */
  HOLD_MAX_COMMANDS: env.positiveInt(100_000),
  /** How often each replica publishes held Commands once NATS is back. */
  HOLD_DRAIN_INTERVAL_MS: env.durationMs(250),
}).superRefine((config, context) => {
  // Slack reaches the service over HTTP, over Socket Mode, or both; with neither credential nothing would arrive.
  if (config.SLACK_SIGNING_SECRET === undefined && config.SLACK_APP_TOKEN === undefined) {
    context.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'required unless SLACK_APP_TOKEN is set' });
  }
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
