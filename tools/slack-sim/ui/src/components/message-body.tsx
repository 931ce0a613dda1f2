import type { SimFileObject } from '../../../src/types.js';
import { Attachments } from './attachments.js';
import { Blocks } from './block-kit.js';
import { Files } from './files-view.js';
import { Mrkdwn } from './mrkdwn-view.js';

export interface MessageContent {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  files?: SimFileObject[];
}

/**
 * What a Slack client shows of a message: its blocks when it has any (the text is then only the notification
 * fallback), else its text; then its attachments and files.
 */
export function MessageBody({ message }: { message: MessageContent }) {
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  const attachments = Array.isArray(message.attachments) ? message.attachments : [];
  const files = Array.isArray(message.files) ? message.files : [];
  return (
    <div class="message-body">
      {blocks.length > 0 ? <Blocks blocks={blocks} /> : message.text ? <Mrkdwn text={message.text} /> : null}
      {attachments.length > 0 && <Attachments attachments={attachments} />}
      {files.length > 0 && <Files files={files} />}
    </div>
  );
}
