import { createContextKey } from '@connectrpc/connect';

/**
 * The organization an API call acts for, set by the authentication interceptor from the API
 * token and read by every MegatronService handler; undefined never reaches a handler.
 */
export const organizationIdKey = createContextKey<string | undefined>(undefined, { description: 'authenticated organization id' });
