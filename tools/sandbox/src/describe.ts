import type { Sandbox } from './sandbox.js';
import { adminEnvironment } from './sandbox-file.js';

export interface DescribeOptions {
  quiet: boolean;
  organizationId: string;
  /** Where dev.ts wrote the state (JSON) and the admin variables (shell). */
  stateFile: string;
  envFile: string;
}

/** What `npm run dev` prints: the UI first, then where everything is and what to try. */
export function describeSandbox(sandbox: Sandbox, options: DescribeOptions): string {
  const { seed, urls } = sandbox;
  const customers = [seed.globex, seed.initech]
    .map((customer) => `    ${customer.workspace.name} (${customer.workspace.id}): ${customer.customers.map((c) => `${c.name} ${c.id}`).join(', ')}`)
    .join('\n');
  const admin = adminEnvironment(sandbox);
  return `
  Open ${urls.ui}  to see the Slack workspaces and take over a conversation.

Megatron sandbox is running.

  Slack simulator UI   ${urls.ui}
  Slack simulator      ${urls.sim}   (Web API ${sandbox.sim.apiUrl}, control API ${urls.sim}/_sim/)
  interpreter-slack    ${urls.interpreter}/megatron/slack/{slash-command,interactive-message,event}/
  integrating-app API  ${urls.api}   (REST /megatron/..., Connect JSON /megatron.v1.MegatronService/...)
  command-core gRPC    ${urls.commandCoreGrpc}   (MegatronService, MegatronAdminService)
  example support bot  ${urls.bot}
  API token            ${sandbox.secrets.apiToken}
  organization         ${options.organizationId}

  Integration workspace "${seed.integration.workspace.name}" (${seed.integration.workspace.id}): agents alice ${seed.integration.alice.id}, bob ${seed.integration.bob.id}
  Help requests go to #megatron-help (${sandbox.notificationChannelId})
  Customer workspaces:
${customers}

Take over a conversation in the UI:
  1. Pick "Globex", act as Phil Connors, open "Support Bot" under Apps and write "I need a human".
  2. Pick "Acme Support", click "Open engagement channel" on the help request in #megatron-help.
  3. Open #mt-phil_globex, press "Side by side", type "/megatron pause", then write to Phil.
  Or let it play:  npm run demo   (in a second terminal; watch it in the UI)

megatron-admin against this sandbox (every command in services/command-core/README.md works):
  source ${options.envFile}      # or:
${Object.entries(admin).map(([name, value]) => `  export ${name}='${value}'`).join('\n')}
  alias megatron-admin='node services/command-core/dist/admin/megatron-admin.js'
  megatron-admin org list
  Everything above is also in ${options.stateFile}.

See the raw state:  curl -s ${urls.sim}/_sim/state   (tools/slack-sim/README.md lists the control API)
${options.quiet ? '\nService logs show warnings only; set LOG_LEVEL=info for more.\n' : ''}Press Ctrl-C to stop everything this started.
`;
}
