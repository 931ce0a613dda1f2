import { baseEnvSchema, env, z } from '@megatron/runtime';

const workspace = z.object({
  teamId: z.string().min(1),
  name: z.string().default(''),
  domain: z.string().default(''),
  botToken: z.string().min(1),
  botUserId: z.string().min(1),
  signingSecret: z.string().min(1),
});

export type WorkspaceConfig = z.infer<typeof workspace>;

const workspaces = z
  .string({ message: 'missing' })
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON array of workspaces' });
      return z.NEVER;
    }
  })
  .pipe(z.array(workspace, { message: 'expected a JSON array of {teamId, botToken, botUserId, signingSecret, name, domain}' }).min(1));

export const configSchema = baseEnvSchema.extend({
  PORT: env.port(3000),
  /** command-core's HTTP port, where MegatronService answers Connect JSON. */
  MEGATRON_API_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:8080'),
  MEGATRON_API_TOKEN: z.string({ message: 'missing' }).min(1),
  /** The organization's whsec_ secret; app commands are verified with it. */
  MEGATRON_WEBHOOK_SECRET: z.string({ message: 'missing' }).startsWith('whsec_', { message: 'expected a whsec_ secret' }),
  MEGATRON_VERIFICATION_TOKEN: z.string().optional(),
  SLACK_API_URL: env.url(['http:', 'https:']).default('https://slack.com/api/'),
  /** The customer workspaces the bot is installed in (a real app keeps these from OAuth installs). */
  SUPPORT_BOT_WORKSPACES: workspaces,
  /** Guards POST /admin/workspaces/<team>/token, which stands in for an OAuth reinstall in the sandbox. */
  SUPPORT_BOT_ADMIN_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
});

export type Config = z.infer<typeof configSchema>;
