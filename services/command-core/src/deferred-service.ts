import type { DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';

type AnyMethod = (...args: unknown[]) => unknown;

/**
 * A service whose implementation arrives later (it needs NATS, which may still be away at start): until
 * then every call answers Unavailable, so the servers and probes can come up at once.
 */
export function deferredService<S extends DescService>(service: S, pending: Promise<ServiceImpl<S>>, notReady: string): ServiceImpl<S> {
  let impl: ServiceImpl<S> | undefined;
  pending.then(
    (ready) => {
      impl = ready;
    },
    () => undefined,
  );
  const methods: Record<string, AnyMethod> = {};
  for (const method of service.methods) {
    methods[method.localName] = (...args) => {
      if (impl === undefined) throw new ConnectError(notReady, Code.Unavailable);
      return (impl[method.localName as keyof ServiceImpl<S>] as AnyMethod)(...args);
    };
  }
  return methods as ServiceImpl<S>;
}
