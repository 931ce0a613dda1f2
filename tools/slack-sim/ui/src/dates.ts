// Slack's date tokens (`<!date^epoch^{date_short} {time}|fallback>`), drawn in the browser's time zone as a Slack
// client draws them in the reader's (docs.slack.dev/messaging/formatting-message-text#date-formatting).

const DAY_MS = 24 * 60 * 60 * 1000;

function ordinal(day: number): string {
  const tens = day % 100;
  if (tens >= 11 && tens <= 13) return `${day}th`;
  return `${day}${['th', 'st', 'nd', 'rd'][day % 10] ?? 'th'}`;
}

function parts(date: Date, options: Intl.DateTimeFormatOptions): Record<string, string> {
  return Object.fromEntries(new Intl.DateTimeFormat('en-US', options).formatToParts(date).map((part) => [part.type, part.value]));
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** today, yesterday or tomorrow, when the date is one of them. */
function relativeDay(date: Date, now: Date): string | undefined {
  const days = Math.round((startOfDay(date) - startOfDay(now)) / DAY_MS);
  return { [-1]: 'yesterday', 0: 'today', 1: 'tomorrow' }[days];
}

function ago(date: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  const [amount, unit] = abs < 60 ? [abs, 'second'] : abs < 3600 ? [Math.floor(abs / 60), 'minute']
    : abs < 86400 ? [Math.floor(abs / 3600), 'hour'] : [Math.floor(abs / 86400), 'day'];
  const phrase = `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  return future ? `in ${phrase}` : `${phrase} ago`;
}

/** Fills a date format's tokens; an unknown token stays as written, as Slack leaves it. */
export function formatSlackDate(epochSeconds: number, format: string, now = new Date()): string {
  const date = new Date(epochSeconds * 1000);
  const long = parts(date, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
  const dateLong = `${long.weekday}, ${long.month} ${ordinal(date.getDate())}, ${long.year}`;
  const plainDate = `${long.month} ${ordinal(date.getDate())}, ${long.year}`;
  const dateShort = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric' }).format(date);
  const pretty = (otherwise: string): string => {
    const day = relativeDay(date, now);
    return day ? `${day.charAt(0).toUpperCase()}${day.slice(1)}` : otherwise;
  };
  const pad = (value: number): string => String(value).padStart(2, '0');
  const tokens: Record<string, () => string> = {
    date_num: () => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    date_slash: () => new Intl.DateTimeFormat(undefined, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(date),
    date_long: () => dateLong,
    date_long_full: () => `${long.month} ${date.getDate()}, ${long.year}`,
    date_long_pretty: () => pretty(dateLong),
    date: () => plainDate,
    date_pretty: () => pretty(plainDate),
    date_short: () => dateShort,
    date_short_pretty: () => pretty(dateShort),
    day_divider_pretty: () => pretty(date.getFullYear() === now.getFullYear() ? `${long.weekday}, ${long.month} ${ordinal(date.getDate())}` : dateLong),
    time: () => new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' }).format(date),
    time_secs: () => new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(date),
    ago: () => ago(date, now),
  };
  return format.replace(/\{([a-z_]+)\}/g, (token, name: string) => tokens[name]?.() ?? token);
}

/** A message's time of day, as the message list shows it. */
export function timeOfTs(ts: string): string {
  return new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit' }).format(new Date(Number(ts.split('.')[0]) * 1000));
}

/** The day a message was sent, for the list's day dividers. */
export function dayOfTs(ts: string, now = new Date()): string {
  return formatSlackDate(Number(ts.split('.')[0]), '{day_divider_pretty}', now);
}
