import { create } from '@bufbuild/protobuf';
import { MessageContentSchema } from '@megatron/contracts';
import { isCardNumber, luhnValid } from './card-brands.js';
import { isSensitiveFieldTitle, maskContent, maskFileTitle, maskText } from './masking.js';

// Published test numbers where the brands publish them; the others are a brand prefix padded with
// zeros and completed with a Luhn check digit.
const CARDS: ReadonlyArray<[string, string]> = [
  ['Visa (16 digits)', '4111111111111111'],
  ['Visa (13 digits)', '4222222222222'],
  ['Visa (19 digits)', '4111111111111111110'],
  ['Mastercard 5-series', '5555555555554444'],
  ['Mastercard 2-series', '2223003122003222'],
  ['Amex', '378282246310005'],
  ['Discover 6011', '6011111111111117'],
  ['Discover 644', '6445644564456445'],
  ['Discover 622126', '6221260000000000'],
  ['Discover (19 digits)', '6011000000000000001'],
  ['Diners 300–305 (14 digits)', '30569309025904'],
  ['Diners 3095', '30950000000000'],
  ['Diners 39 (16 digits)', '3900000000000005'],
  ['JCB', '3530111333300000'],
  ['JCB (19 digits)', '3589000000000000009'],
  ['UnionPay', '6200000000000005'],
  ['UnionPay (19 digits)', '6212345678900000003'],
  ['Maestro', '6759649826438453'],
  ['Maestro (13 digits)', '5018000000007'],
];

/** How people group each length when they write it down: 4-6-5 for Amex, 4-6-4 for Diners, fours otherwise. */
function groups(digits: string): string[] {
  const sizes = digits.length === 15 ? [4, 6, 5] : digits.length === 14 ? [4, 6, 4] : digits.length === 13 ? [4, 4, 5] : [4, 4, 4, 4, 3];
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts;
}

const STYLES: ReadonlyArray<[string, (digits: string) => string]> = [
  ['solid', (digits) => digits],
  ['with single spaces', (digits) => groups(digits).join(' ')],
  ['with repeated spaces', (digits) => groups(digits).join('   ')],
  ['with dashes', (digits) => groups(digits).join('-')],
  ['with dots', (digits) => groups(digits).join('.')],
];

const EVERY_CARD_IN_EVERY_STYLE = CARDS.flatMap(([brand, digits]) =>
  STYLES.map(([style, write]) => [brand, style, write(digits), `****${digits.slice(-4)}`] as const),
);

describe('the card numbers used in these tests', () => {
  it.each(CARDS)('%s (%s) is a card number', (_brand, digits) => {
    expect(isCardNumber(digits)).toBe(true);
  });
});

describe('card number masking', () => {
  it.each(EVERY_CARD_IN_EVERY_STYLE)('masks a %s number written %s (%s) down to its last four', (_brand, _style, written, masked) => {
    expect(maskText(`my card is ${written}, thanks`)).toBe(`my card is ${masked}, thanks`);
  });

  it.each([
    ['a card followed by another group of digits', '4000 0566 5566 5556 123', '****5556 123'],
    ['a solid card followed by more digits', '4111111111111111 123', '****1111 123'],
    ['a grouped card followed by a short group', '4111 1111 1111 1111 123', '****1111 123'],
    ['a card followed by its expiry', '4111111111111111 12/27', '****1111 12/27'],
    ['a grouped card followed by its expiry and CVV', 'card 5555-5555-5555-4444 exp 12/27 cvv 123', 'card ****4444 exp 12/27 cvv 123'],
    ['a card after another group of digits', '123 4111 1111 1111 1111', '123 ****1111'],
    ['a card after a year', 'paid 2026 5555 5555 5555 4444 ok', 'paid 2026 ****4444 ok'],
    ['a card glued to a reference prefix', 'ref-4111111111111111', 'ref-****1111'],
    ['a card glued to a hash', 'order #4111111111111111', 'order #****1111'],
    ['a card glued to letters on both sides', 'abc4111111111111111xyz', 'abc****1111xyz'],
    ['a card in parentheses with dashes', '(4111-1111-1111-1111)', '(****1111)'],
    // "30 4111 1111 1111" is a 14-digit Diners number; masked alone it would leave the Visa's last groups.
    ['a card overlapping a shorter card that starts a group earlier', 'ref 30 4111 1111 1111 1111', 'ref ****1111'],
    ['a card with mixed separators', '4111 1111-1111.1111', '****1111'],
    ['a card written with non-breaking spaces', '4111\u00a01111\u00a01111\u00a01111', '****1111'],
    ['two cards in one run of groups', '4111 1111 1111 1111 5555 5555 5555 4444', '****1111 ****4444'],
    ['two cards in one sentence', 'old 378282246310005, new 6011-1111-1111-1117.', 'old ****0005, new ****1117.'],
    ['a card on its own line', 'Card:\n4111111111111111\nThanks', 'Card:\n****1111\nThanks'],
  ])('masks %s', (_case, text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it.each([
    ['a number that fails the Luhn check', '4111111111111112'],
    ['a solid 20-digit order number, even with a card inside it', '41111111111111111111'],
    ['a solid 19-digit run that fails Luhn, even with a card inside it', '4111111111111111123'],
    ['a Luhn-valid number with no card brand prefix', '1234567812345670'],
    ['a Visa prefix at a length Visa never issues', '4111 1111 1111 111'],
    ['a 12-digit Maestro number (below the 13-digit floor that keeps phone numbers safe)', '501800000009'],
    ['a Slack ts', '1732700000.123456'],
    ['a Slack permalink', 'https://acme.slack.com/archives/C123/p1732700000123456'],
    ['a US phone number', '+1 415 555 0134'],
    ['a German phone number', '0049 30 1234 5678'],
    ['an ISO date', '2026-11-27'],
    ['a European date', '27.11.2026'],
    ['an IBAN', 'DE89 3704 0044 0532 0130 00'],
    ['an order number', 'order #100023'],
    ['short numbers in a sentence', 'call me at 555-1234, order #42'],
    ['text without digits', 'no numbers here - just words. ok'],
    ['an already masked card', 'card ****1111 exp 12/27'],
  ])('keeps %s as it is', (_case, text) => {
    expect(maskText(text)).toBe(text);
  });

  it('checks the Luhn digit the way card issuers do', () => {
    expect(luhnValid('1234567812345670')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('masks the four digits it leaves when a second pass would read them and the next group as a card', () => {
    // The solid card leaves 4000; "4000 000000006" is a 13-digit Visa number in its own right.
    const once = maskText('4111111111194000 000000006');
    expect(once).toBe('****0006');
    expect(maskText(once)).toBe(once);
  });

  it('masks a long text of digit groups in linear time', () => {
    const text = '4 1 '.repeat(50_000) + '4111 1111 1111 1111';
    const started = performance.now();
    expect(maskText(text).endsWith('****1111')).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('masks a card in a file title and keeps the extension', () => {
    expect(maskFileTitle('statement-4111111111111111.pdf')).toBe('statement-****1111.pdf');
  });
});

describe('sensitive field titles', () => {
  it.each([
    'Card number',
    'Card Number:',
    'card_number',
    'cardNumber',
    'Card #',
    'Card No.',
    'Credit card number',
    'PAN',
    'CVV',
    'CVC',
    'CVV2',
    'Security code',
    'Card security code',
    'Expiry',
    'Expiry date',
    'Expiration date',
    'Exp',
    'Exp. date',
    'Valid thru',
    'Expiry (MM/YY)',
    'CVV / Expiry',
  ])('"%s" names card data', (title) => {
    expect(isSensitiveFieldTitle(title)).toBe(true);
  });

  it.each(['Expiry of contract', 'Contract expiry', 'Subscription expiration date', 'Amount', 'Order number', 'Panel', 'Expected delivery', 'Card holder', 'Card', 'Security', 'Export'])(
    '"%s" does not',
    (title) => {
      expect(isSensitiveFieldTitle(title)).toBe(false);
    },
  );
});

describe('message masking', () => {
  it('masks card fields whatever they hold, and cards in attachment text, pretext, fallback and title', () => {
    const content = create(MessageContentSchema, {
      text: 'Payment 4111-1111-1111-1111',
      attachmentsJson: JSON.stringify([
        {
          fallback: 'paid with 4111111111111111',
          pretext: 'card 5555 5555 5555 4444',
          title: 'Receipt for 378282246310005',
          text: 'charged 6011111111111117 for order #100023',
          fields: [
            { title: 'Card Number', value: '4111 11** **** 1111' },
            { title: 'CVV', value: '123' },
            { title: 'Expiry', value: 1227 },
            { title: 'Reference', value: 'ref-4111111111111111' },
            { title: 'Expiry of contract', value: '2027-01-31' },
            { title: 'Amount', value: '12.00' },
          ],
        },
      ]),
    });
    const masked = maskContent(content);
    expect(masked.text).toBe('Payment ****1111');
    expect(JSON.parse(masked.attachmentsJson)).toEqual([
      {
        fallback: 'paid with ****1111',
        pretext: 'card ****4444',
        title: 'Receipt for ****0005',
        text: 'charged ****1117 for order #100023',
        fields: [
          { title: 'Card Number', value: '****' },
          { title: 'CVV', value: '****' },
          { title: 'Expiry', value: '****' },
          { title: 'Reference', value: 'ref-****1111' },
          { title: 'Expiry of contract', value: '2027-01-31' },
          { title: 'Amount', value: '12.00' },
        ],
      },
    ]);
  });

  it('masks cards in Block Kit text objects, section fields and context elements', () => {
    const content = create(MessageContentSchema, {
      blocksJson: JSON.stringify([
        { type: 'section', text: { type: 'mrkdwn', text: 'card 4111111111111111' }, fields: [{ type: 'plain_text', text: '5555 5555 5555 4444' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Amex 3782 822463 10005' }] },
        { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: '6011-1111-1111-1117' }] }] },
      ]),
    });
    expect(JSON.parse(maskContent(content).blocksJson)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'card ****1111' }, fields: [{ type: 'plain_text', text: '****4444' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Amex ****0005' }] },
      { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: '****1117' }] }] },
    ]);
  });

  it('leaves a message without cards as it was', () => {
    const content = create(MessageContentSchema, {
      text: 'order #100023 ships 2026-11-27',
      blocksJson: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }]),
      attachmentsJson: '',
    });
    expect(maskContent(content)).toEqual(content);
  });
});
