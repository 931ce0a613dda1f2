/**
 * Which digit strings are payment card numbers: a known brand prefix, a length that brand issues,
 * and a valid Luhn check digit. Pure data and pure functions; masking.ts decides where to look.
 */

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'maestro';

/** An inclusive range of prefixes of one width: `{ from: 2221, to: 2720 }` covers 2221…2720. */
interface PrefixRange {
  from: number;
  to: number;
}

interface BrandRule {
  brand: CardBrand;
  prefixes: readonly PrefixRange[];
  lengths: readonly number[];
}

/** The shortest number we treat as a card. Maestro issues 12 digits, but 12 digits are too often phone numbers. */
export const MIN_CARD_DIGITS = 13;
export const MAX_CARD_DIGITS = 19;

const one = (prefix: number): PrefixRange => ({ from: prefix, to: prefix });
const span = (from: number, to: number): readonly number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Public IIN ranges (ISO/IEC 7812 issuers' published ranges, as listed by the brands in 2026). */
export const BRAND_RULES: readonly BrandRule[] = [
  { brand: 'visa', prefixes: [one(4)], lengths: [13, 16, 19] },
  { brand: 'mastercard', prefixes: [{ from: 51, to: 55 }, { from: 2221, to: 2720 }], lengths: [16] },
  { brand: 'amex', prefixes: [one(34), one(37)], lengths: [15] },
  { brand: 'discover', prefixes: [one(6011), { from: 644, to: 649 }, one(65), { from: 622126, to: 622925 }], lengths: span(16, 19) },
  // 3095 is Diners Club International's too, besides the ranges everyone lists.
  { brand: 'diners', prefixes: [{ from: 300, to: 305 }, one(3095), one(36), one(38), one(39)], lengths: span(14, 19) },
  { brand: 'jcb', prefixes: [{ from: 3528, to: 3589 }], lengths: span(16, 19) },
  { brand: 'unionpay', prefixes: [one(62)], lengths: span(16, 19) },
  {
    brand: 'maestro',
    prefixes: [one(5018), one(5020), one(5038), one(5893), one(6304), one(6759), { from: 6761, to: 6763 }],
    lengths: span(MIN_CARD_DIGITS, MAX_CARD_DIGITS),
  },
];

function startsWithin(digits: string, range: PrefixRange): boolean {
  const width = String(range.from).length;
  if (digits.length < width) return false;
  const prefix = Number(digits.slice(0, width));
  return prefix >= range.from && prefix <= range.to;
}

/** The brand whose prefix and length `digits` has, if any (Luhn not checked). */
export function cardBrandOf(digits: string): CardBrand | undefined {
  return BRAND_RULES.find((rule) => rule.lengths.includes(digits.length) && rule.prefixes.some((range) => startsWithin(digits, range)))?.brand;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** True when `digits` (digits only) is a card number some brand could have issued. */
export function isCardNumber(digits: string): boolean {
  // Luhn first: it is the cheaper test and rejects nine candidates in ten.
  return digits.length >= MIN_CARD_DIGITS && digits.length <= MAX_CARD_DIGITS && luhnValid(digits) && cardBrandOf(digits) !== undefined;
}
