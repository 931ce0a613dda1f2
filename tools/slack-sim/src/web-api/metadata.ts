import type { SimMessageMetadata } from '../types.js';
import type { ApiCall } from './call.js';
import { SlackApiError } from './errors.js';

/**
 * chat.postMessage/chat.update's `metadata`: a JSON string (form bodies) or an object (JSON bodies) holding
 * `event_type` and an `event_payload` object (docs.slack.dev/messaging/message-metadata).
 */
export function optionalMetadata(call: ApiCall): SimMessageMetadata | undefined {
  const value = call.params.metadata;
  if (value === undefined || value === null || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SlackApiError('invalid_metadata_format');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SlackApiError('invalid_metadata_format');
  }
  const { event_type: eventType, event_payload: payload } = parsed as Record<string, unknown>;
  if (typeof eventType !== 'string' || eventType === '' || typeof payload !== 'object' || payload === null
    || Array.isArray(payload)) {
    throw new SlackApiError('invalid_metadata_schema');
  }
  // Only apps attach metadata; a person's token is refused.
  if (call.token.kind !== 'bot') throw new SlackApiError('metadata_must_be_sent_from_app');
  return { event_type: eventType, event_payload: payload as Record<string, unknown> };
}
