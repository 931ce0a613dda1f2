/**
 * The engagement lifecycle as one pure state machine (SPEC §11): none → open (unpaused ⇄ paused) → closed,
 * with reopen. Every verb, button, API call, Slack event and scheduled job goes through `transition`, and
 * only the effects it returns are carried out. By construction:
 * - a paused customer always has an open channel (pausing without one opens it first; losing the channel
 *   unpauses);
 * - each change of the pause state is told to the app and the customer exactly once (a repeated or stale
 *   request changes nothing and tells no one);
 * - what cannot happen in a state is a no-op with an outcome that says why.
 */

export type Phase = 'none' | 'open' | 'closed';

export interface LifecycleState {
  phase: Phase;
  paused: boolean;
  /** The agent who claimed the engagement (Slack user id); a new or reopened channel has none. */
  handler?: string;
}

export type CloseReason = 'agent' | 'idle';
/** How a channel went away outside Megatron. */
export type ChannelLoss = 'archived' | 'deleted' | 'bot_removed';

export type LifecycleEvent =
  | { type: 'open' }
  | { type: 'pause' }
  | { type: 'unpause' }
  | { type: 'close'; reason: CloseReason }
  | { type: 'channel_lost'; how: ChannelLoss }
  | { type: 'claim'; agent: string };

export type Effect =
  /** Create or unarchive the channel, publish it to the directory, post the card, import history. */
  | { kind: 'open_channel'; reopen: boolean }
  | { kind: 'tell_app'; paused: boolean }
  | { kind: 'tell_customer'; paused: boolean }
  /** Say in the channel who or what closed it and why, before it is archived. */
  | { kind: 'post_closing_note'; reason: CloseReason }
  | { kind: 'archive_channel' }
  /** Stop treating the channel as an engagement channel (the directory the interpreters read). */
  | { kind: 'forget_channel' }
  /** Bring the card and every message offering an action up to date with the new state. */
  | { kind: 'refresh_cards' };

export type Outcome =
  | 'opened'
  | 'reopened'
  | 'already_open'
  | 'paused'
  | 'opened_and_paused'
  | 'already_paused'
  | 'unpaused'
  | 'not_paused'
  | 'closed'
  | 'already_closed'
  | 'channel_lost'
  | 'nothing_to_lose'
  | 'claimed'
  | 'already_claimed'
  | 'nothing_to_claim';

export interface Transition {
  state: LifecycleState;
  effects: Effect[];
  outcome: Outcome;
}

const same = (state: LifecycleState, outcome: Outcome): Transition => ({ state, effects: [], outcome });

function openEffects(state: LifecycleState): Effect[] {
  return [{ kind: 'open_channel', reopen: state.phase === 'closed' }];
}

function unpauseEffects(state: LifecycleState): Effect[] {
  return state.paused ? [{ kind: 'tell_app', paused: false }, { kind: 'tell_customer', paused: false }] : [];
}

export function transition(state: LifecycleState, event: LifecycleEvent): Transition {
  switch (event.type) {
    case 'open':
      if (state.phase === 'open') return same(state, 'already_open');
      return { state: { phase: 'open', paused: false }, effects: [...openEffects(state), { kind: 'refresh_cards' }], outcome: state.phase === 'closed' ? 'reopened' : 'opened' };
    case 'pause': {
      if (state.phase === 'open' && state.paused) return same(state, 'already_paused');
      const opening = state.phase === 'open' ? [] : openEffects(state);
      return {
        state: state.phase === 'open' ? { ...state, paused: true } : { phase: 'open', paused: true },
        effects: [...opening, { kind: 'tell_app', paused: true }, { kind: 'tell_customer', paused: true }, { kind: 'refresh_cards' }],
        outcome: opening.length > 0 ? 'opened_and_paused' : 'paused',
      };
    }
    case 'unpause':
      if (state.phase !== 'open' || !state.paused) return same(state, 'not_paused');
      return { state: { ...state, paused: false }, effects: [...unpauseEffects(state), { kind: 'refresh_cards' }], outcome: 'unpaused' };
    case 'close':
      if (state.phase !== 'open') return same(state, 'already_closed');
      return {
        state: { ...state, phase: 'closed', paused: false },
        effects: [
          ...unpauseEffects(state),
          { kind: 'refresh_cards' },
          { kind: 'post_closing_note', reason: event.reason },
          { kind: 'archive_channel' },
          { kind: 'forget_channel' },
        ],
        outcome: 'closed',
      };
    case 'channel_lost':
      if (state.phase !== 'open') return same(state, 'nothing_to_lose');
      return {
        state: { ...state, phase: 'closed', paused: false },
        effects: [...unpauseEffects(state), { kind: 'refresh_cards' }, { kind: 'forget_channel' }],
        outcome: 'channel_lost',
      };
    case 'claim':
      if (state.phase !== 'open') return same(state, 'nothing_to_claim');
      if (state.handler === event.agent) return same(state, 'already_claimed');
      return { state: { ...state, handler: event.agent }, effects: [{ kind: 'refresh_cards' }], outcome: 'claimed' };
  }
}

/** What must hold in every state the machine can reach. */
export function invariantHolds(state: LifecycleState): boolean {
  return (!state.paused || state.phase === 'open') && (!state.handler || state.phase !== 'none');
}
