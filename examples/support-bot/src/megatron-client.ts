import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MegatronService } from '@megatron/contracts';

/**
 * MegatronService over the Connect protocol (JSON over HTTP/1.1): the same calls an integrator
 * can make with curl, e.g.
 *   curl -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
 *     -d '{"message":{"teamId":"T1","userId":"U1","ts":"1.2","content":{"text":"hi"}}}' \
 *     $MEGATRON_API_URL/megatron.v1.MegatronService/Incoming
 * The REST compatibility equivalent is POST $MEGATRON_API_URL/megatron/incoming/ with
 * `Authorization: MegatronToken $TOKEN` and `{"message": {"user": "U1", "text": "hi", "ts": "1.2", "team": "T1"}}`.
 */
export type MegatronClient = Client<typeof MegatronService>;

export function createMegatronClient(baseUrl: string, apiToken: string): MegatronClient {
  return createClient(
    MegatronService,
    createConnectTransport({
      baseUrl,
      httpVersion: '1.1',
      interceptors: [
        (next) => async (request) => {
          request.header.set('authorization', `Bearer ${apiToken}`);
          return next(request);
        },
      ],
    }),
  );
}
