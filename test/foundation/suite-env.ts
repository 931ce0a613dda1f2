import { TEST_SERVICE_TOKEN } from '@megatron/testkit';

/**
 * The environment every service needs to start against this machine's infrastructure, with test
 * values for the secrets; each test adds its own database and NATS namespace.
 */
export function suiteEnv(options: { databaseUrl: string; namespace: string }): Record<string, string> {
  return {
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_NAMESPACE: options.namespace,
    MEGATRON_APP_MODE: 'megatron-dev',
    MEGATRON_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    MIGRATE_ON_START: 'true',
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    SLACK_SIGNING_SECRET: 'test-signing-secret',
    PUBLIC_URL: 'http://127.0.0.1:8002',
  };
}
