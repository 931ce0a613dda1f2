import type { Sandbox } from './sandbox.js';

/** What `npm run dev` prints: where things are and what to try. */
export function describeSandbox(sandbox: Sandbox, options: { quiet: boolean }): string {
  const { seed, urls } = sandbox;
  const customers = [seed.globex, seed.initech]
    .map((customer) => `    ${customer.workspace.name} (${customer.workspace.id}): ${customer.customers.map((c) => `${c.name} ${c.id}`).join(', ')}`)
    .join('\n');
  return `
Megatron sandbox is running.

  Slack simulator      ${urls.sim}   (Web API ${sandbox.sim.apiUrl}, control API ${urls.sim}/_sim/)
  interpreter-slack    ${urls.interpreter}/megatron/slack/{slash-command,interactive-message,event}/
  integrating-app API  ${urls.api}   (REST /megatron/..., Connect JSON /megatron.v1.MegatronService/...)
  example support bot  ${urls.bot}
  API token            ${sandbox.secrets.apiToken}

  Integration workspace "${seed.integration.workspace.name}" (${seed.integration.workspace.id}): agents alice ${seed.integration.alice.id}, bob ${seed.integration.bob.id}
  Help requests go to #megatron-help (${sandbox.notificationChannelId})
  Customer workspaces:
${customers}

What to try:
  npm run demo                        plays the whole takeover story against this sandbox, narrated
  a customer writes to the bot (Phil in Globex):
    curl -s -X POST -H 'content-type: application/json' ${urls.sim}/_sim/actions/direct-message \\
         -d '{"teamId":"${seed.globex.workspace.id}","userId":"${seed.globex.customers.find((c) => c.name === 'phil')?.id ?? ''}","appId":"${seed.globex.supportBot.appId}","text":"I need a human"}'
  an agent runs a slash command (alice: /megatron open phil):
    curl -s -X POST -H 'content-type: application/json' ${urls.sim}/_sim/actions/slash-command \\
         -d '{"teamId":"${seed.integration.workspace.id}","userId":"${seed.integration.alice.id}","channel":"${sandbox.notificationChannelId}","command":"/megatron","text":"open phil"}'
  see everything:   curl -s ${urls.sim}/_sim/state   (tools/slack-sim/README.md lists the control API)
  curl -s -H "authorization: Bearer ${sandbox.secrets.apiToken}" -H 'content-type: application/json' -d '{}' \\
       ${urls.api}/megatron.v1.MegatronService/ListEngagements
${options.quiet ? '\nService logs show warnings only; set LOG_LEVEL=info for more.\n' : ''}Press Ctrl-C to stop everything this started.
`;
}
