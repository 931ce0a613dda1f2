import type { Logger } from '@megatron/runtime';

const RESPONSE_URL_TIMEOUT_MS = 5_000;

/**
 * Tells the agent something after the 3 s ack, through the interaction's response_url. Block Kit
 * ignores a synchronous answer to a click, so this is the one way a refusal reaches the agent there.
 */
export async function replyEphemeral(responseUrl: string, text: string, logger: Logger): Promise<void> {
  if (!/^https?:\/\//.test(responseUrl)) {
    logger.warn('interaction has no usable response_url; the agent was not told');
    return;
  }
  try {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
    });
    if (!response.ok) logger.warn({ status: response.status }, 'response_url refused the reply');
    await response.body?.cancel();
  } catch (error) {
    logger.warn({ err: error }, 'response_url reply failed');
  }
}
