import type { ConnectRouter, ContextValues, Interceptor, ServiceImpl } from '@connectrpc/connect';
import { MegatronAdminService, MegatronService } from '@megatron/contracts';
import type { HttpHandler, Logger } from '@megatron/runtime';
import { apiAuthenticator, authInterceptor, callAuthenticator, type AuthOptions } from './auth.js';
import { errorEdge } from './error-edge.js';
import { restCompatHandler } from './rest-compat/index.js';

export interface ApiSurfaceOptions extends AuthOptions {
  megatronService: Partial<ServiceImpl<typeof MegatronService>>;
  adminService?: Partial<ServiceImpl<typeof MegatronAdminService>>;
  logger: Logger;
}

/** What startServers needs to serve command-core's public API: the same doors for main.ts and the tests. */
export interface ApiSurface {
  serviceNames: string[];
  interceptors: Interceptor[];
  routes: (router: ConnectRouter) => void;
  /** Runs before a call's body is read, on both servers. */
  authenticate: (headers: Headers, service: string) => Promise<ContextValues>;
  httpHandler: HttpHandler;
}

/**
 * The integrating-app API (gRPC, Connect JSON and the original REST routes) and the operator's admin
 * API, behind one authentication interceptor and one error edge.
 */
export function apiSurface(options: ApiSurfaceOptions): ApiSurface {
  const interceptors = [errorEdge(options.logger), authInterceptor(options)];
  return {
    serviceNames: [MegatronService.typeName, ...(options.adminService ? [MegatronAdminService.typeName] : [])],
    interceptors,
    authenticate: callAuthenticator(options),
    routes: (router) => {
      router.service(MegatronService, options.megatronService);
      if (options.adminService) router.service(MegatronAdminService, options.adminService);
    },
    httpHandler: restCompatHandler({ megatronService: options.megatronService, interceptors, authenticate: apiAuthenticator(options), logger: options.logger }),
  };
}
