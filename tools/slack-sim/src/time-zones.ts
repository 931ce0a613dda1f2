/** Slack's default for a new member when the workspace does not say otherwise. */
export const DEFAULT_TZ = 'America/Los_Angeles';

// ICU names Central Europe's winter time differently from Slack, whose users.info says "Central European Time".
const SLACK_LABELS: Record<string, string> = { 'Central European Standard Time': 'Central European Time' };

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

type ZoneStyle = 'long' | 'longOffset';

// Building a formatter costs far more than formatting with one, and users.list asks for two per member. Kept for
// each zone name people were given (checked by isTimeZone when set), so as many as the workspaces' zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string, style: ZoneStyle): Intl.DateTimeFormat {
  const key = `${style} ${tz}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style });
    formatters.set(key, format);
  }
  return format;
}

function zoneName(tz: string, atMs: number, style: ZoneStyle): string {
  const parts = formatter(tz, style).formatToParts(atMs);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/**
 * users.info's `tz`, `tz_label` and `tz_offset` (seconds east of UTC) at the given instant, so daylight saving
 * shows as it does on Slack ("Pacific Daylight Time", -25200 in July).
 */
export function timeZoneFields(tz: string, atMs: number): { tz: string; tz_label: string; tz_offset: number } {
  const long = zoneName(tz, atMs, 'long');
  const offset = /^GMT([+-])(\d{2}):(\d{2})$/.exec(zoneName(tz, atMs, 'longOffset'));
  const seconds = offset ? (Number(offset[2]) * 3600 + Number(offset[3]) * 60) * (offset[1] === '-' ? -1 : 1) : 0;
  return { tz, tz_label: SLACK_LABELS[long] ?? long, tz_offset: seconds };
}
