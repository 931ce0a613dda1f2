import type { MessageContent } from '@megatron/contracts';
import { isCardNumber, MAX_CARD_DIGITS } from './card-brands.js';

/**
 * Card numbers never cross the bridge in clear (SPEC §4, §11). The rule, in one place:
 *
 * - Text is read as digit *groups* (maximal runs of digits). Two groups belong to one chain when
 *   only one or more spaces, or a single dash or dot, stand between them.
 * - A card is a run of whole consecutive groups of one chain (one solid group counts) whose digits
 *   pass `isCardNumber` (brand prefix, brand length, Luhn). A group is never split: a 20-digit
 *   order number holds no card, but `123 4111 1111 1111 1111` holds one after its first group.
 * - At each group we take the longest card starting there; cards that overlap it are masked with it,
 *   so a false card cannot hide part of a true one. Scanning goes on after the masked stretch.
 * - Whatever touches the digits stays: `ref-4111111111111111` becomes `ref-****1111`, inside a word
 *   as well (`abc4111111111111111xyz` → `abc****1111xyz`). Agents keep the last four to talk about
 *   the card with the customer.
 * - Masking is idempotent: the four digits we leave are checked together with the groups that
 *   follow them, and masked too if they would form a card on a second pass.
 *
 * Each group starts at most MAX_CARD_DIGITS candidates, so the work is linear in the text.
 */
const MASK = '****';
const VISIBLE_DIGITS = 4;
// Non-breaking spaces count as spaces: numbers copied from web pages and PDFs carry them.
const SPACES = new Set([' ', '\u00a0', '\u202f']);
const SINGLE_SEPARATORS = new Set(['-', '.']);

interface DigitGroup {
  start: number;
  /** Exclusive. */
  end: number;
  digits: string;
}

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9';

/** Where the separator after `index` ends if it joins two groups, else undefined. */
function joinedAt(text: string, index: number): number | undefined {
  if (SINGLE_SEPARATORS.has(text[index] ?? '')) return isDigit(text[index + 1]) ? index + 1 : undefined;
  let next = index;
  while (SPACES.has(text[next] ?? '')) next++;
  return next > index && isDigit(text[next]) ? next : undefined;
}

/** The chains of digit groups in `text`, in order. */
function digitChains(text: string): DigitGroup[][] {
  const chains: DigitGroup[][] = [];
  let chain: DigitGroup[] = [];
  let index = 0;
  while (index < text.length) {
    if (!isDigit(text[index])) {
      index++;
      continue;
    }
    const start = index;
    while (isDigit(text[index])) index++;
    chain.push({ start, end: index, digits: text.slice(start, index) });
    const next = joinedAt(text, index);
    if (next === undefined) {
      chains.push(chain);
      chain = [];
    } else {
      index = next;
    }
  }
  return chains;
}

/** The last group of the longest card that starts at `from` (whose digits are read as `head`), or -1. */
function longestCardEnd(chain: readonly DigitGroup[], from: number, head: string): number {
  let digits = head;
  let found = -1;
  for (let index = from; digits.length <= MAX_CARD_DIGITS; ) {
    if (isCardNumber(digits)) found = index;
    index++;
    if (index >= chain.length) break;
    digits += chain[index]!.digits;
  }
  return found;
}

function lastDigits(chain: readonly DigitGroup[], from: number, to: number): string {
  let digits = '';
  for (let index = to; index >= from && digits.length < VISIBLE_DIGITS; index--) digits = chain[index]!.digits + digits;
  return digits.slice(-VISIBLE_DIGITS);
}

/** The stretches [first group, last group] of one chain that hold cards. */
function cardStretches(chain: readonly DigitGroup[]): Array<[number, number]> {
  const longest = chain.map((group, index) => longestCardEnd(chain, index, group.digits));
  const stretches: Array<[number, number]> = [];
  let first = 0;
  while (first < chain.length) {
    let last = longest[first]!;
    if (last < 0) {
      first++;
      continue;
    }
    for (let inner = first + 1; ; ) {
      // A card starting inside the stretch and ending past it joins it: no card is left half masked.
      for (; inner <= last; inner++) last = Math.max(last, longest[inner]!);
      // What a second pass would read: the visible four digits glued to the groups after them.
      const visibleEnd = longestCardEnd(chain, last, lastDigits(chain, first, last));
      if (visibleEnd <= last) break;
      last = visibleEnd;
    }
    stretches.push([first, last]);
    first = last + 1;
  }
  return stretches;
}

/**
 * Masks every card number in `text` as `****` and its last four digits, leaving everything around
 * it as it was. Callers use it for any free text that crosses the bridge: message text, file
 * titles and names, agents' forwarded messages.
 */
export function maskText(text: string): string {
  const pieces: string[] = [];
  let copied = 0;
  for (const chain of digitChains(text)) {
    for (const [first, last] of cardStretches(chain)) {
      pieces.push(text.slice(copied, chain[first]!.start), MASK, lastDigits(chain, first, last));
      copied = chain[last]!.end;
    }
  }
  pieces.push(text.slice(copied));
  return pieces.join('');
}

/** A file's title or name, as shown to the other side: `statement-4111111111111111.pdf` → `statement-****1111.pdf`. */
export function maskFileTitle(title: string): string {
  return maskText(title);
}

// Matched against the whole title once normalised (lower case, words separated by single spaces,
// parentheses dropped), so "Card number:" and "card_number" match but "Expiry of contract" does not.
const SENSITIVE_TITLE = new RegExp(
  [
    '^(?:(?:credit|debit|payment|bank) )?(?:',
    [
      'card (?:number|no|num|#)',
      'card#',
      'pan',
      '(?:card )?(?:cvv2?|cvc2?|cid|csc|security code|verification (?:code|value))',
      '(?:card )?(?:exp|expiry|expiration|expires)(?: date)?',
      'valid (?:thru|through)',
    ].join('|'),
    ')$',
  ].join(''),
);

function normalisedTitle(part: string): string {
  return part
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9#]+/g, ' ')
    .trim();
}

/**
 * True for an attachment field whose value is card data whatever it looks like: card number, PAN,
 * CVV/CVC/security code, expiry. A title naming several ("CVV / Expiry") counts when one part does.
 */
export function isSensitiveFieldTitle(title: string): boolean {
  return title
    .replace(/\([^)]*\)/g, ' ')
    .split(/[/|,&]/)
    .some((part) => SENSITIVE_TITLE.test(normalisedTitle(part)));
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function maskJson(value: Json): Json {
  if (typeof value === 'string') return maskText(value);
  // Apps sometimes send field values as JSON numbers; a card there is still a card.
  if (typeof value === 'number') {
    const masked = maskText(String(value));
    return masked === String(value) ? value : masked;
  }
  if (Array.isArray(value)) return value.map(maskJson);
  if (value === null || typeof value !== 'object') return value;
  const masked: { [key: string]: Json } = {};
  for (const [key, inner] of Object.entries(value)) masked[key] = maskJson(inner);
  // Attachment fields are {title, value}: a card field's value is masked whatever its shape.
  if (typeof masked.title === 'string' && 'value' in masked && isSensitiveFieldTitle(masked.title)) masked.value = MASK;
  return masked;
}

function maskJsonText(json: string): string {
  if (!json) return json;
  return JSON.stringify(maskJson(JSON.parse(json) as Json));
}

/**
 * Masks a message before it crosses the bridge: its text, every string in its Block Kit blocks
 * (text objects, fields, elements) and in its legacy attachments (text, pretext, fallback, title,
 * field values), and the values of fields titled like card data.
 */
export function maskContent(content: MessageContent): MessageContent {
  return {
    ...content,
    text: maskText(content.text),
    blocksJson: maskJsonText(content.blocksJson),
    attachmentsJson: maskJsonText(content.attachmentsJson),
  };
}
