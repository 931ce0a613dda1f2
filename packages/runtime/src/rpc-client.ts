import type { DescService } from '@bufbuild/protobuf';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';

/** A gRPC (h2c) client for another Megatron service, e.g. `rpcClient(SlackConnectionService, 'http://connection-slack:9091')`. */
export function rpcClient<S extends DescService>(service: S, baseUrl: string, interceptors: Interceptor[] = []): Client<S> {
  return createClient(service, createGrpcTransport({ baseUrl, interceptors }));
}
