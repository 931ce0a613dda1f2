import { baseEnvSchema, commandUrlPolicy, commandUrlPolicyEnv, urlRefusalReason, env, requireServiceTokenInProduction, serviceTokenEnv, z } from '@megatron/runtime';
import { webhookSecretProblem } from './crypto/secrets.js';

const base64Key = z
  .string({ message: 'missing' })
  .refine((value) => Buffer.from(value, 'base64').length === 32, { message: 'expected 32 bytes, base64-encoded (openssl rand -base64 32)' });

export const configSchema = baseEnvSchema.extend({
  HTTP_PORT: env.port(8080),
  /** The public API over gRPC (MegatronService, MegatronAdminService). */
  GRPC_PORT: env.port(9090),
  /** TenantSettingsService for app-notifier: gRPC only, behind MEGATRON_SERVICE_TOKEN, never reached by apps. */
  INTERNAL_GRPC_PORT: env.port(9094),
  /** Largest request body (REST and Connect JSON) and gRPC message of the public API. */
  API_MAX_BODY_BYTES: env.positiveInt(1024 * 1024),
  DATABASE_URL: env.databaseUrl,
  REDIS_URL: env.redisUrl,
  NATS_URL: env.natsUrl,
  NATS_NAMESPACE: env.natsNamespace,
  NATS_STREAM_REPLICAS: env.natsStreamReplicas,
  COMMAND_PARTITIONS: env.commandPartitions,
  ...serviceTokenEnv,
  /** Where a command_url may point, judged when it is set (app-notifier judges again at delivery). */
  ...commandUrlPolicyEnv,
  /** Applies migrations at start; unset means on in megatron-dev only (production uses the Helm hook Job). */
  MIGRATE_ON_START: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'expected true or false' })
    .optional()
    .transform((value) => (value === undefined ? undefined : ['true', '1', 'yes', 'on'].includes(value))),
  /** AES-256-GCM key for bot tokens and webhook secrets at rest; see the README for rotation. */
  TOKEN_ENCRYPTION_KEY: base64Key,
  /** Previous key, still accepted for decryption while a rotation re-encrypts. */
  TOKEN_ENCRYPTION_KEY_PREVIOUS: base64Key.optional(),
  /** Authenticates MegatronAdminService calls; admin API disabled when unset. */
  MEGATRON_ADMIN_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  CHANNEL_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]{0,40}$/, { message: 'expected lowercase letters, digits, - and _ (max 40)' })
    .default('mt-'),
  CONNECTION_SLACK_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:9091'),
  APP_NOTIFIER_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:9092'),
  /** Recipients one public Broadcast call may name; larger audiences are sent as several calls. */
  BROADCAST_MAX_RECIPIENTS: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Redelivery when a replica dies mid-command. */
  COMMAND_ACK_WAIT_MS: env.durationMs(30_000),
  /** How long a failing channel's head Command is retried before it is dead-lettered and the agent told. */
  PARKED_RETRY_WINDOW_MS: env.durationMs(15 * 60 * 1000),
  /**
   * Off-lane Commands (opening a channel, name lookups, app pushes: lanes.ts) one organization may run at once
   * across all replicas.
   */
  OFF_LANE_PER_ORGANIZATION: env.positiveInt(4),
  /** How often each replica looks for parked channels due for another try. */
  PARKED_POLL_MS: env.durationMs(1_000),
  /** An agent's message reaching the customer later than this after it was written says when it was written. */
  LATE_MARK_AFTER_MS: env.durationMs(60_000),
  /** After a post whose outcome is unknown, how long Slack gets to finish it before the DM is searched for it. */
  UNCERTAIN_POST_RECHECK_MS: env.durationMs(30_000),
  /**
   * How a shared file crosses to the other workspace: re-uploaded into it (a file of that workspace, it never
   * expires), or as a link to a copy in connection-slack's S3 bucket that expires after its S3_PRESIGN_EXPIRY_SECONDS.
   */
  FILE_RELAY_MODE: z.enum(['reupload', 'presigned-url'], { message: 'expected reupload or presigned-url' }).default('reupload'),
  /** Idle engagement channels are archived after this long (SPEC §8: 36 hours). */
  IDLE_ARCHIVE_AFTER_MS: env.durationMs(36 * 60 * 60 * 1000),
  /** The legacy megatron_verification_token of the bootstrap organization (SPEC §9 name); generated when unset. */
  MEGATRON_VERIFICATION_TOKEN: z.string().regex(/^\S{8,200}$/, { message: 'expected 8 to 200 characters without spaces' }).optional(),
  /** Single-tenant bootstrap (README "Configuration"): the organization is created or updated at every start. */
  BOOTSTRAP_ORGANIZATION_NAME: z.string().trim().min(1, { message: 'must not be empty' }).max(200).optional(),
  BOOTSTRAP_COMMAND_URL: env.url(['http:', 'https:']).optional(),
  BOOTSTRAP_API_TOKEN: z.string().regex(/^\S{16,200}$/, { message: 'expected 16 to 200 characters without spaces' }).optional(),
  BOOTSTRAP_WEBHOOK_SECRET: z
    .string()
    .superRefine((value, ctx) => {
      const problem = webhookSecretProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  BOOTSTRAP_INTEGRATION_TEAM_ID: z.string().regex(/^[A-Z][A-Z0-9]{2,31}$/, { message: 'expected a Slack team id like T0123ABCD' }).optional(),
  BOOTSTRAP_INTEGRATION_DOMAIN: z.string().max(100).optional(),
  BOOTSTRAP_INTEGRATION_BOT_TOKEN: z.string().regex(/^\S{1,500}$/, { message: 'expected a bot token without spaces' }).optional(),
  BOOTSTRAP_INTEGRATION_BOT_USER_ID: z.string().regex(/^[UW][A-Z0-9]{2,31}$/, { message: 'expected a Slack user id like U0123ABCD' }).optional(),
  BOOTSTRAP_NOTIFICATION_CHANNEL: z.string().regex(/^[CG][A-Z0-9]{2,31}$/, { message: 'expected a Slack channel id like C0123ABCD' }).optional(),
}).superRefine((config, ctx) => {
  requireServiceTokenInProduction(config, ctx);
  requireCompleteBootstrap(config, ctx);
  const refused = config.BOOTSTRAP_COMMAND_URL && urlRefusalReason(config.BOOTSTRAP_COMMAND_URL, commandUrlPolicy(config));
  if (refused) ctx.addIssue({ code: 'custom', path: ['BOOTSTRAP_COMMAND_URL'], message: `refused: ${refused}` });
});

export type Config = z.infer<typeof configSchema>;

/** A half-configured bootstrap would start a tenant that cannot work; name the variable that is missing. */
function requireCompleteBootstrap(config: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const missing = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
  const given = (key: string) => config[key] !== undefined;
  const bootstrapVariables = Object.keys(config).filter((key) => key.startsWith('BOOTSTRAP_') && given(key));
  if (!given('BOOTSTRAP_ORGANIZATION_NAME') && bootstrapVariables.length > 0) {
    missing('BOOTSTRAP_ORGANIZATION_NAME', `required when ${bootstrapVariables[0]} is set`);
  }
  const integration = ['BOOTSTRAP_INTEGRATION_BOT_TOKEN', 'BOOTSTRAP_INTEGRATION_DOMAIN', 'BOOTSTRAP_INTEGRATION_BOT_USER_ID', 'BOOTSTRAP_NOTIFICATION_CHANNEL'];
  if (integration.some(given) && !given('BOOTSTRAP_INTEGRATION_TEAM_ID')) missing('BOOTSTRAP_INTEGRATION_TEAM_ID', 'required for the bootstrap integration');
  if (given('BOOTSTRAP_INTEGRATION_TEAM_ID') && !given('BOOTSTRAP_INTEGRATION_BOT_TOKEN')) {
    missing('BOOTSTRAP_INTEGRATION_BOT_TOKEN', 'required with BOOTSTRAP_INTEGRATION_TEAM_ID');
  }
}
