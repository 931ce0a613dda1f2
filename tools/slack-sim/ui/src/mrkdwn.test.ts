import { formatSlackDate } from './dates.js';
import { parseInline, parseMrkdwn } from './mrkdwn.js';

describe('mrkdwn parsing', () => {
  it('reads bold, italic, strike and code, nested styles included', () => {
    expect(parseInline('*bold _and italic_* ~gone~ `x * y`')).toEqual([
      { kind: 'bold', children: [{ kind: 'text', text: 'bold ' }, { kind: 'italic', children: [{ kind: 'text', text: 'and italic' }] }] },
      { kind: 'text', text: ' ' },
      { kind: 'strike', children: [{ kind: 'text', text: 'gone' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'x * y' },
    ]);
  });

  it('leaves markers inside words and unmatched ones as written', () => {
    expect(parseInline('snake_case_name 2*3*4 a * b')).toEqual([{ kind: 'text', text: 'snake_case_name 2*3*4 a * b' }]);
  });

  it('turns angle-bracket tokens into links, mentions and dates, and plain entities into characters', () => {
    expect(parseInline('<https://example.com/a?b=1&amp;c=2|the docs> <@U123> <#C9|help> <!here> &lt;b&gt; &amp;')).toEqual([
      { kind: 'link', url: 'https://example.com/a?b=1&c=2', label: 'the docs' },
      { kind: 'text', text: ' ' },
      { kind: 'user', id: 'U123' },
      { kind: 'text', text: ' ' },
      { kind: 'channel', id: 'C9', label: 'help' },
      { kind: 'text', text: ' ' },
      { kind: 'broadcast', name: 'here' },
      { kind: 'text', text: ' <b> &' },
    ]);
    expect(parseInline('<!date^1732700000^{date_short} {time}^https://example.com|Nov 27>')).toEqual([
      { kind: 'date', epoch: 1732700000, format: '{date_short} {time}', link: 'https://example.com', fallback: 'Nov 27' },
    ]);
  });

  it("reads command-core's bold history header as a date token inside bold brackets", () => {
    expect(parseInline('*[<!date^1732700000^{date_short} {time}|Nov 27 09:33 AM UTC>]*')).toEqual([
      { kind: 'bold', children: [
        { kind: 'text', text: '[' },
        { kind: 'date', epoch: 1732700000, format: '{date_short} {time}', fallback: 'Nov 27 09:33 AM UTC' },
        { kind: 'text', text: ']' },
      ] },
    ]);
  });

  it('draws known emoji codes and keeps unknown ones as text', () => {
    expect(parseInline(':white_check_mark: :no_such_emoji:')).toEqual([
      { kind: 'emoji', name: 'white_check_mark', character: '✅' },
      { kind: 'text', text: ' :no_such_emoji:' },
    ]);
  });

  it('splits quotes and preformatted blocks from paragraphs, formatting nothing inside a code block', () => {
    expect(parseMrkdwn('intro\n&gt; quoted *line*\n```\n*not bold* <@U1>\n```\nafter')).toEqual([
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'intro' }] },
      { kind: 'quote', inlines: [{ kind: 'text', text: 'quoted ' }, { kind: 'bold', children: [{ kind: 'text', text: 'line' }] }] },
      { kind: 'preformatted', text: '*not bold* <@U1>\n' },
      { kind: 'paragraph', inlines: [{ kind: 'text', text: 'after' }] },
    ]);
  });

  it('keeps text that looks like HTML as text', () => {
    expect(parseMrkdwn('&lt;img src=x onerror=alert(1)&gt;')).toEqual([
      { kind: 'paragraph', inlines: [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }] },
    ]);
  });
});

describe('date tokens', () => {
  // Jest runs in the machine's zone; these moments read the same in any zone within a few hours of UTC.
  const noonUtc = Date.UTC(2024, 10, 27, 12, 0, 0) / 1000;

  it('fills Slack date formats and leaves unknown tokens as written', () => {
    const now = new Date(Date.UTC(2026, 0, 1, 12));
    expect(formatSlackDate(noonUtc, '{date_num}', now)).toBe('2024-11-27');
    expect(formatSlackDate(noonUtc, '{date_long}', now)).toBe('Wednesday, November 27th, 2024');
    expect(formatSlackDate(noonUtc, '{date_long_full}', now)).toBe('November 27, 2024');
    expect(formatSlackDate(noonUtc, '{date_short}', now)).toBe('Nov 27, 2024');
    expect(formatSlackDate(noonUtc, '{date} at {nonsense}', now)).toBe('November 27th, 2024 at {nonsense}');
  });

  it('says today, yesterday or tomorrow in the pretty formats', () => {
    const now = new Date(noonUtc * 1000 + 24 * 3600 * 1000);
    expect(formatSlackDate(noonUtc, '{date_short_pretty}', now)).toBe('Yesterday');
    expect(formatSlackDate(noonUtc, '{ago}', new Date(noonUtc * 1000 + 3 * 60 * 1000))).toBe('3 minutes ago');
  });
});
