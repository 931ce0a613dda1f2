import type { MessageInitShape } from '@bufbuild/protobuf';
import type { SlackFileSchema } from '@megatron/contracts';

/** Reading Slack's JSON defensively: a field of the wrong type counts as absent. */
export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export const objectAt = (from: unknown, key: string): JsonObject | undefined => {
  const value = isObject(from) ? from[key] : undefined;
  return isObject(value) ? value : undefined;
};

export const stringAt = (from: unknown, key: string): string | undefined => {
  const value = isObject(from) ? from[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

export const arrayAt = (from: unknown, key: string): unknown[] => {
  const value = isObject(from) ? from[key] : undefined;
  return Array.isArray(value) ? value : [];
};

/**
 * Every message with a bot_id is a bot's (Megatron's own mirrors included): Slack sets bot_id on all
 * app posts and adds `subtype: bot_message` when username or icon were overridden.
 */
export function isBotMessage(message: unknown): boolean {
  return stringAt(message, 'bot_id') !== undefined || stringAt(message, 'subtype') === 'bot_message';
}

export type SlackFileInit = MessageInitShape<typeof SlackFileSchema>;

/** A Slack file object (as events and history carry it) in the contracts' shape; missing fields are empty. */
export function slackFileFromJson(file: JsonObject): SlackFileInit {
  const size = file.size;
  return {
    id: stringAt(file, 'id') ?? '',
    name: stringAt(file, 'name') ?? '',
    title: stringAt(file, 'title') ?? '',
    mimetype: stringAt(file, 'mimetype') ?? '',
    size: typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? BigInt(size) : 0n,
    urlPrivate: stringAt(file, 'url_private') ?? '',
  };
}
