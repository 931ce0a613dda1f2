import { create } from '@bufbuild/protobuf';
import { CommandOrigin, RequestContextSchema, ResponseType, type Command, type MessageContent, type RequestContext } from '@megatron/contracts';
import { once, type Actor, type TakeoverContext } from './context.js';
import { withToken } from './slack-gateway.js';

/**
 * Answers the agent, once per Command: through the response_url when Slack gave one — for a slash command
 * replacing the "On it: …" acknowledgement, so the agent ends with one message — else as an ephemeral in the channel.
 */
export async function reply(ctx: TakeoverContext, actor: Actor | undefined, command: Command, content: MessageContent): Promise<void> {
  const context = command.context ?? create(RequestContextSchema, {});
  const replaceOriginal = command.origin === CommandOrigin.SLASH_COMMAND;
  const send = async () => {
    if (context.responseUrl) {
      await ctx.slack.respondToUrl({ responseUrl: context.responseUrl, content, responseType: ResponseType.EPHEMERAL, replaceOriginal });
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
