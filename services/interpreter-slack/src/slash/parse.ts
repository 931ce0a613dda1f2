import { isCustomerVerb, type CustomerVerb } from '@megatron/contracts';
import { helpText } from './help.js';

/** The verbs that take at most a customer's name; `do` takes free text instead. */
export type TargetVerb = Exclude<CustomerVerb, 'do'>;

/** What the agent typed after the slash command, decided without any data. */
export type SlashParse =
  | { kind: 'help' }
  | { kind: 'refused'; text: string }
  | { kind: 'verb'; verb: TargetVerb; name: string | undefined }
  | { kind: 'do'; text: string }
  | { kind: 'stats' };

const isTargetVerb = (word: string): word is TargetVerb => word !== 'do' && isCustomerVerb(word);

/**
 * Slack turns a typed mention into `<@U123|phil>` when escaping is on; agents also type `@phil`.
 * Both mean the name "phil" for search_user.
 */
function nameOf(argument: string): string {
  const escaped = /^<@[A-Z0-9]+\|([^>]+)>$/.exec(argument);
  return (escaped?.[1] ?? argument).replace(/^@/, '');
}

export function parseSlashText(text: string, slashCommand: string): SlashParse {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'help' };
  const [first = '', ...args] = trimmed.split(/\s+/);
  const verb = first.toLowerCase();
  if (verb === 'help') return { kind: 'help' };
  if (verb === 'do') {
    const rest = trimmed.slice(first.length).trim();
    if (rest === '') return { kind: 'refused', text: `Please say what the bot should do: \`${slashCommand} do <text>\`.` };
    return { kind: 'do', text: rest };
  }
  if (verb === 'stats') {
    if (args.length > 0) return { kind: 'refused', text: `\`${slashCommand} stats\` takes nothing after it.` };
    return { kind: 'stats' };
  }
  if (!isTargetVerb(verb)) return { kind: 'refused', text: `I don't recognize that command.\n${helpText(slashCommand)}` };
  // The rest of the text is the name, however many words it has (`open Rita Hanson`).
  const rest = args.join(' ');
  return { kind: 'verb', verb, name: rest === '' ? undefined : nameOf(rest) };
}
