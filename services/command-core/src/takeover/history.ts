import type { HistoryMessage, SlackFile } from '@megatron/contracts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEADER_GAP_SECONDS = 180;
export const HISTORY_LIMIT = 10;
/** Slack's cap on one history read for apps outside the Marketplace (docs.slack.dev, rate limits 2025): asking for more gets no more. */
export const HISTORY_READ_LIMIT = 15;

const pad = (value: number) => String(value).padStart(2, '0');

/** `Nov 04 03:07 PM UTC`: the original's `[Mon DD HH:MM AM]` stamp, with its zone named. */
function utcStamp(date: Date): string {
  const hours = date.getUTCHours();
  const twelve = hours % 12 === 0 ? 12 : hours % 12;
  const meridiem = hours < 12 ? 'AM' : 'PM';
  return `${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${pad(twelve)}:${pad(date.getUTCMinutes())} ${meridiem} UTC`;
}

/**
 * `[Nov 4, 2026 7:07 AM]` in each reader's own time zone: Slack's date token draws it per reader, and clients that
 * cannot fall back to the UTC stamp (docs.slack.dev/messaging/formatting-message-text#date-formatting).
 */
export function timeHeader(date: Date): string {
  return `[<!date^${Math.floor(date.getTime() / 1000)}^{date_short} {time}|${utcStamp(date)}>]`;
}

export function tsToDate(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}

/** A Slack timestamp (`1712345678.123000`) for a time in milliseconds since the epoch. */
export function slackTs(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

/** A message to import into an engagement channel, from Megatron's transcript or from Slack's history. */
export interface ImportMessage {
  ts: string;
  fromBot: boolean;
  text: string;
  blocksJson: string;
  attachmentsJson: string;
  files: SlackFile[];
}

export interface ImportItem {
  message: ImportMessage;
  fromBot: boolean;
  /** Bold time header to post before this message, when 3+ minutes passed since the previous one. */
  header?: string;
}

/** Oldest first, with a time header before the first message and before each gap of 3 minutes or more. */
export function planImport(oldestFirst: ImportMessage[]): ImportItem[] {
  let previous = Number.NEGATIVE_INFINITY;
  return oldestFirst.map((message) => {
    const seconds = Number(message.ts);
    const item: ImportItem = { message, fromBot: message.fromBot };
    if (seconds - previous >= HEADER_GAP_SECONDS) item.header = `*${timeHeader(tsToDate(message.ts))}*`;
    previous = seconds;
    return item;
  });
}

/**
 * A DM's history as Slack returns it (newest first) → what the engagement channel gets: the last 10
 * messages of the customer and the bot, oldest first, with time headers.
 */
export function planHistoryImport(newestFirst: HistoryMessage[], customerUserId: string): ImportItem[] {
  const relevant = newestFirst
    .filter((message) => message.subtype === '' || message.subtype === 'bot_message' || message.subtype === 'file_share')
    .slice(0, HISTORY_LIMIT)
    .reverse();
  return planImport(
    relevant.map((message) => ({
      ts: message.ts,
      fromBot: message.botId !== '' || message.user !== customerUserId,
      text: message.text,
      blocksJson: '',
      attachmentsJson: message.attachmentsJson,
      files: message.files,
    })),
  );
}
