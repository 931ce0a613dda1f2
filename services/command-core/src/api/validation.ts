import type { MessageContent, ReportedMessage, SlackFile, UserRef } from '@megatron/contracts';
import { FieldError, invalidField, missingField } from '../takeover/errors.js';
import { isUuid } from '../tenants/uuid.js';

// Slack's shapes (docs.slack.dev/reference/objects): ids are a type letter and upper-case alphanumerics,
// a message ts is seconds and microseconds.
const TS = /^\d{1,10}(\.\d{1,6})?$/;
const TEAM_ID = /^[TE][A-Z0-9]{1,31}$/;
const USER_ID = /^[UW][A-Z0-9]{1,31}$/;

/** Slack's own limits on one message (chat.postMessage): what is larger would be refused by Slack anyway. */
export const MESSAGE_LIMITS = { textChars: 40_000, blocks: 50, attachments: 100, files: 10 };

/** Fields of API requests, checked at the edge so nothing runs (or is stored, or posted) on a half-formed request. */
export function requireField(value: string, name: string): string {
  if (!value.trim()) throw missingField(name);
  return value.trim();
}

export function require<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw missingField(name);
  return value;
}

function matching(value: string, pattern: RegExp, name: string, example: string): string {
  const given = requireField(value, name);
  if (!pattern.test(given)) throw invalidField(name, `must be a Slack ${example}, got ${JSON.stringify(given.slice(0, 40))}`);
  return given;
}

export const requireTeamId = (value: string, name: string) => matching(value, TEAM_ID, name, 'team id like T0123ABCD');
export const requireUserId = (value: string, name: string) => matching(value, USER_ID, name, 'user id like U0123ABCD');
export const requireTs = (value: string, name: string) => matching(value, TS, name, 'message ts like 1732700000.123456');

/** The `broadcast_id` a Broadcast answered (a UUID). */
export function requireBroadcastId(value: string, name = 'broadcast_id'): string {
  const given = requireField(value, name);
  if (!isUuid(given)) throw invalidField(name, `must be the broadcast_id a Broadcast answered (a UUID), got ${JSON.stringify(given.slice(0, 40))}`);
  return given;
}

export function requireCustomer(customer: UserRef | undefined, field = 'customer'): { teamId: string; userId: string } {
  if (!customer) throw missingField(field);
  return { teamId: requireTeamId(customer.teamId, `${field}.team_id`), userId: requireUserId(customer.userId, `${field}.user_id`) };
}

function jsonList(value: string, name: string, max: number): void {
  if (value === '') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidField(name, 'is not valid JSON');
  }
  if (!Array.isArray(parsed)) throw invalidField(name, 'must be a JSON list');
  if (parsed.length > max) throw invalidField(name, `has ${parsed.length} entries; Slack takes at most ${max}`);
}

/** Text, Block Kit blocks and legacy attachments, each within Slack's limits; blocks and attachments are JSON lists. */
export function checkContent(content: MessageContent | undefined, name: string): void {
  if (!content) return;
  if (content.text.length > MESSAGE_LIMITS.textChars) throw invalidField(`${name}.text`, `is longer than ${MESSAGE_LIMITS.textChars} characters`);
  jsonList(content.blocksJson, `${name}.blocks_json`, MESSAGE_LIMITS.blocks);
  jsonList(content.attachmentsJson, `${name}.attachments_json`, MESSAGE_LIMITS.attachments);
}

export function requireContent(content: MessageContent | undefined, name = 'content'): MessageContent {
  if (!content || (!content.text.trim() && !content.blocksJson && !content.attachmentsJson)) {
    throw new FieldError(name, true, `${name} is required (text, blocks or attachments)`);
  }
  checkContent(content, name);
  return content;
}

function checkFiles(files: SlackFile[], name: string): void {
  if (files.length > MESSAGE_LIMITS.files) throw invalidField(name, `has ${files.length} files; Slack shares at most ${MESSAGE_LIMITS.files} in one message`);
  files.forEach((file, index) => requireField(file.id, `${name}[${index}].id`));
}

/** A customer's or the bot's message as the app reports it: who, when (a Slack ts), what. */
export function requireReported(message: ReportedMessage | undefined): ReportedMessage {
  const given = require(message, 'message');
  requireUserId(given.userId, 'message.user_id');
  requireTs(given.ts, 'message.ts');
  if (given.teamId) requireTeamId(given.teamId, 'message.team_id');
  checkContent(given.content, 'message.content');
  checkFiles(given.files, 'message.files');
  return given;
}
