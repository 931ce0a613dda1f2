import { randomBytes } from 'node:crypto';
import type { SimContext } from '../context.js';
import { MAX_RETRIES } from '../delivery.js';
import { deliverEvent, newEventId } from '../events.js';
import type { Params } from '../http-util.js';
import { appendMessage, botMessageFields, changeMessage } from '../messaging.js';
import type { AppRecord, ConversationRecord, UserRecord } from '../state.js';
import type { SimDelivery, SimMessage } from '../types.js';
import { ControlError, app, conversation, optStr, str, teamUser, workspace } from './input.js';

function triggerId(): string {
  return `${randomBytes(5).readUIntBE(0, 5)}.${randomBytes(5).readUIntBE(0, 5)}.${randomBytes(16).toString('hex')}`;
}

function parseBody(delivery: SimDelivery): unknown {
  const text = delivery.responseBody;
  if (!text) return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A conversation the user can act in: a member, or any public channel of their workspace. */
function actingIn(ctx: SimContext, body: Params): { conv: ConversationRecord; user: UserRecord; teamId: string } {
  const teamId = str(body, 'teamId');
  const user = teamUser(ctx, teamId, str(body, 'userId'));
  const conv = conversation(ctx, str(body, 'channel'), teamId);
  if (!conv.members.has(user.id) && (conv.is_private || conv.is_im)) {
    throw new ControlError(400, `user ${user.id} cannot see ${conv.id}`);
  }
  return { conv, user, teamId };
}

function channelName(conv: ConversationRecord): string {
  return conv.is_im ? 'directmessage' : conv.name ?? conv.id;
}

function responseContent(reply: unknown): { text: string; blocks?: unknown[]; attachments?: unknown[];
  inChannel: boolean } | undefined {
  if (typeof reply === 'string') return reply ? { text: reply, inChannel: false } : undefined;
  if (typeof reply !== 'object' || reply === null) return undefined;
  const r = reply as Params;
  const text = typeof r.text === 'string' ? r.text : '';
  const blocks = Array.isArray(r.blocks) ? r.blocks : undefined;
  const attachments = Array.isArray(r.attachments) ? r.attachments : undefined;
  if (!text && !blocks && !attachments) return undefined;
  return { text, ...(blocks ? { blocks } : {}), ...(attachments ? { attachments } : {}),
    inChannel: r.response_type === 'in_channel' };
}

export async function runSlashCommand(ctx: SimContext, body: Params): Promise<unknown> {
  const { conv, user, teamId } = actingIn(ctx, body);
  const command = str(body, 'command');
  const text = optStr(body, 'text') ?? '';
  const appId = optStr(body, 'appId');
  const candidates = [...ctx.state.apps.values()].filter((a) => a.teamId === teamId && (!appId || a.appId === appId));
  const target = candidates.find((a) => a.slashCommands.some((c) => c.command === command));
  const route = target?.slashCommands.find((c) => c.command === command);
  if (!target || !route) throw new ControlError(404, `no app in ${teamId} handles ${command}`);
  if (!route.url && !target.socketMode) throw new ControlError(400, `${command} has no url and ${target.appId} is not in Socket Mode`);
  const ws = workspace(ctx, teamId);
  const responseUrl = ctx.state.addResponseUrl(ctx.baseUrl, { teamId, channel: conv.id, userId: user.id,
    appId: target.appId });
  const trigger = triggerId();
  const form = {
    token: target.verificationToken, team_id: teamId, team_domain: ws.domain, channel_id: conv.id,
    channel_name: channelName(conv), user_id: user.id, user_name: user.name, command, text, api_app_id: target.appId,
    is_enterprise_install: 'false', response_url: responseUrl.url, trigger_id: trigger,
  };
  const delivery = await ctx.deliverer.send({ kind: 'slash', app: target, url: route.url,
    rawBody: new URLSearchParams(form).toString(), contentType: 'application/x-www-form-urlencoded', body: form,
    acceptsResponsePayload: true });
  const reply = parseBody(delivery);
  const content = delivery.status === 200 ? responseContent(reply) : undefined;
  if (content) {
    const { inChannel, ...message } = content;
    if (inChannel) {
      await appendMessage(ctx, conv, { type: 'message', ...botMessageFields(ctx, target, {}), ...message,
        ts: ctx.state.nextTs(conv), team: teamId });
    } else {
      const ts = ctx.state.looseTs();
      ctx.state.addEphemeral({ channel: conv.id, user: user.id, ...message, ts, appId: target.appId, source: 'slash_ack' });
      // Slack lets the command's response_url replace (or delete) that answer: replace_original.
      responseUrl.ephemeralTs = ts;
    }
  }
  return { status: delivery.status, body: reply, ackMs: delivery.ackMs, responseUrl: responseUrl.url, triggerId: trigger };
}

type Interaction = 'button' | 'select';

function interactiveApp(ctx: SimContext, teamId: string, body: Params, original: SimMessage | undefined): AppRecord {
  const appId = optStr(body, 'appId') ?? original?.app_id;
  if (appId) {
    const record = app(ctx, appId);
    if (record.teamId !== teamId) throw new ControlError(400, `app ${appId} is not installed in ${teamId}`);
    return record;
  }
  const withUrl = [...ctx.state.apps.values()].filter((a) => a.teamId === teamId && (a.interactivityUrl || a.socketMode));
  const [only] = withUrl;
  if (withUrl.length !== 1 || !only) {
    throw new ControlError(400, `pass appId or messageTs: ${withUrl.length} apps in ${teamId} take interactions`);
  }
  return only;
}

function legacyPayload(p: { kind: Interaction; body: Params; value: string; callbackId: string }): Params {
  const name = optStr(p.body, 'name') ?? optStr(p.body, 'actionId') ?? p.callbackId;
  const action = p.kind === 'button'
    ? { name, type: 'button', value: p.value }
    : { name, type: 'select', selected_options: [{ value: p.value }] };
  return { type: 'interactive_message', actions: [action], callback_id: p.callbackId, attachment_id: '1',
    is_app_unfurl: false };
}

/** `name` is the label the person saw (the button's or the chosen option's text), `blockId` the block it sat in. */
function blockPayload(p: { kind: Interaction; body: Params; value: string; actionId: string; actionTs: string }):
Params {
  const label = optStr(p.body, 'name') ?? p.value;
  const blockId = optStr(p.body, 'blockId') ?? 'actions';
  const action = p.kind === 'button'
    ? { type: 'button', action_id: p.actionId, block_id: blockId, text: { type: 'plain_text', text: label, emoji: true },
        ...(p.value ? { value: p.value } : {}), action_ts: p.actionTs }
    : { type: 'static_select', action_id: p.actionId, block_id: blockId,
        selected_option: { text: { type: 'plain_text', text: label, emoji: true }, value: p.value },
        placeholder: { type: 'plain_text', text: 'Select', emoji: true }, action_ts: p.actionTs };
  return { type: 'block_actions', actions: [action], state: { values: {} } };
}

async function interact(ctx: SimContext, body: Params, kind: Interaction): Promise<unknown> {
  const { conv, user, teamId } = actingIn(ctx, body);
  const style = str(body, 'style');
  if (style !== 'legacy' && style !== 'block') throw new ControlError(400, `style must be "legacy" or "block"`);
  // A Block Kit button may carry no value (Slack then sends none); a choice always has one.
  const value = kind === 'button' ? optStr(body, 'value') ?? '' : str(body, 'value');
  const messageTs = optStr(body, 'messageTs');
  const original = messageTs ? ctx.state.findMessage(conv, messageTs) : undefined;
  const ephemeral = messageTs && !original ? ctx.state.ephemerals.find((e) => e.ts === messageTs && e.channel === conv.id) : undefined;
  if (messageTs && !original && !ephemeral) throw new ControlError(404, `no message ${messageTs} in ${conv.id}`);
  const target = interactiveApp(ctx, teamId, body, original);
  if (!target.interactivityUrl && !target.socketMode) {
    throw new ControlError(400, `app ${target.appId} has no interactivityUrl and is not in Socket Mode`);
  }
  const ws = workspace(ctx, teamId);
  const responseUrl = ctx.state.addResponseUrl(ctx.baseUrl, { teamId, channel: conv.id, userId: user.id,
    appId: target.appId, ...(original ? { messageTs: original.ts } : {}),
    ...(ephemeral ? { ephemeralTs: ephemeral.ts } : {}) });
  const actionTs = ctx.state.looseTs();
  const common = { team: { id: teamId, domain: ws.domain }, channel: { id: conv.id, name: channelName(conv) },
    token: target.verificationToken, response_url: responseUrl.url, trigger_id: triggerId(), is_enterprise_install: false,
    enterprise: null, api_app_id: target.appId };
  let payload: Params;
  if (style === 'legacy') {
    const callbackId = str(body, 'callbackId');
    payload = { ...legacyPayload({ kind, body, value, callbackId }), ...common,
      user: { id: user.id, name: user.name }, action_ts: actionTs, message_ts: messageTs ?? actionTs,
      ...(original ? { original_message: original } : {}) };
  } else {
    const actionId = str(body, 'actionId');
    payload = { ...blockPayload({ kind, body, value, actionId, actionTs }), ...common,
      user: { id: user.id, username: user.name, name: user.name, team_id: teamId },
      container: { type: 'message', message_ts: messageTs ?? actionTs, channel_id: conv.id, is_ephemeral: !original },
      ...(original ? { message: original } : {}) };
  }
  const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  // Only a legacy interactive message's answer is used (it replaces the message), so only it accepts a payload.
  const delivery = await ctx.deliverer.send({ kind: 'interactive', app: target, url: target.interactivityUrl, rawBody,
    contentType: 'application/x-www-form-urlencoded', body: payload, acceptsResponsePayload: style === 'legacy' });
  const reply = parseBody(delivery);
  // A legacy interactive message's synchronous answer replaces the original message.
  const content = style === 'legacy' && delivery.status === 200 ? responseContent(reply) : undefined;
  if (content && original) {
    const { inChannel: _inChannel, ...change } = content;
    await changeMessage(ctx, conv, original.ts, user.id, change);
  }
  return { status: delivery.status, body: reply, ackMs: delivery.ackMs, responseUrl: responseUrl.url };
}

export function clickButton(ctx: SimContext, body: Params): Promise<unknown> {
  return interact(ctx, body, 'button');
}

export function chooseOption(ctx: SimContext, body: Params): Promise<unknown> {
  return interact(ctx, body, 'select');
}

export async function sendUrlVerification(ctx: SimContext, body: Params): Promise<unknown> {
  const target = app(ctx, str(body, 'appId'));
  // Socket Mode needs no Request URL, so Slack never verifies one.
  if (target.socketMode) throw new ControlError(400, `app ${target.appId} is in Socket Mode: there is no URL to verify`);
  if (!target.eventsUrl) throw new ControlError(400, `app ${target.appId} has no eventsUrl`);
  const payload = { token: target.verificationToken, challenge: randomBytes(24).toString('base64url'),
    type: 'url_verification' };
  const delivery = await ctx.deliverer.send({ kind: 'event', app: target, url: target.eventsUrl,
    rawBody: JSON.stringify(payload), contentType: 'application/json', body: payload });
  return { status: delivery.status, body: parseBody(delivery), challenge: payload.challenge };
}

export async function sendRawEvent(ctx: SimContext, body: Params): Promise<unknown> {
  const target = app(ctx, str(body, 'appId'));
  const event = body.event;
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new ControlError(400, 'event must be a JSON object');
  }
  if (!target.eventsUrl && !target.socketMode) {
    throw new ControlError(400, `app ${target.appId} has no eventsUrl and is not in Socket Mode`);
  }
  const eventId = optStr(body, 'eventId') ?? newEventId();
  const retryNum = body.retryNum ?? 0;
  if (typeof retryNum !== 'number' || !Number.isInteger(retryNum) || retryNum < 0 || retryNum > MAX_RETRIES) {
    throw new ControlError(400, `retryNum must be an integer from 0 to ${MAX_RETRIES}`);
  }
  await deliverEvent(ctx, target, event as Record<string, unknown>, eventId, retryNum);
  return { eventId };
}
