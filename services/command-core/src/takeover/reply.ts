import { ResponseType, type MessageContent, type RequestContext } from '@megatron/contracts';
import { once, type Actor, type TakeoverContext } from './context.js';
import { withToken } from './slack-gateway.js';

/** Answers the agent: through the response_url when Slack gave one, else as an ephemeral in the channel; once per Command. */
export async function reply(ctx: TakeoverContext, actor: Actor | undefined, context: RequestContext, content: MessageContent): Promise<void> {
  const send = async () => {
    if (context.responseUrl) {
      await ctx.slack.respondToUrl({ responseUrl: context.responseUrl, content, responseType: ResponseType.EPHEMERAL });
    } else if (actor && context.channelId && context.userId) {
      await ctx.slack.postEphemeral({ channel: context.channelId, user: context.userId, content }, withToken(actor.integration.botToken));
    }
    return {};
  };
  if (actor) await once(ctx, actor, 'reply', send);
  else await send();
}

/** Replaces the message whose button was clicked (an ephemeral prompt) with what was done. */
export async function replaceReply(ctx: TakeoverContext, context: RequestContext, content: MessageContent): Promise<void> {
  if (!context.responseUrl) return;
  await ctx.slack.respondToUrl({ responseUrl: context.responseUrl, content, responseType: ResponseType.EPHEMERAL, replaceOriginal: true });
}
