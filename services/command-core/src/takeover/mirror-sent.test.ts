import { create } from '@bufbuild/protobuf';
import { MessageContentSchema } from '@megatron/contracts';
import { markedAs } from './mirror-sent.js';

describe('a message the app sent, as the agents see it', () => {
  it('leads a text broadcast with a broadcast label that says whether feedback was asked', () => {
    const content = create(MessageContentSchema, { text: 'We are down tonight' });
    expect(markedAs(content, { kind: 'broadcast', captureFeedback: false }).text).toBe(':mega: *Broadcast sent to the customer:*\nWe are down tonight');
    expect(markedAs(content, { kind: 'broadcast', captureFeedback: true }).text).toBe(
      ':mega: *Broadcast sent to the customer, with 👍/👎 feedback buttons:*\nWe are down tonight',
    );
  });

  it('labels a message sent through the API, even one made of attachments only', () => {
    const content = create(MessageContentSchema, { attachmentsJson: '[{"text":"Your invoice"}]' });
    expect(markedAs(content, { kind: 'api' })).toMatchObject({ text: ':outbox_tray: *Sent by the app through the API:*', attachmentsJson: '[{"text":"Your invoice"}]' });
  });

  it('puts the label first among Block Kit blocks, which Slack shows instead of the text', () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Hello' } }];
    const marked = markedAs(create(MessageContentSchema, { text: 'Hello', blocksJson: JSON.stringify(blocks) }), { kind: 'api' });
    expect(JSON.parse(marked.blocksJson)).toEqual([{ type: 'context', elements: [{ type: 'mrkdwn', text: ':outbox_tray: *Sent by the app through the API:*' }] }, ...blocks]);
  });

  it('leaves 50 blocks, the most Slack takes, as they are and labels the text', () => {
    const blocks = Array.from({ length: 50 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `line ${i}` } }));
    const marked = markedAs(create(MessageContentSchema, { text: 'Many', blocksJson: JSON.stringify(blocks) }), { kind: 'api' });
    expect(JSON.parse(marked.blocksJson)).toEqual(blocks);
    expect(marked.text).toBe(':outbox_tray: *Sent by the app through the API:*\nMany');
  });
});
