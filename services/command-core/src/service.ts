import { AppNotifierService, MegatronService, TenantSettingsService } from '@megatron/contracts';
import { commandUrlPolicy, createPool, createRedis, internalClient, NatsLink, postgresCheck, redisCheck, serviceTokenOf, startServers, type RunningService, type ServiceKit } from '@megatron/runtime';
import { adminService } from './admin/admin-service.js';
import { apiSurface } from './api/api-surface.js';
import { errorEdge } from './api/error-edge.js';
import { bootstrapTenant } from './bootstrap.js';
import type { Config } from './config.js';
import { TokenCipher } from './crypto/token-cipher.js';
import { deferredService } from './deferred-service.js';
import { TokenCache } from './api/token-cache.js';
import { TenantChanges } from './tenants/tenant-changes.js';
import { createTakeover, type Takeover } from './engine.js';
import { CustomerLocks } from './takeover/lifecycle/customer-locks.js';
import { applyMigrations } from './migrations.js';
import { tenantSettingsService } from './tenant-settings/tenant-settings-service.js';
import { TenantAdmin } from './tenants/tenant-admin.js';
import { TenantDirectory } from './tenants/tenant-directory.js';

/**
 * The query pool's size. Its connections stay open while idle: a message after a quiet spell would otherwise wait
 * for new Postgres backends and their prepared statements' plans (43-116 ms for the first messages after 12 s of
 * quiet in the bench, against 3-20 ms with the connections kept; bench/README).
 */
const QUERY_CONNECTIONS = 10;

/**
 * Wires command-core: Postgres (migrated in megatron-dev), the tenant bootstrap, the takeover engine
 * once NATS answers, and the public API with the internal tenant settings. Ready only once the engine
 * consumes Commands and serves the API, so no caller meets "starting".
 */
export async function startCommandCore(config: Config, kit: ServiceKit): Promise<RunningService> {
  const { logger } = kit;
  const pool = createPool(config.DATABASE_URL, logger, { max: QUERY_CONNECTIONS, keepIdle: QUERY_CONNECTIONS });
  const locks = new CustomerLocks(config.DATABASE_URL, logger);
  const redis = createRedis(config.REDIS_URL, logger, `${config.NATS_NAMESPACE}:`);
  const nats = new NatsLink(config.NATS_URL, 'command-core', logger);
  kit.readiness
    .add({ name: 'postgres', probe: postgresCheck(pool) })
    .add({ name: 'redis', probe: redisCheck(redis) })
    .add({ name: 'nats', probe: nats.check });

  const cipher = TokenCipher.fromConfig(config);
  const tenants = new TenantDirectory(pool, cipher);
  // Revocations and settings changes reach every replica's caches at once.
  const changes = new TenantChanges(pool, logger);
  await changes.start();
  const admin = new TenantAdmin(pool, cipher, commandUrlPolicy(config), (change) => changes.heardHere(change));
  if (config.MIGRATE_ON_START ?? config.MEGATRON_APP_MODE === 'megatron-dev') await applyMigrations(pool, logger);
  await bootstrapTenant(pool, admin, config, logger);

  const tokens = new TokenCache(pool, changes);
  let started: Takeover | undefined;
  const takeover = nats.ready.then(async (clients) => {
    const engine = createTakeover({ config, logger, metrics: kit.metrics, pool, locks, redis, nats: clients, tenants, changes });
    await engine.start();
    started = engine;
    return engine;
  });
  takeover.catch((error: unknown) => {
    logger.fatal({ err: error }, 'takeover engine failed to start');
    process.exit(1);
  });
  const serviceToken = serviceTokenOf(config);
  const api = apiSurface({
    megatronService: deferredService(MegatronService, takeover.then((engine) => engine.megatronService), 'command-core is starting (waiting for NATS); retry shortly'),
    adminService: adminService(
      admin,
      tenants,
      { appMode: config.MEGATRON_APP_MODE, engine: () => started },
      internalClient(AppNotifierService, config.APP_NOTIFIER_URL, serviceToken),
    ),
    authenticate: (token) => tokens.authenticate(token),
    adminToken: config.MEGATRON_ADMIN_TOKEN,
    logger,
  });
  const servers = await startServers({
    ...kit,
    ...api,
    httpPort: config.HTTP_PORT,
    grpcPort: config.GRPC_PORT,
    limits: { maxBodyBytes: config.API_MAX_BODY_BYTES, readTimeoutMs: config.HTTP_READ_TIMEOUT_MS },
    internal: {
      port: config.INTERNAL_GRPC_PORT,
      serviceToken,
      serviceNames: [TenantSettingsService.typeName],
      routes: (router) => router.service(TenantSettingsService, tenantSettingsService(admin)),
      interceptors: [errorEdge(logger)],
    },
  });
  kit.readiness.add({ name: 'takeover', probe: async () => started !== undefined });
  await kit.readiness.start();

  return {
    httpPort: servers.httpPort,
    grpcPort: servers.grpcPort,
    shutdownSteps: [
      { name: 'takeover', run: () => started?.stop() },
      { name: 'servers', run: () => servers.close() },
      { name: 'nats', run: () => nats.close() },
      { name: 'tenant changes', run: () => changes.stop() },
      { name: 'postgres', run: async () => void (await Promise.all([pool.end(), locks.end()])) },
      { name: 'redis', run: async () => void (await redis.quit()) },
    ],
  };
}
