import { helpText } from './help.js';
import { parseSlashText } from './parse.js';

const parse = (text: string) => parseSlashText(text, '/megatron');

describe('slash command parsing', () => {
  it('reads every verb with a name as that verb for that name', () => {
    for (const verb of ['open', 'close', 'pause', 'unpause', 'clear-context'] as const) {
      expect(parse(`${verb} phil`)).toEqual({ kind: 'verb', verb, name: 'phil' });
    }
  });

  it('reads the optional-name verbs without a name as acting on the channel customer', () => {
    for (const verb of ['close', 'pause', 'unpause', 'clear-context'] as const) {
      expect(parse(verb)).toEqual({ kind: 'verb', verb, name: undefined });
    }
  });

  it('leaves open without a name to command-core, which knows whether this is an engagement channel', () => {
    expect(parse('open')).toEqual({ kind: 'verb', verb: 'open', name: undefined });
  });

  it('ignores case in the verb, surrounding whitespace and a leading @ or an escaped mention in the name', () => {
    expect(parse('  OPEN   @phil ')).toEqual({ kind: 'verb', verb: 'open', name: 'phil' });
    expect(parse('pause <@U024BE7LH|phil>')).toEqual({ kind: 'verb', verb: 'pause', name: 'phil' });
  });

  it('keeps the whole rest of the text for do, spaces included', () => {
    expect(parse('do say  hello to  you')).toEqual({ kind: 'do', text: 'say  hello to  you' });
  });

  it('refuses do without any text', () => {
    expect(parse('do   ')).toEqual({ kind: 'refused', text: 'Please say what the bot should do: `/megatron do <text>`.' });
  });

  it('answers help for help and for an empty command', () => {
    expect(parse('help')).toEqual({ kind: 'help' });
    expect(parse('')).toEqual({ kind: 'help' });
    expect(parse('   ')).toEqual({ kind: 'help' });
  });

  it('takes the rest of the text as the name, however many words, for every verb that takes a customer', () => {
    for (const verb of ['open', 'close', 'pause', 'unpause', 'claim', 'clear-context'] as const) {
      expect(parse(`${verb} Rita  Hanson`)).toEqual({ kind: 'verb', verb, name: 'Rita Hanson' });
    }
  });

  it('reads stats, and refuses anything after it', () => {
    expect(parse('stats')).toEqual({ kind: 'stats' });
    expect(parse('stats phil')).toEqual({ kind: 'refused', text: '`/megatron stats` takes nothing after it.' });
  });

  it('refuses an unknown verb and lists the verbs', () => {
    expect(parse('explode phil')).toEqual({ kind: 'refused', text: `I don't recognize that command.\n${helpText('/megatron')}` });
  });

  it('lists every verb in the help text under the configured command name', () => {
    const text = helpText('/support');
    for (const verb of ['open', 'close', 'pause', 'unpause', 'clear-context', 'do', 'help']) expect(text).toContain(`/support ${verb}`);
  });
});
