import { create } from '@bufbuild/protobuf';
import { SlackFileSchema } from '@megatron/contracts';
import { fileAttachments, maskedFile } from './file-relay.js';

describe('files relayed as links', () => {
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

describe('a file as it leaves for the other workspace', () => {
  it('has a card number masked in its name and title, which name its re-upload and its S3 copy', () => {
    const file = create(SlackFileSchema, { id: 'F1', name: 'statement-4111111111111111.pdf', title: 'Card 5555 5555 5555 4444', mimetype: 'application/pdf', urlPrivate: 'https://files.slack.com/x' });
    expect(maskedFile(file)).toMatchObject({ id: 'F1', name: 'statement-****1111.pdf', title: 'Card ****4444', urlPrivate: 'https://files.slack.com/x' });
  });

  it('takes its title from the name when it has none, and a name from the id as a last resort', () => {
    expect(maskedFile(create(SlackFileSchema, { id: 'F2', name: 'photo 4111-1111-1111-1111.png' }))).toMatchObject({ name: 'photo ****1111.png', title: 'photo ****1111.png' });
    expect(maskedFile(create(SlackFileSchema, { id: 'F3' }))).toMatchObject({ name: 'F3', title: 'F3' });
  });
});
