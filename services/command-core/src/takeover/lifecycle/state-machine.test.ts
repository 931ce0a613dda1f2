import fc from 'fast-check';
import { invariantHolds, transition, type LifecycleEvent, type LifecycleState } from './state-machine.js';

const none: LifecycleState = { phase: 'none', paused: false };
const open: LifecycleState = { phase: 'open', paused: false };
const paused: LifecycleState = { phase: 'open', paused: true };
const closed: LifecycleState = { phase: 'closed', paused: false };
const kinds = (event: LifecycleEvent, from: LifecycleState) => transition(from, event).effects.map((effect) => effect.kind);

describe('the engagement state machine', () => {
  it('opens a new channel, reopens a closed one, and leaves an open one as it is', () => {
    expect(transition(none, { type: 'open' })).toMatchObject({ state: open, outcome: 'opened', effects: [{ kind: 'open_channel', reopen: false }, { kind: 'refresh_cards' }] });
    expect(transition(closed, { type: 'open' })).toMatchObject({ state: open, outcome: 'reopened', effects: [{ kind: 'open_channel', reopen: true }, { kind: 'refresh_cards' }] });
    expect(transition(paused, { type: 'open' })).toEqual({ state: paused, effects: [], outcome: 'already_open' });
  });

  it('pausing a customer without an open channel opens it first, so nobody talks into the void', () => {
    expect(kinds({ type: 'pause' }, closed)).toEqual(['open_channel', 'tell_app', 'tell_customer', 'refresh_cards']);
    expect(transition(closed, { type: 'pause' })).toMatchObject({ state: paused, outcome: 'opened_and_paused' });
    expect(kinds({ type: 'pause' }, none)).toEqual(['open_channel', 'tell_app', 'tell_customer', 'refresh_cards']);
  });

  it('tells the app and the customer only about real changes: a second pause or an unpause of an unpaused customer tells nobody', () => {
    expect(kinds({ type: 'pause' }, open)).toEqual(['tell_app', 'tell_customer', 'refresh_cards']);
    expect(transition(paused, { type: 'pause' })).toEqual({ state: paused, effects: [], outcome: 'already_paused' });
    expect(transition(open, { type: 'unpause' })).toEqual({ state: open, effects: [], outcome: 'not_paused' });
    expect(transition(closed, { type: 'unpause' })).toEqual({ state: closed, effects: [], outcome: 'not_paused' });
    expect(kinds({ type: 'unpause' }, paused)).toEqual(['tell_app', 'tell_customer', 'refresh_cards']);
  });

  it('closing unpauses first, says why in the channel, then archives; closing again does nothing', () => {
    expect(kinds({ type: 'close', reason: 'agent' }, paused)).toEqual(['tell_app', 'tell_customer', 'refresh_cards', 'post_closing_note', 'archive_channel', 'forget_channel']);
    expect(kinds({ type: 'close', reason: 'idle' }, open)).toEqual(['refresh_cards', 'post_closing_note', 'archive_channel', 'forget_channel']);
    expect(transition(closed, { type: 'close', reason: 'agent' })).toEqual({ state: closed, effects: [], outcome: 'already_closed' });
  });

  it('a channel archived, deleted or left outside Megatron closes the engagement and unpauses the bot, without archiving again', () => {
    expect(transition(paused, { type: 'channel_lost', how: 'archived' })).toEqual({
      state: closed,
      effects: [{ kind: 'tell_app', paused: false }, { kind: 'tell_customer', paused: false }, { kind: 'refresh_cards' }, { kind: 'forget_channel' }],
      outcome: 'channel_lost',
    });
    expect(transition(open, { type: 'channel_lost', how: 'deleted' }).effects).toEqual([{ kind: 'refresh_cards' }, { kind: 'forget_channel' }]);
    expect(transition(closed, { type: 'channel_lost', how: 'bot_removed' })).toEqual({ state: closed, effects: [], outcome: 'nothing_to_lose' });
  });

  it('never reaches a paused state without an open channel, and tells the app of every pause change once, whatever happens', () => {
    const event = fc.oneof(
      fc.constant<LifecycleEvent>({ type: 'open' }),
      fc.constant<LifecycleEvent>({ type: 'pause' }),
      fc.constant<LifecycleEvent>({ type: 'unpause' }),
      fc.constantFrom<LifecycleEvent>({ type: 'close', reason: 'agent' }, { type: 'close', reason: 'idle' }),
      fc.constantFrom<LifecycleEvent>({ type: 'channel_lost', how: 'archived' }, { type: 'channel_lost', how: 'deleted' }, { type: 'channel_lost', how: 'bot_removed' }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        let state = none;
        for (const next of events) {
          const result = transition(state, next);
          const told = result.effects.filter((effect) => effect.kind === 'tell_app');
          const customerTold = result.effects.filter((effect) => effect.kind === 'tell_customer');
          const changed = result.state.paused !== state.paused;
          if (told.length !== (changed ? 1 : 0) || customerTold.length !== told.length) return false;
          if (changed && !told.every((effect) => effect.kind === 'tell_app' && effect.paused === result.state.paused)) return false;
          state = result.state;
          if (!invariantHolds(state)) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
