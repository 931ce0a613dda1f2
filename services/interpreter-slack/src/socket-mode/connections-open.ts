import { isObject, stringAt } from '@megatron/runtime';

const CALL_TIMEOUT_MS = 10_000;

/** apps.connections.open refused or failed; `retryAfterMs` when Slack said how long to wait (429). */
export class ConnectionsOpenFailed extends Error {
  override name = 'ConnectionsOpenFailed';

  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * A fresh single-use WebSocket URL for Socket Mode (api.slack.com/methods/apps.connections.open), asked with the
 * app-level token. The URL carries a ticket, so it is a secret too: callers log its host at most.
 */
export async function openConnectionUrl(apiUrl: string, appToken: string, signal: AbortSignal): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${appToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(CALL_TIMEOUT_MS)]),
    });
  } catch (error) {
    throw new ConnectionsOpenFailed(`apps.connections.open unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 429) {
    await response.body?.cancel();
    const seconds = Number(response.headers.get('retry-after'));
    throw new ConnectionsOpenFailed('apps.connections.open rate limited', Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
  }
  const body: unknown = await response.json().catch(() => undefined);
  const url = stringAt(body, 'url');
  if (!isObject(body) || body.ok !== true || url === undefined) {
    throw new ConnectionsOpenFailed(`apps.connections.open failed: HTTP ${response.status}, ${stringAt(body, 'error') ?? 'no url in the answer'}`);
  }
  return url;
}
