/** The service token tests give services and their internal clients (MEGATRON_SERVICE_TOKEN). */
export const TEST_SERVICE_TOKEN = 'test-service-token-0123456789abcdef';
