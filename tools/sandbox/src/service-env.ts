import type { DemoSeed } from '@megatron/slack-sim';
import type { ServiceName } from '@megatron/testkit';
import type { SandboxPorts } from './ports.js';
import type { SandboxSecrets } from './secrets.js';

export interface EnvInputs {
  ports: SandboxPorts;
  secrets: SandboxSecrets;
  seed: DemoSeed;
  simApiUrl: string;
  /** Set when the Megatron app is in Socket Mode: interpreter-slack connects with it instead of taking HTTP. */
  slackAppToken?: string;
  botUrl: string;
  notificationChannelId: string;
  databaseUrl: string;
  redisUrl: string;
  natsUrl: string;
  namespace: string;
  logLevel: string;
}

const local = (port: number) => `http://127.0.0.1:${port}`;

/**
 * Each service's environment in the sandbox: the simulator plays Slack, the example bot is the
 * organization's app, and command-core bootstraps that single tenant from its environment.
 */
export function serviceEnv(name: ServiceName, inputs: EnvInputs): Record<string, string> {
  const { ports, secrets, seed } = inputs;
  const common = {
    LOG_LEVEL: inputs.logLevel,
    MEGATRON_APP_MODE: 'megatron-dev',
    MEGATRON_SERVICE_TOKEN: secrets.serviceToken,
    NATS_URL: inputs.natsUrl,
    NATS_NAMESPACE: inputs.namespace,
    REDIS_URL: inputs.redisUrl,
  };
  switch (name) {
    case 'interpreter-slack':
      return {
        ...common,
        ...(inputs.slackAppToken
          ? { SLACK_APP_TOKEN: inputs.slackAppToken, SLACK_API_URL: inputs.simApiUrl }
          : { SLACK_SIGNING_SECRET: seed.integration.megatron.signingSecret }),
        PUBLIC_URL: local(ports.services['interpreter-slack'].http),
      };
    case 'command-core':
      return {
        ...common,
        DATABASE_URL: inputs.databaseUrl,
        MIGRATE_ON_START: 'true',
        INTERNAL_GRPC_PORT: String(ports.coreInternal),
        TOKEN_ENCRYPTION_KEY: secrets.encryptionKey,
        MEGATRON_ADMIN_TOKEN: secrets.adminToken,
        CONNECTION_SLACK_URL: local(ports.services['connection-slack'].grpc),
        APP_NOTIFIER_URL: local(ports.services['app-notifier'].grpc),
        BOOTSTRAP_ORGANIZATION_NAME: 'Acme',
        BOOTSTRAP_COMMAND_URL: `${inputs.botUrl}/megatron/commands`,
        BOOTSTRAP_API_TOKEN: secrets.apiToken,
        BOOTSTRAP_WEBHOOK_SECRET: secrets.webhookSecret,
        BOOTSTRAP_INTEGRATION_TEAM_ID: seed.integration.workspace.id,
        BOOTSTRAP_INTEGRATION_DOMAIN: seed.integration.workspace.domain,
        BOOTSTRAP_INTEGRATION_BOT_TOKEN: seed.integration.megatron.botToken,
        BOOTSTRAP_NOTIFICATION_CHANNEL: inputs.notificationChannelId,
      };
    case 'connection-slack':
      return {
        ...common,
        SLACK_API_URL: inputs.simApiUrl,
        S3_ENDPOINT: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:4569',
        AWS_S3_BUCKET: process.env.AWS_S3_BUCKET ?? 'megatron-dev',
        S3_AWS_ACCESS_KEY_ID: process.env.S3_AWS_ACCESS_KEY_ID ?? 'S3RVER',
        S3_AWS_SECRET_ACCESS_KEY: process.env.S3_AWS_SECRET_ACCESS_KEY ?? 'S3RVER',
      };
    case 'app-notifier':
      return {
        ...common,
        COMMAND_CORE_GRPC_URL: local(ports.coreInternal),
        APP_COMMAND_ALLOW_LOOPBACK: 'true',
      };
  }
}
