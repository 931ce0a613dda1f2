export { freePort } from './free-port.js';
export { waitFor, WaitForTimeoutError, type WaitForOptions } from './wait-for.js';
export { uniqueName, natsNamespace, redisPrefix } from './names.js';
export { repoRoot } from './repo-root.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';
export { startThrowawayNats, type ThrowawayNats } from './throwaway-nats.js';
export { startThrowawayNatsCluster, type ClusterNode, type ThrowawayNatsCluster } from './throwaway-nats-cluster.js';
export {
  startService,
  SERVICE_NAMES,
  SERVICE_NODE_FLAGS,
  type ServiceName,
  type ServiceProcess,
  type ServiceExit,
  type StartServiceOptions,
} from './service-process.js';
export { TEST_SERVICE_TOKEN } from './service-token.js';
export { rawRequest, startTrapServer, type RawAnswer, type RawRequest, type TrapServer } from './raw-http.js';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan, type SpanKindName } from './otlp-receiver.js';
export { metricValue } from './metric-value.js';
export { startThrowawayRedis, type ThrowawayRedis } from './throwaway-redis.js';
