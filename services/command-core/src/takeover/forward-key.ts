// The footer of an agent's forwarded copy carries its idempotency key as the attachment's callback_id,
// which conversations.history returns: a redelivered forward finds the copy it already posted, and a
// copy the app reports back is recognised as Megatron's own.

const PREFIX = 'fwd:';

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
