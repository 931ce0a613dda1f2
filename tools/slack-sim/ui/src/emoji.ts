// Slack's names for the emoji its messages and reactions commonly use (apps send names, clients draw characters).
// The simulator's reaction list (src/emoji.ts) is covered; any other name is shown as `:name:`, as Slack shows
// a custom emoji it cannot load.
const CHARACTERS: Record<string, string> = {
  '+1': '👍', thumbsup: '👍', '-1': '👎', thumbsdown: '👎', '100': '💯', arrow_forward: '▶️',
  arrows_counterclockwise: '🔄', bell: '🔔', bulb: '💡', bust_in_silhouette: '👤', busts_in_silhouette: '👥',
  calendar: '📆', clap: '👏', clock1: '🕐', clock3: '🕒', coffee: '☕', cry: '😢', double_vertical_bar: '⏸️', email: '📧',
  envelope: '✉️', exclamation: '❗', eyes: '👀', fire: '🔥', grinning: '😀', grey_question: '❔', hand: '✋',
  heart: '❤️', heavy_check_mark: '✔️', heavy_minus_sign: '➖', heavy_plus_sign: '➕', hourglass: '⌛',
  hourglass_flowing_sand: '⏳', information_source: 'ℹ️', joy: '😂', key: '🔑', large_blue_circle: '🔵',
  large_green_circle: '🟢', link: '🔗', lock: '🔒', mag: '🔍', memo: '📝', muscle: '💪', no_entry: '⛔',
  no_entry_sign: '🚫', ok_hand: '👌', paperclip: '📎', pause_button: '⏸️', phone: '☎️', point_right: '👉',
  point_up: '☝️', pray: '🙏', pushpin: '📌', question: '❓', rage: '😡', raised_hand: '✋', raised_hands: '🙌', raising_hand: '🙋', mega: '📣', zzz: '💤', recycle: '♻️',
  red_circle: '🔴', repeat: '🔁', robot_face: '🤖', rotating_light: '🚨', slightly_smiling_face: '🙂', smile: '😄',
  smiley: '😃', sob: '😭', sos: '🆘', sparkles: '✨', speech_balloon: '💬', star: '⭐', sweat_smile: '😅',
  tada: '🎉', thinking_face: '🤔', wave: '👋', warning: '⚠️', white_check_mark: '✅', white_circle: '⚪', wink: '😉',
  x: '❌', zap: '⚡', lock_with_ink_pen: '🔏', inbox_tray: '📥', outbox_tray: '📤', package: '📦', hammer_and_wrench: '🛠️',
  heavy_exclamation_mark: '❗', stopwatch: '⏱️', telephone_receiver: '📞', wastebasket: '🗑️', writing_hand: '✍️',
};

// Slack writes a skin tone after the name (`+1::skin-tone-3`); tones 2–6 are the Fitzpatrick modifiers.
const SKIN_TONES = ['', '', '\u{1F3FB}', '\u{1F3FC}', '\u{1F3FD}', '\u{1F3FE}', '\u{1F3FF}'];

/** The character for an emoji name (with or without colons), or undefined when it is not a known one. */
export function emojiCharacter(name: string): string | undefined {
  const [base = '', tone] = name.replace(/^:|:$/g, '').split('::skin-tone-');
  const character = CHARACTERS[base];
  if (character === undefined) return undefined;
  return `${character}${tone ? SKIN_TONES[Number(tone)] ?? '' : ''}`;
}

/** What to draw for an emoji name: its character, else the name between colons. */
export function emojiText(name: string): string {
  return emojiCharacter(name) ?? `:${name.replace(/^:|:$/g, '')}:`;
}

/** Plain text with its `:name:` codes drawn, as Slack draws plain_text objects with `emoji: true`. */
export function withEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+'-]+(?:::skin-tone-[2-6])?):/g, (code, name: string) => emojiCharacter(name) ?? code);
}
