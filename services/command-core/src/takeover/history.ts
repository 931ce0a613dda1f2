import type { HistoryMessage } from '@megatron/contracts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEADER_GAP_SECONDS = 180;
export const HISTORY_LIMIT = 10;

const pad = (value: number) => String(value).padStart(2, '0');

/** `[Mon DD HH:MM AM]` in UTC, as the original's history import wrote it. */
export function timeHeader(date: Date): string {
  const hours = date.getUTCHours();
  const twelve = hours % 12 === 0 ? 12 : hours % 12;
  const meridiem = hours < 12 ? 'AM' : 'PM';
  return `[${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${pad(twelve)}:${pad(date.getUTCMinutes())} ${meridiem}]`;
}

export function tsToDate(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}

export interface ImportItem {
  message: HistoryMessage;
  fromBot: boolean;
  /** Bold time header to post before this message, when 3+ minutes passed since the previous one. */
  header?: string;
}

/**
 * Turns a DM's history (newest first, as Slack returns it) into what the engagement channel gets:
 * oldest first, the bot's messages marked, a time header before each gap of 3 minutes or more.
 */
export function planHistoryImport(newestFirst: HistoryMessage[], customerUserId: string): ImportItem[] {
  const relevant = newestFirst
    .filter((message) => message.subtype === '' || message.subtype === 'bot_message' || message.subtype === 'file_share')
    .slice(0, HISTORY_LIMIT)
    .reverse();
  let previous = Number.NEGATIVE_INFINITY;
  return relevant.map((message) => {
    const seconds = Number(message.ts);
    const item: ImportItem = { message, fromBot: message.botId !== '' || message.user !== customerUserId };
    if (seconds - previous >= HEADER_GAP_SECONDS) item.header = `*${timeHeader(tsToDate(message.ts))}*`;
    previous = seconds;
    return item;
  });
}
