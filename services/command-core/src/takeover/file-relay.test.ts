import { create } from '@bufbuild/protobuf';
import { SlackFileSchema } from '@megatron/contracts';
import { fileAttachments } from './mirror-post.js';

describe('relayed file attachments', () => {
  it('mask a card number in a file name or title, whichever side sees them', () => {
    const pdf = create(SlackFileSchema, { id: 'F1', name: 'statement-4111111111111111.pdf', title: 'Card 5555 5555 5555 4444 statement' });
    const image = create(SlackFileSchema, { id: 'F2', name: 'photo 4111-1111-1111-1111.png', title: '' });
    expect(
      fileAttachments([
        { file: pdf, url: 'https://files.example/a', mimetype: 'application/pdf' },
        { file: image, url: 'https://files.example/b', mimetype: 'image/png' },
      ]),
    ).toEqual([
      { fallback: 'statement-****1111.pdf', title: 'Card ****4444 statement', title_link: 'https://files.example/a' },
      { fallback: 'photo ****1111.png', image_url: 'https://files.example/b', title: 'photo ****1111.png' },
    ]);
  });
});
