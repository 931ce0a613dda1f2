import { mentionsIn, neutraliseForAgents, renderForCustomer, type MentionNames } from './mentions.js';

describe('mentions in a text', () => {
  it.each([
    ['no mentions', 'hello there', [], []],
    ['a user', 'hi <@U123>', ['U123'], []],
    ['a user with a label', 'hi <@U123|alice>', ['U123'], []],
    ['an Enterprise Grid user', 'hi <@W0ABC9>', ['W0ABC9'], []],
    ['a channel', 'see <#C123>', [], ['C123']],
    ['a channel with a label', 'see <#C123|general>', [], ['C123']],
    ['a private channel', 'see <#G0PRIV|secret>', [], ['G0PRIV']],
    ['the same user twice, once', '<@U1> and <@U1|al>', ['U1'], []],
    ['users and channels in order of appearance', '<@U2> in <#C9>, <@U1> in <#C8>', ['U2', 'U1'], ['C9', 'C8']],
    ['no ids in special mentions', '<!here> <!channel> <!everyone> <!subteam^S123|@team>', [], []],
    ['a mention inside a link label but no id from its URL', '<https://example.com/@U123|<@U9>> <mailto:a@b.c>', ['U9'], []],
    ['no ids in dates', '<!date^1392734382^{date_short}|Feb 18, 2014>', [], []],
    ['nothing in escaped text', '&lt;@U123&gt;', [], []],
    ['nothing in a malformed id', '<@u123> <#general>', [], []],
    ['a mention next to another', '<@U1><#C1>', ['U1'], ['C1']],
  ])('finds %s', (_case, text, users, channels) => {
    expect(mentionsIn(text)).toEqual({ users, channels });
  });
});

describe('rendering an agent text for the customer', () => {
  const names: MentionNames = {
    users: new Map([
      ['U1', 'Alice Smith'],
      ['W2', 'Bob'],
      ['U6', '<!channel> & co'],
    ]),
    channels: new Map([['C1', 'general']]),
  };

  it.each([
    ['leaves a text without mentions as it is', 'Your order ships today.', 'Your order ships today.'],
    ['names a known user', 'I asked <@U1> to check', 'I asked @Alice Smith to check'],
    ['names a known Enterprise Grid user', 'cc <@W2>', 'cc @Bob'],
    ['prefers the name it knows over the label', 'cc <@U1|alice>', 'cc @Alice Smith'],
    ['uses the label for an unknown user', 'cc <@U9|carol>', 'cc @carol'],
    ['says someone for an unknown user without a label', 'cc <@U9>', 'cc @someone'],
    ['names a known channel', 'see <#C1>', 'see #general'],
    ['uses the label for an unknown channel', 'see <#C9|billing>', 'see #billing'],
    ['says a channel for an unknown channel without a label', 'see <#C9>', 'see #a channel'],
    ['writes @here as plain text', '<!here> look', '@here look'],
    ['writes @channel and @everyone as plain text, labels or not', '<!channel|channel> <!everyone> <!everyone|@everyone>', '@channel @everyone @everyone'],
    ['writes a user group as its label', 'ask <!subteam^S123|@billing-team>', 'ask @billing-team'],
    ['writes a user group without a label as a group', 'ask <!subteam^S123>', 'ask @a group'],
    ['keeps links working', 'read <https://example.com/help|the guide> or <mailto:help@acme.com|mail us>', 'read <https://example.com/help|the guide> or <mailto:help@acme.com|mail us>'],
    ['keeps date tokens working', 'due <!date^1392734382^{date_short}|Feb 18, 2014>', 'due <!date^1392734382^{date_short}|Feb 18, 2014>'],
    ['neutralises @channel inside a link label and keeps the link', '<https://example.com|<!channel> notes>', '<https://example.com|@channel notes>'],
    ['escapes a name that looks like markup', 'cc <@U6>', 'cc @&lt;!channel&gt; &amp; co'],
    [
      'renders mixed content',
      '<@U1> and <@U9|dan> in <#C1>: <!here> see <https://x.example|docs>',
      '@Alice Smith and @dan in #general: @here see <https://x.example|docs>',
    ],
  ])('%s', (_case, text, rendered) => {
    expect(renderForCustomer(text, names)).toBe(rendered);
  });
});

describe("neutralising a customer's text for the agents", () => {
  it.each([
    ['leaves a text without mentions as it is', 'My order never arrived', 'My order never arrived'],
    ['writes @here as plain text', '<!here> anyone?', '@here anyone?'],
    ['writes @channel as plain text', 'hey <!channel>', 'hey @channel'],
    ['writes @everyone as plain text', '<!everyone|everyone> hello', '@everyone hello'],
    ['writes the old @group as plain text', '<!group> hi', '@group hi'],
    ['writes a user group as its label', '<!subteam^S1|@admins> help', '@admins help'],
    ['writes a user group without a label as a group', '<!subteam^S1> help', '@a group help'],
    ['writes any other special command as plain text', '<!somethingnew^X|@new>', '@new'],
    ['uses the label Slack gave for a user', 'ask <@U123|bob>', 'ask @bob'],
    ['says someone for a user without a label, whose id means nothing here', 'ask <@U123>', 'ask @someone'],
    ['does the same for an Enterprise Grid user', 'ask <@W123>', 'ask @someone'],
    ['uses the label for a channel of their workspace', 'in <#C1|random>', 'in #random'],
    ['says a channel for a channel without a label', 'in <#C1>', 'in #a channel'],
    ['keeps links', 'see <https://shop.example/o/1|my order> <mailto:me@example.com>', 'see <https://shop.example/o/1|my order> <mailto:me@example.com>'],
    ['keeps date tokens', '<!date^1392734382^{date}|Feb 18>', '<!date^1392734382^{date}|Feb 18>'],
    ['neutralises @channel inside a link label and keeps the link', '<https://example.com|<!channel>>', '<https://example.com|@channel>'],
    ['keeps escaped text that only looks like a mention', '&lt;!here&gt; is how you ping', '&lt;!here&gt; is how you ping'],
    ['neutralises mixed content', '<!here> <@U1|ann> told me <#C1> at <https://a.example>', '@here @ann told me #a channel at <https://a.example>'],
  ])('%s', (_case, text, neutral) => {
    expect(neutraliseForAgents(text)).toBe(neutral);
  });
});
