import { createHash } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { APP_COMMAND_KIND_HEADER, AppCommandSchema } from '@megatron/contracts';
import { publishProto, streamNames, type JetStreamClient } from '@megatron/runtime';

type Kind = NonNullable<MessageInitShape<typeof AppCommandSchema>['kind']>;

/**
 * The webhook-id for an effect: derived from its idempotency key, so a redelivered Command yields
 * the same id, and free of the dots Slack's trigger ids carry (Standard Webhooks forbids them).
 */
export function appCommandId(key: string): string {
  return `msg_${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
}

/**
 * Hands an app command to app-notifier through JetStream. The id doubles as the Nats-Msg-Id and the
 * webhook-id, so a redelivered Command publishes the same id and the app sees it once.
 */
export async function publishAppCommand(js: JetStreamClient, namespace: string, organizationId: string, key: string, kind: Kind, now: Date): Promise<void> {
  const id = appCommandId(key);
  const command = create(AppCommandSchema, { id, organizationId, createdAt: timestampFromDate(now), kind });
  await publishProto(js, streamNames(namespace).appCommands.subject(organizationId), AppCommandSchema, command, {
    msgId: id,
    headers: { [APP_COMMAND_KIND_HEADER]: kind.case ?? '' },
  });
}
