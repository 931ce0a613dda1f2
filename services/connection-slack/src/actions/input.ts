import { Code, ConnectError } from '@connectrpc/connect';
import type { MessageContent } from '@megatron/contracts';

export function invalid(message: string): ConnectError {
  return new ConnectError(message, Code.InvalidArgument);
}

export function required(value: string, field: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw invalid(`${field} is required`);
  return trimmed;
}

function jsonArray(json: string, field: string): unknown[] | undefined {
  if (!json.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw invalid(`${field} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(parsed)) throw invalid(`${field} must be a JSON array`);
  return parsed;
}

export interface SlackMessageArgs {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

/** MessageContent as Slack's chat.* arguments; an empty message is refused here, before Slack sees it. */
export function messageArgs(content: MessageContent | undefined, field = 'content'): SlackMessageArgs {
  const text = content?.text ?? '';
  const blocks = jsonArray(content?.blocksJson ?? '', `${field}.blocks_json`);
  const attachments = jsonArray(content?.attachmentsJson ?? '', `${field}.attachments_json`);
  if (!text.trim() && !blocks?.length && !attachments?.length) {
    throw invalid(`${field} needs text, blocks_json or attachments_json`);
  }
  return { ...(text ? { text } : {}), ...(blocks ? { blocks } : {}), ...(attachments ? { attachments } : {}) };
}
