import { RequestError } from '../request-error.js';
import { eventToDecision } from './to-command.js';

const envelope = (event: Record<string, unknown>) => ({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'Ev1', event });
const everywhere = () => true;

describe('event decisions', () => {
  it('ignores a message_changed without an edit, as Slack sends when it unfurls a link', () => {
    const unfurl = envelope({
      type: 'message',
      subtype: 'message_changed',
      channel: 'C1',
      message: { user: 'U1', text: 'see https://example.com', ts: '1.1', attachments: [{ title: 'Example' }] },
    });
    expect(eventToDecision(unfurl, 0, everywhere)).toEqual({ kind: 'ignored', reason: 'change without an edit' });
  });

  it("ignores an edit or deletion of a bot's message: the customer never got a copy of it", () => {
    const edited = envelope({ type: 'message', subtype: 'message_changed', channel: 'C1', message: { bot_id: 'B1', text: 'x', ts: '1.1', edited: { user: 'U1' } } });
    expect(eventToDecision(edited, 0, everywhere)).toEqual({ kind: 'ignored', reason: 'bot message edited' });
    const deleted = envelope({ type: 'message', subtype: 'message_deleted', channel: 'C1', deleted_ts: '1.1', previous_message: { bot_id: 'B1', ts: '1.1' } });
    expect(eventToDecision(deleted, 0, everywhere)).toEqual({ kind: 'ignored', reason: 'bot message deleted' });
  });

  it('does not ask about the channel for events that are not messages', () => {
    const asked: string[] = [];
    const decision = eventToDecision(envelope({ type: 'reaction_added', channel: 'C1' }), 0, (channel) => {
      asked.push(channel);
      return true;
    });
    expect(decision).toEqual({ kind: 'ignored', reason: 'event type reaction_added' });
    expect(asked).toEqual([]);
  });

  it('refuses a url_verification without a challenge and an event_callback without an event id', () => {
    expect(() => eventToDecision({ type: 'url_verification' }, 0, everywhere)).toThrow(new RequestError(400, 'url_verification without a challenge'));
    expect(() => eventToDecision({ type: 'event_callback', event: { type: 'message' } }, 0, everywhere)).toThrow(RequestError);
  });
});
