import { emojiCharacter } from './emoji.js';

// Slack's mrkdwn (docs.slack.dev/messaging/formatting-message-text) parsed into plain data, which the components
// turn into elements. Nothing here produces HTML: text stays text however it is written.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'bold' | 'italic' | 'strike'; children: Inline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; url: string; label: string }
  | { kind: 'user'; id: string; label?: string }
  | { kind: 'channel'; id: string; label?: string }
  | { kind: 'broadcast'; name: string; label?: string }
  | { kind: 'date'; epoch: number; format: string; link?: string; fallback: string }
  | { kind: 'emoji'; name: string; character: string };

export type MrkdwnBlock =
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'quote'; inlines: Inline[] }
  | { kind: 'preformatted'; text: string };

/** Slack escapes exactly these three in message text; clients show the characters. */
export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const STYLES = { '*': 'bold', _: 'italic', '~': 'strike' } as const;
type StyleMarker = keyof typeof STYLES;

const isWordChar = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}]/u.test(char);
const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/.test(char);

/** `<...>`: a user, channel, special mention, date or link; plain text when it is none of them. */
function angleToken(content: string): Inline {
  const bar = content.indexOf('|');
  const target = bar === -1 ? content : content.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(content.slice(bar + 1));
  const withLabel = label === undefined ? {} : { label };
  if (target.startsWith('@')) return { kind: 'user', id: target.slice(1), ...withLabel };
  if (target.startsWith('#')) return { kind: 'channel', id: target.slice(1), ...withLabel };
  if (target.startsWith('!date^')) {
    const [, epoch = '', format = '', link] = target.split('^');
    const seconds = Number(epoch);
    if (Number.isFinite(seconds) && epoch !== '') {
      return { kind: 'date', epoch: seconds, format, fallback: label ?? '', ...(link ? { link: decodeEntities(link) } : {}) };
    }
    return { kind: 'text', text: label ?? '' };
  }
  if (target.startsWith('!subteam^')) return { kind: 'broadcast', name: label?.replace(/^@/, '') ?? 'group', ...withLabel };
  if (target.startsWith('!')) return { kind: 'broadcast', name: target.slice(1), ...withLabel };
  const url = decodeEntities(target);
  return { kind: 'link', url, label: label ?? url.replace(/^mailto:/, '') };
}

/**
 * The closing marker of a style opened at `start`: the same character on the same line, after non-space text,
 * not followed by a letter or digit (so snake_case_words and 2*3*4 stay as written).
 */
function closingMarker(text: string, start: number, marker: StyleMarker): number {
  for (let i = start + 2; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\n') return -1;
    if (char === marker && !isSpace(text[i - 1]) && !isWordChar(text[i + 1])) return i;
  }
  return -1;
}

function pushText(out: Inline[], text: string): void {
  if (text === '') return;
  const last = out.at(-1);
  if (last?.kind === 'text') last.text += text;
  else out.push({ kind: 'text', text });
}

/** Inline formatting of one paragraph: styles, code, `<...>` tokens and `:emoji:`; entities decoded in text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = (): void => {
    pushText(out, decodeEntities(plain));
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (char === '<') {
      const end = text.indexOf('>', i + 1);
      if (end > i + 1) {
        flush();
        out.push(angleToken(text.slice(i + 1, end)));
        i = end + 1;
        continue;
      }
    }
    if (char === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ kind: 'code', text: decodeEntities(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if ((char === '*' || char === '_' || char === '~') && !isWordChar(text[i - 1]) && !isSpace(text[i + 1]) && text[i + 1] !== undefined) {
      const end = closingMarker(text, i, char);
      if (end !== -1) {
        flush();
        out.push({ kind: STYLES[char], children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (char === ':') {
      const match = /^:([a-z0-9_+'-]+(?:::skin-tone-[2-6])?):/.exec(text.slice(i));
      const character = match?.[1] ? emojiCharacter(match[1]) : undefined;
      if (match?.[1] && character) {
        flush();
        out.push({ kind: 'emoji', name: match[1], character });
        i += match[0].length;
        continue;
      }
    }
    plain += char;
    i += 1;
  }
  flush();
  return out;
}

const QUOTE = /^(?:&gt;|>) ?/;
const QUOTE_REST = /^(?:&gt;|>){3} ?/;

/** Lines of plain text grouped into paragraphs and `>` quotes; `>>>` quotes everything after it. */
function parseLines(text: string, out: MrkdwnBlock[]): void {
  const lines = text.split('\n');
  let group: { quote: boolean; lines: string[] } | undefined;
  const close = (): void => {
    if (group) out.push({ kind: group.quote ? 'quote' : 'paragraph', inlines: parseInline(group.lines.join('\n')) });
    group = undefined;
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (QUOTE_REST.test(line)) {
      close();
      group = { quote: true, lines: [line.replace(QUOTE_REST, ''), ...lines.slice(index + 1)] };
      break;
    }
    const quote = QUOTE.test(line);
    if (group && group.quote !== quote) close();
    group ??= { quote, lines: [] };
    group.lines.push(quote ? line.replace(QUOTE, '') : line);
  }
  close();
}

/** A whole mrkdwn text: ```preformatted``` blocks first (nothing is formatted inside them), then lines. */
export function parseMrkdwn(text: string): MrkdwnBlock[] {
  const out: MrkdwnBlock[] = [];
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  for (const match of text.matchAll(fence)) {
    const before = text.slice(last, match.index).replace(/\n$/, '');
    if (before !== '') parseLines(before, out);
    out.push({ kind: 'preformatted', text: decodeEntities((match[1] ?? '').replace(/^\n/, '')) });
    last = match.index + match[0].length;
  }
  const rest = text.slice(last).replace(/^\n/, '');
  if (rest !== '' || out.length === 0) parseLines(rest, out);
  return out;
}
