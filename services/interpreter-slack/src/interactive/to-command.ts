import {
  CommandOrigin,
  HELD_MESSAGE_ACTIONS,
  HeldMessageChoice,
  isFeedbackAction,
  parseCustomerRef,
  parseFeedbackValue,
  parseVerbChoice,
  RETRY_DELIVERY_ACTION,
  type Command,
} from '@megatron/contracts';
import { newCommand, targetByUser, verbKind, type CommandKind } from '../command.js';
import { RequestError } from '../request-error.js';
import type { ChosenAction, Interaction } from './payload.js';

export type InteractionDecision = { kind: 'command'; command: Command } | { kind: 'refused'; text: string };


type Decoded = { kind: CommandKind; origin: CommandOrigin } | { refused: string };

const NO_CUSTOMER = "That button doesn't say which customer it is for, so nothing was done.";

/** Buttons carry `<team_id>:<user_id>`; the verb is the callback_id / action_id. */
function button(verb: 'open' | 'pause' | 'unpause' | 'close' | 'claim', value: string | undefined): Decoded {
  const customer = parseCustomerRef(value ?? '');
  if (!customer) return { refused: NO_CUSTOMER };
  return { kind: verbKind(verb, targetByUser(customer.teamId, customer.userId)), origin: CommandOrigin.BUTTON };
}

/** The disambiguation select: `<verb>|<team_id>:<user_id>`, and for do `|<text>` after that. */
function userSelect(value: string | undefined): Decoded {
  const choice = parseVerbChoice(value ?? '');
  if (!choice) return { refused: "That choice doesn't name a verb and a customer, so nothing was done." };
  if (choice.verb === 'do' && choice.text === '') return { refused: 'That choice carries nothing for the bot to do, so nothing was done.' };
  return { kind: verbKind(choice.verb, targetByUser(choice.teamId, choice.userId), choice.text), origin: CommandOrigin.USER_SELECT };
}

/** 👍/👎 under a broadcast, clicked by a customer: `<broadcast_id>|up` or `<broadcast_id>|down`. */
function feedback(value: string | undefined, interaction: Interaction): Decoded {
  const choice = parseFeedbackValue(value ?? '');
  if (!choice) return { refused: "That feedback button doesn't name a broadcast, so nothing was recorded." };
  return {
    kind: { case: 'feedback', value: { ...choice, customer: { teamId: interaction.teamId, userId: interaction.userId } } },
    origin: CommandOrigin.BUTTON,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Retry under an undelivered message: its value names Megatron's record of it. */
function retryDelivery(value: string | undefined): Decoded {
  if (!UUID.test(value ?? '')) return { refused: "That Retry button doesn't name a message, so nothing was sent." };
  return { kind: { case: 'retryDelivery', value: { undeliveredId: value ?? '' } }, origin: CommandOrigin.BUTTON };
}

/** An answer about a held message; the value is the held message's Command id (`event:<event id>`). */
function heldChoice(choice: HeldMessageChoice, value: string | undefined): Decoded {
  if (!/^event:[A-Za-z0-9]{1,64}$/.test(value ?? '')) return { refused: "That button doesn't name a held message, so nothing was done." };
  return { kind: { case: 'heldMessageChoice', value: { heldCommandId: value ?? '', choice } }, origin: CommandOrigin.BUTTON };
}

function decode(action: ChosenAction, interaction: Interaction): Decoded {
  if (isFeedbackAction(action.verb)) return feedback(action.value, interaction);
  if (action.verb === RETRY_DELIVERY_ACTION) return retryDelivery(action.value);
  switch (action.verb) {
    case 'open':
    case 'pause':
    case 'unpause':
    case 'close':
    case 'claim':
      return button(action.verb, action.value);
    case HELD_MESSAGE_ACTIONS.pauseAndSend:
      return heldChoice(HeldMessageChoice.PAUSE_AND_SEND, action.value);
    case HELD_MESSAGE_ACTIONS.sendAnyway:
      return heldChoice(HeldMessageChoice.SEND_ANYWAY, action.value);
    case HELD_MESSAGE_ACTIONS.discard:
      return heldChoice(HeldMessageChoice.DISCARD, action.value);
    case 'user_select':
      return userSelect(action.value);
    default:
      return { refused: `Megatron doesn't know the action \`${action.verb}\`, so nothing was done.` };
  }
}

export function interactionToCommand(interaction: Interaction, receivedAtMs: number): InteractionDecision {
  if (interaction.type !== 'interactive_message' && interaction.type !== 'block_actions') {
    return { kind: 'refused', text: `Megatron doesn't handle \`${interaction.type}\` interactions, so nothing was done.` };
  }
  if (!interaction.action) return { kind: 'refused', text: 'That interaction carried no action, so nothing was done.' };
  const missing = (['teamId', 'userId', 'triggerId'] as const).filter((field) => interaction[field] === '');
  if (missing.length > 0) throw new RequestError(400, `interaction payload is missing ${missing.join(', ')}`);
  const decoded = decode(interaction.action, interaction);
  if ('refused' in decoded) return { kind: 'refused', text: decoded.refused };
  const command = newCommand({
    id: `action:${interaction.triggerId}`,
    receivedAtMs,
    origin: decoded.origin,
    context: {
      teamId: interaction.teamId,
      teamDomain: interaction.teamDomain,
      enterpriseId: interaction.enterpriseId,
      apiAppId: interaction.apiAppId,
      channelId: interaction.channelId,
      channelName: interaction.channelName,
      userId: interaction.userId,
      userName: interaction.userName,
      responseUrl: interaction.responseUrl,
      triggerId: interaction.triggerId,
    },
    kind: decoded.kind,
  });
  return { kind: 'command', command };
}
