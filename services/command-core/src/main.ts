import { MegatronAdminService, MegatronService, TenantSettingsService } from '@megatron/contracts';
import {
  createPool,
  createRedis,
  createServiceKit,
  installShutdown,
  loadConfigOrExit,
  NatsLink,
  postgresCheck,
  redisCheck,
  startServers,
} from '@megatron/runtime';
import { adminService } from './admin/admin-service.js';
import { authInterceptor } from './api/auth.js';
import { restCompatHandler } from './api/rest-compat/index.js';
import { bootstrapTenant } from './bootstrap.js';
import { configSchema } from './config.js';
import { TokenCipher } from './crypto/token-cipher.js';
import { deferredService } from './deferred-service.js';
import { applyMigrations } from './migrations.js';
import { tenantSettingsService } from './tenant-settings/tenant-settings-service.js';
import { createTakeover, type Takeover } from './takeover/index.js';
import { tenantErrorInterceptor } from './tenants/connect-errors.js';
import { TenantAdmin } from './tenants/tenant-admin.js';
import { TenantDirectory } from './tenants/tenant-directory.js';

const config = loadConfigOrExit(configSchema);
const kit = createServiceKit('command-core', config);
const { logger } = kit;
const pool = createPool(config.DATABASE_URL, logger);
const redis = createRedis(config.REDIS_URL, logger, `${config.NATS_NAMESPACE}:`);
const nats = new NatsLink(config.NATS_URL, 'command-core', logger);
kit.readiness
  .add({ name: 'postgres', probe: postgresCheck(pool) })
  .add({ name: 'redis', probe: redisCheck(redis) })
  .add({ name: 'nats', probe: nats.check });

const cipher = TokenCipher.fromConfig(config);
const tenants = new TenantDirectory(pool, cipher);
const admin = new TenantAdmin(pool, cipher);
try {
  if (config.MIGRATE_ON_START ?? config.MEGATRON_APP_MODE === 'megatron-dev') await applyMigrations(pool, logger);
  await bootstrapTenant(pool, admin, config, logger);
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}

let started: Takeover | undefined;
const takeover = nats.ready.then(async (clients) => {
  const engine = createTakeover({ config, logger, metrics: kit.metrics, pool, redis, nats: clients, tenants });
  await engine.start();
  started = engine;
  return engine;
});
takeover.catch((error: unknown) => {
  logger.fatal({ err: error }, 'takeover engine failed to start');
  process.exit(1);
});
const megatronService = deferredService(
  MegatronService,
  takeover.then((engine) => engine.megatronService),
  'command-core is starting (waiting for NATS); retry shortly',
);
const interceptors = [
  authInterceptor({ authenticate: (token) => admin.authenticate(token), adminToken: config.MEGATRON_ADMIN_TOKEN, logger }),
  tenantErrorInterceptor,
];

const servers = await startServers({
  ...kit,
  httpPort: config.HTTP_PORT,
  grpcPort: config.GRPC_PORT,
  serviceNames: [MegatronService.typeName, MegatronAdminService.typeName, TenantSettingsService.typeName],
  interceptors,
  routes: (router) =>
    router
      .service(MegatronService, megatronService)
      .service(MegatronAdminService, adminService(admin, tenants, { appMode: config.MEGATRON_APP_MODE, engine: () => started }))
      .service(TenantSettingsService, tenantSettingsService(admin)),
  httpHandler: restCompatHandler({ megatronService, interceptors, logger }),
});
// Ready only once the engine consumes commands and serves the API, so no caller meets "starting".
kit.readiness.add({ name: 'takeover', probe: async () => started !== undefined });
await kit.readiness.start();

installShutdown({
  ...kit,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  steps: [
    { name: 'takeover', run: () => started?.stop() },
    { name: 'servers', run: () => servers.close() },
    { name: 'nats', run: () => nats.close() },
    { name: 'postgres', run: () => pool.end() },
    { name: 'redis', run: async () => void (await redis.quit()) },
  ],
});
