import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { Health, HealthCheckResponse_ServingStatus as Status, HealthCheckResponseSchema } from '@megatron/contracts';
import type { ServiceRegistry } from './lean-grpc-server.js';
import type { Readiness } from './readiness.js';

/**
 * grpc.health.v1 answered from Readiness: "" (the whole server) and each named service share the
 * process's readiness, since a service here cannot serve while a dependency is down.
 */
export function registerHealth(router: ServiceRegistry, readiness: Readiness, serviceNames: string[]): void {
  const known = new Set(['', ...serviceNames]);
  const status = () => create(HealthCheckResponseSchema, { status: readiness.isReady() ? Status.SERVING : Status.NOT_SERVING });

  router.service(Health, {
    check(request) {
      if (!known.has(request.service)) throw new ConnectError(`unknown service "${request.service}"`, Code.NotFound);
      return status();
    },
    list() {
      return { statuses: Object.fromEntries([...known].map((name) => [name, status()])) };
    },
    async *watch(request, context) {
      if (!known.has(request.service)) {
        yield create(HealthCheckResponseSchema, { status: Status.SERVICE_UNKNOWN });
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
        return;
      }
      const queue: boolean[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = readiness.onChange((ready) => {
        queue.push(ready);
        wake?.();
      });
      const aborted = new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
      try {
        yield status();
        while (!context.signal.aborted) {
          if (queue.length === 0) {
            await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
            continue;
          }
          const ready = queue.shift();
          yield create(HealthCheckResponseSchema, { status: ready ? Status.SERVING : Status.NOT_SERVING });
        }
      } finally {
        unsubscribe();
      }
    },
  });
}
