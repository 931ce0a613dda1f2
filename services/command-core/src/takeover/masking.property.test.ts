import fc from 'fast-check';
import { maskText } from './masking.js';

// The brands as the issue lists them, written out again rather than imported from card-brands.ts,
// so a mistake in that table shows up here instead of being copied into the generator.
const BRANDS: ReadonlyArray<{ prefixes: ReadonlyArray<readonly [number, number]>; lengths: readonly number[] }> = [
  { prefixes: [[4, 4]], lengths: [13, 16, 19] }, // Visa
  { prefixes: [[51, 55], [2221, 2720]], lengths: [16] }, // Mastercard
  { prefixes: [[34, 34], [37, 37]], lengths: [15] }, // Amex
  { prefixes: [[6011, 6011], [644, 649], [65, 65], [622126, 622925]], lengths: [16, 17, 18, 19] }, // Discover
  { prefixes: [[300, 305], [36, 36], [38, 39]], lengths: [14, 15, 16, 17, 18, 19] }, // Diners
  { prefixes: [[3528, 3589]], lengths: [16, 17, 18, 19] }, // JCB
  { prefixes: [[62, 62]], lengths: [16, 17, 18, 19] }, // UnionPay
  { prefixes: [[5018, 5018], [5020, 5020], [5038, 5038], [5893, 5893], [6304, 6304], [6759, 6759], [6761, 6763]], lengths: [13, 14, 15, 16, 17, 18, 19] }, // Maestro (12-digit ones are below our floor)
];

function withLuhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    // The check digit will sit to the right, so the rightmost body digit is the one doubled.
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const digitArb = fc.integer({ min: 0, max: 9 }).map(String);

const cardArb: fc.Arbitrary<string> = fc
  .constantFrom(...BRANDS)
  .chain((brand) => fc.tuple(fc.constantFrom(...brand.prefixes), fc.constantFrom(...brand.lengths)))
  .chain(([[from, to], length]) =>
    fc.tuple(fc.integer({ min: from, max: to }), fc.array(digitArb, { minLength: length, maxLength: length })).map(([prefix, filler]) => {
      const start = String(prefix);
      return withLuhnDigit(start + filler.slice(start.length, length - 1).join(''));
    }),
  );

// Every way the masking rule lets groups be joined.
const separatorArb = fc.constantFrom(' ', '  ', '   ', '-', '.', '\u00a0', ' \u00a0');

/** The card cut into whole groups at random places, each gap with its own separator (or not cut at all). */
const writtenCardArb: fc.Arbitrary<{ card: string; written: string }> = cardArb.chain((card) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: card.length - 1 }), { maxLength: 6 })
    .chain((cuts) => fc.tuple(fc.constant([...cuts].sort((a, b) => a - b)), fc.array(separatorArb, { minLength: cuts.length, maxLength: cuts.length })))
    .map(([cuts, separators]) => {
      let written = '';
      let at = 0;
      cuts.forEach((cut, i) => {
        written += card.slice(at, cut) + separators[i];
        at = cut;
      });
      return { card, written: written + card.slice(at) };
    }),
);

const wordArb = fc.constantFrom('hello', 'card', 'ref', 'order', 'Visa', 'exp', 'thanks', 'is', 'my', 'pay', 'ünï', '😀');
const punctuationArb = fc.constantFrom(',', '.', '!', '?', ':', '(', ')', '#', '/', '-', '*', '"');
// Short numbers (at most four digits, at most three per side) can sit next to the card, joined to it
// by a separator, but together they are too short to be a card of their own.
const shortNumberArb = fc.oneof(fc.integer({ min: 0, max: 9999 }).map(String), fc.constantFrom('12/27', '03/29', '2026-11-27', '10:30'));
const tokensArb = fc
  .tuple(fc.array(fc.oneof(wordArb, punctuationArb), { maxLength: 5 }), fc.array(shortNumberArb, { maxLength: 3 }))
  .chain(([plain, numbers]) => fc.shuffledSubarray([...plain, ...numbers], { minLength: plain.length + numbers.length }))
  .map((tokens) => tokens.join(' '));

// What touches the card. Never a digit: a digit would make the card part of a longer solid group,
// which is a different number (a 20-digit order number holds no card by the rule).
const leftGlueArb = fc.constantFrom('', ' ', '  ', '-', '.', '#', 'ref-', ': ', '\n', '(', 'abc');
const rightGlueArb = fc.constantFrom('', ' ', '  ', '-', '.', ',', ')', '\n', ' exp ', 'xyz');

const endsWithDigit = (text: string) => /\d$/.test(text);
const startsWithDigit = (text: string) => /^\d/.test(text);
const digitsOf = (text: string) => text.replace(/\D/g, '');

const embeddedCardArb = fc.record({ left: tokensArb, leftGlue: leftGlueArb, card: writtenCardArb, rightGlue: rightGlueArb, right: tokensArb }).map(({ left, leftGlue, card, rightGlue, right }) => {
  const before = left + (leftGlue === '' && endsWithDigit(left) ? ' ' : leftGlue);
  const after = (rightGlue === '' && startsWithDigit(right) ? ' ' : rightGlue) + right;
  return { card: card.card, text: before + card.written + after, before, after };
});

const RUNS = { numRuns: 300 };

describe('card masking, for any card of any brand written any allowed way in any text', () => {
  it('leaves none of the card in clear but its last four digits', () => {
    fc.assert(
      fc.property(embeddedCardArb, ({ card, text, before, after }) => {
        const hidden = card.slice(0, -4);
        // Fair texts only: the surroundings alone must not spell the hidden digits.
        fc.pre(!`${digitsOf(before)}${card.slice(-4)}${digitsOf(after)}`.includes(hidden));
        const masked = maskText(text);
        expect(masked).toContain('****');
        expect(digitsOf(masked)).not.toContain(hidden);
      }),
      RUNS,
    );
  });

  it('changes nothing when it masks its own output', () => {
    fc.assert(
      fc.property(embeddedCardArb, ({ text }) => {
        const once = maskText(text);
        expect(maskText(once)).toBe(once);
      }),
      RUNS,
    );
  });
});

describe('card masking, for a card followed by more digit groups', () => {
  // The four digits left visible meet whatever groups follow the card; a second pass must not find a card there.
  const groupsArb = fc.array(fc.tuple(separatorArb, fc.array(digitArb, { minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 3 });

  it('changes nothing when it masks its own output', () => {
    fc.assert(
      fc.property(writtenCardArb, groupsArb, ({ written }, groups) => {
        const once = maskText(written + groups.map(([separator, digits]) => separator + digits.join('')).join(''));
        expect(maskText(once)).toBe(once);
      }),
      RUNS,
    );
  });
});

describe('card masking, for any text', () => {
  const digitHeavyArb = fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '9', ' ', ' ', '-', '.', '*', 'a', '\u00a0'), maxLength: 120 });

  it('changes nothing when it masks its own output', () => {
    fc.assert(
      fc.property(digitHeavyArb, (text) => {
        const once = maskText(text);
        expect(maskText(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it('never changes a text without digits', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }).filter((text) => !/\d/.test(text)),
        (text) => {
          expect(maskText(text)).toBe(text);
        },
      ),
      RUNS,
    );
  });
});
