import type { DescService } from '@bufbuild/protobuf';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createLeanGrpcTransport } from './lean-grpc-transport.js';
import { traceClientCalls } from './rpc-tracing.js';
import { withBearer } from './service-token.js';

/**
 * A gRPC (h2c) client, e.g. for an operator's tool: `rpcClient(MegatronAdminService, url, [bearer])`. Every call carries
 * `traceparent`; unary calls take the lean transport (lean-grpc-transport.ts), streams connect-node's.
 */
export function rpcClient<S extends DescService>(service: S, baseUrl: string, interceptors: Interceptor[] = []): Client<S> {
  return createClient(service, createLeanGrpcTransport({ baseUrl, interceptors: [traceClientCalls, ...interceptors] }));
}

/** A client for another Megatron service's internal RPCs, e.g. `internalClient(SlackConnectionService, 'http://connection-slack:9091', token)`. */
export function internalClient<S extends DescService>(service: S, baseUrl: string, serviceToken: string): Client<S> {
  return rpcClient(service, baseUrl, [withBearer(serviceToken)]);
}
