import { createRedis, NatsLink, redisCheck, startServers, type RunningService, type ServiceKit } from '@megatron/runtime';
import type { Config } from './config.js';
import { createInterpreter } from './interpreter.js';

/**
 * Wires interpreter-slack: Redis for event de-duplication, NATS for Commands, the Slack routes on the HTTP port
 * and, with SLACK_APP_TOKEN, Slack's Socket Mode connection.
 */
export async function startInterpreterSlack(config: Config, kit: ServiceKit): Promise<RunningService> {
  const redis = createRedis(config.REDIS_URL, kit.logger, `${config.NATS_NAMESPACE}:`);
  const nats = new NatsLink(config.NATS_URL, 'interpreter-slack', kit.logger);
  const interpreter = createInterpreter(config, { ...kit, nats, redis });
  // Commands are stored in JetStream, or held in Redis while NATS is away (hold/): either is enough to take
  // Slack's requests, and staying ready through a NATS outage is what keeps each channel's order.
  // Asked together: a NATS request that hangs while the connection is down must not outlast the probe's timeout.
  const up = (check: () => Promise<boolean>) => check().then((ok) => ok || Promise.reject(new Error('down')));
  const redisUp = redisCheck(redis);
  kit.readiness
    .add({
      name: 'command-store',
      probe: () => Promise.any([up(nats.check), up(redisUp)]).catch(() => Promise.reject(new Error('neither NATS nor Redis answers'))),
    })
    .add({ name: 'engagement-directory', probe: interpreter.check });
  if (interpreter.socketMode) kit.readiness.add({ name: 'slack-socket', probe: interpreter.socketMode.check });

  const servers = await startServers({
    ...kit,
    httpPort: config.HTTP_PORT,
    grpcPort: config.GRPC_PORT,
    httpHandler: interpreter.handler,
    limits: { maxBodyBytes: config.SLACK_MAX_BODY_BYTES, readTimeoutMs: config.HTTP_READ_TIMEOUT_MS },
  });
  await kit.readiness.start();
  return {
    httpPort: servers.httpPort,
    grpcPort: servers.grpcPort,
    shutdownSteps: [
      { name: 'servers', run: () => servers.close() },
      { name: 'interpreter', run: () => interpreter.close() },
      { name: 'nats', run: () => nats.close() },
      { name: 'redis', run: async () => void (await redis.quit()) },
    ],
  };
}
