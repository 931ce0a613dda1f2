import type { MessageContent } from '@megatron/contracts';

const MASK = '****';
// 13–19 digits, single spaces or dashes allowed between them; lookarounds keep longer digit runs whole.
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g;
const SENSITIVE_FIELD = /card\s*(number|no\.?|#)|\bcvv2?\b|\bcvc2?\b|security\s*code|\bpan\b/i;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Replaces every Luhn-valid card number (13–19 digits, spaces or dashes allowed) with `****`. */
export function maskCardNumbers(text: string): string {
  return text.replace(CARD_CANDIDATE, (candidate) => {
    const digits = candidate.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? MASK : candidate;
  });
}

export function isSensitiveFieldTitle(title: string): boolean {
  return SENSITIVE_FIELD.test(title);
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function maskJson(value: Json): Json {
  if (typeof value === 'string') return maskCardNumbers(value);
  if (Array.isArray(value)) return value.map(maskJson);
  if (value === null || typeof value !== 'object') return value;
  const masked: { [key: string]: Json } = {};
  for (const [key, inner] of Object.entries(value)) masked[key] = maskJson(inner);
  const title = masked.title;
  // Attachment fields are {title, value}: a card field's value is masked whatever its shape.
  if (typeof title === 'string' && 'value' in masked && isSensitiveFieldTitle(title)) masked.value = MASK;
  return masked;
}

function maskJsonText(json: string): string {
  if (!json) return json;
  return JSON.stringify(maskJson(JSON.parse(json) as Json));
}

/** Masks text, Block Kit blocks and legacy attachments of a bot message before it is mirrored (SPEC §4). */
export function maskContent(content: MessageContent): MessageContent {
  return {
    ...content,
    text: maskCardNumbers(content.text),
    blocksJson: maskJsonText(content.blocksJson),
    attachmentsJson: maskJsonText(content.attachmentsJson),
  };
}
