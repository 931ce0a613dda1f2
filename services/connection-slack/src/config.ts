import { baseEnvSchema, env, type z } from '@megatron/runtime';

export const configSchema = baseEnvSchema.extend({
  HTTP_PORT: env.port(8081),
  GRPC_PORT: env.port(9091),
  SLACK_API_URL: env.url(['http:', 'https:']).default('https://slack.com/api/'),
});

export type Config = z.infer<typeof configSchema>;
