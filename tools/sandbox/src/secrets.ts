import { randomBytes } from 'node:crypto';

/** Fresh credentials for one sandbox run; nothing here is meant to outlive it. */
export function sandboxSecrets() {
  return {
    apiToken: `mt_sandbox_${randomBytes(18).toString('base64url')}`,
    webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
    encryptionKey: randomBytes(32).toString('base64'),
    adminToken: randomBytes(24).toString('base64url'),
    botAdminToken: randomBytes(24).toString('base64url'),
    serviceToken: randomBytes(32).toString('base64url'),
  };
}

export type SandboxSecrets = ReturnType<typeof sandboxSecrets>;
