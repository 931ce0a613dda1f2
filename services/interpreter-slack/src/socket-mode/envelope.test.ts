import { ackOf, readSocketMessage, requestOf, routeOf } from './envelope.js';

describe('Socket Mode envelopes', () => {
  it('reads the greeting, a disconnect with its reason, and an envelope with its delivery details', () => {
    expect(readSocketMessage('{"type":"hello","num_connections":1}')).toEqual({ kind: 'hello' });
    expect(readSocketMessage('{"type":"disconnect","reason":"refresh_requested"}')).toEqual({ kind: 'disconnect', reason: 'refresh_requested' });
    expect(
      readSocketMessage(
        JSON.stringify({ envelope_id: 'e-1', type: 'events_api', payload: { event_id: 'Ev1' }, accepts_response_payload: false, retry_attempt: 2, retry_reason: 'timeout' }),
      ),
    ).toEqual({
      kind: 'envelope',
      envelope: { envelopeId: 'e-1', type: 'events_api', payload: { event_id: 'Ev1' }, acceptsResponsePayload: false, retryAttempt: 2, retryReason: 'timeout' },
    });
    expect(readSocketMessage('not json')).toEqual({ kind: 'unknown', type: 'not JSON' });
  });

  it('sends each envelope type to the handler of the HTTP route Slack would have posted to', () => {
    expect([routeOf('events_api'), routeOf('slash_commands'), routeOf('interactive'), routeOf('something_new')]).toEqual([
      'event',
      'slash_command',
      'interactive_message',
      undefined,
    ]);
  });

  it('rebuilds the body the HTTP request would have carried: JSON for events, a form for slash commands and interactions', () => {
    const event = requestOf('event', { type: 'event_callback', event_id: 'Ev1' });
    expect(event.contentType).toBe('application/json');
    expect(JSON.parse(event.rawBody.toString())).toEqual({ type: 'event_callback', event_id: 'Ev1' });

    const slash = requestOf('slash_command', { command: '/megatron', text: 'open phil & co', is_enterprise_install: false });
    expect(slash.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(slash.rawBody.toString()))).toEqual({ command: '/megatron', text: 'open phil & co', is_enterprise_install: 'false' });

    const click = requestOf('interactive_message', { type: 'block_actions', actions: [{ action_id: 'open', value: 'T1:U1' }] });
    expect(JSON.parse(new URLSearchParams(click.rawBody.toString()).get('payload') ?? '')).toEqual({ type: 'block_actions', actions: [{ action_id: 'open', value: 'T1:U1' }] });
  });

  it('acknowledges what HTTP would have answered 2xx, with the reply as payload only where Slack accepts one', () => {
    const onIt = { response_type: 'ephemeral', text: 'On it' };
    expect(ackOf({ status: 200, body: onIt, outcome: 'published' }, true)).toEqual({ send: true, payload: onIt });
    expect(ackOf({ status: 200, body: onIt, outcome: 'published' }, false)).toEqual({ send: true });
    expect(ackOf({ status: 200, outcome: 'published' }, true)).toEqual({ send: true });
  });

  it('leaves an envelope unacknowledged when the HTTP route would have asked Slack to retry or refused it', () => {
    expect(ackOf({ status: 503, body: { ok: false, error: 'unavailable' }, outcome: 'unavailable' }, false)).toEqual({ send: false });
    expect(ackOf({ status: 500, body: { ok: false, error: 'internal error' }, outcome: 'error' }, true)).toEqual({ send: false });
    expect(ackOf({ status: 400, body: { ok: false, error: 'bad' }, outcome: 'bad_request' }, true)).toEqual({ send: false });
  });
});
