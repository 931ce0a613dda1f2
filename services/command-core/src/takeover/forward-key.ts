// An agent's forwarded copy carries its idempotency key twice: in Slack message metadata, which
// conversations.history returns (include_all_metadata), so a forward whose post had an unknown outcome
// finds the copy it already posted; and as the footer attachment's callback_id, which is also in the
// copy an app reports back (it reads no metadata), so that copy is recognised as Megatron's own.
import { create } from '@bufbuild/protobuf';
import { MessageMetadataSchema, type HistoryMessage, type MessageMetadata } from '@megatron/contracts';

const PREFIX = 'fwd:';
/** Slack metadata event type of a forwarded copy. */
export const FORWARD_EVENT = 'megatron_forward';

export function forwardMetadata(idempotencyKey: string): MessageMetadata {
  return create(MessageMetadataSchema, { eventType: FORWARD_EVENT, eventPayloadJson: JSON.stringify({ key: idempotencyKey }) });
}

/** Whether a message of the DM's history is the copy posted under `idempotencyKey`. */
export function isForwardOf(message: HistoryMessage, idempotencyKey: string): boolean {
  if (message.metadata?.eventType === FORWARD_EVENT) {
    const payload = JSON.parse(message.metadata.eventPayloadJson || '{}') as { key?: unknown };
    if (payload.key === idempotencyKey) return true;
  }
  return carriesKey(message.attachmentsJson, idempotencyKey);
}

/** The key of the forward an action makes: stable across redeliveries of that action. */
export function forwardKey(actionKey: string): string {
  return `${PREFIX}${actionKey}`;
}

/** The idempotency key of Megatron's own forwarded copy, when a message is one (its footer's callback_id). */
export function forwardKeyOf(attachmentsJson: string): string | undefined {
  if (!attachmentsJson) return undefined;
  const attachments = JSON.parse(attachmentsJson) as unknown;
  if (!Array.isArray(attachments)) return undefined;
  for (const attachment of attachments as unknown[]) {
    const key = typeof attachment === 'object' && attachment !== null ? (attachment as { callback_id?: unknown }).callback_id : undefined;
    if (typeof key === 'string' && key.startsWith(PREFIX)) return key;
  }
  return undefined;
}

export function carriesKey(attachmentsJson: string, idempotencyKey: string): boolean {
  if (!attachmentsJson) return false;
  const attachments = JSON.parse(attachmentsJson) as unknown;
  return Array.isArray(attachments) && attachments.some((a: unknown) => typeof a === 'object' && a !== null && (a as { callback_id?: unknown }).callback_id === idempotencyKey);
}
