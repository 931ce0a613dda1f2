import { thankedCopy } from './broadcast-feedback.js';

describe("a customer's broadcast copy once they answered", () => {
  it('keeps a plain-text broadcast as the section it was sent as, and shows the thanks with the answer where the buttons were', () => {
    const copy = thankedCopy({ text: 'We are down tonight', blocks_json: '', attachments_json: '' }, true);
    expect(copy.text).toBe('We are down tonight');
    expect(JSON.parse(copy.blocksJson)).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'We are down tonight' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Thanks for your feedback 👍' }] },
    ]);
  });

  it("keeps a Block Kit broadcast's blocks and attachments, with no buttons left to click", () => {
    const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'News' } }];
    const attachments = [{ fallback: 'details', text: 'Details' }];
    const copy = thankedCopy({ text: 'News', blocks_json: JSON.stringify(blocks), attachments_json: JSON.stringify(attachments) }, false);
    expect(JSON.parse(copy.blocksJson)).toEqual([...blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: 'Thanks for your feedback 👎' }] }]);
    expect(JSON.parse(copy.attachmentsJson)).toEqual(attachments);
    expect(copy.blocksJson).not.toContain('button');
  });
});
