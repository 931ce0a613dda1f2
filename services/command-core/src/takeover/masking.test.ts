import { create } from '@bufbuild/protobuf';
import { MessageContentSchema } from '@megatron/contracts';
import { luhnValid, maskCardNumbers, maskContent } from './masking.js';

describe('card number masking', () => {
  it('masks a Luhn-valid 16-digit number', () => {
    expect(maskCardNumbers('my card is 4111111111111111 ok')).toBe('my card is **** ok');
  });

  it('keeps a 16-digit number that fails the Luhn check', () => {
    expect(maskCardNumbers('order 4111111111111112')).toBe('order 4111111111111112');
  });

  it('masks numbers written with spaces or dashes', () => {
    expect(maskCardNumbers('4111 1111 1111 1111 and 5500-0000-0000-0004')).toBe('**** and ****');
  });

  it('masks 13- and 19-digit cards and keeps 12- and 20-digit runs', () => {
    expect(maskCardNumbers('4222222222222')).toBe('****');
    expect(maskCardNumbers('6011000000000000001')).toBe('****');
    expect(luhnValid('000000000000')).toBe(true);
    expect(maskCardNumbers('000000000000')).toBe('000000000000');
    expect(maskCardNumbers('00000000000000000000')).toBe('00000000000000000000');
  });

  it('leaves ordinary text and short numbers alone', () => {
    expect(maskCardNumbers('call me at 555-1234, order #42')).toBe('call me at 555-1234, order #42');
  });
});

describe('message masking', () => {
  it('masks attachment fields titled like card number or CVV, and card numbers inside blocks', () => {
    const content = create(MessageContentSchema, {
      text: 'Payment 4111-1111-1111-1111',
      attachmentsJson: JSON.stringify([
        {
          fields: [
            { title: 'Card Number', value: '4111 11** **** 1111' },
            { title: 'CVV', value: '123' },
            { title: 'Amount', value: '12.00' },
          ],
        },
      ]),
      blocksJson: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: 'card 4111111111111111' } }]),
    });
    const masked = maskContent(content);
    expect(masked.text).toBe('Payment ****');
    expect(JSON.parse(masked.attachmentsJson)).toEqual([
      {
        fields: [
          { title: 'Card Number', value: '****' },
          { title: 'CVV', value: '****' },
          { title: 'Amount', value: '12.00' },
        ],
      },
    ]);
    expect(JSON.parse(masked.blocksJson)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'card ****' } }]);
  });
});
