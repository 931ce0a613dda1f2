/** The verbs an agent can type, as `help` and every refusal list them. */
export function helpText(slashCommand: string): string {
  return [
    `*${slashCommand}* verbs:`,
    `• \`${slashCommand} open <name>\`: open (or reopen) the engagement channel for a customer`,
    `• \`${slashCommand} close [name]\`: unpause the bot and archive the channel`,
    `• \`${slashCommand} pause [name]\`: pause the bot so you can talk to the customer`,
    `• \`${slashCommand} unpause [name]\`: let the bot answer again`,
    `• \`${slashCommand} claim [name]\`: say you handle this customer (shown on the channel's card)`,
    `• \`${slashCommand} clear-context [name]\`: make the bot forget the conversation so far`,
    `• \`${slashCommand} do <text>\`: have the bot say or do <text> for this channel's customer`,
    `• \`${slashCommand} stats\`: engagements and response times of the last 7 days, per agent`,
    `• \`${slashCommand} help\`: this list`,
    'A name may have several words (`Rita Hanson`). Without a name, a verb acts on the customer of the engagement channel you run it in.',
  ].join('\n');
}
