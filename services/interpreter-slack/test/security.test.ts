import { waitFor } from '@megatron/testkit';
import { Harness } from './harness.js';

let h: Harness;
let engagement: string;

beforeAll(async () => {
  h = await Harness.start();
  engagement = await h.createChannel('mt-security_globex', true);
});

afterAll(async () => {
  await h?.stop();
});

async function firstDeliveryOf(eventId: string) {
  return waitFor(async () => (await h.sim.control.deliveries({ appId: h.app.appId })).find((delivery) => JSON.stringify(delivery.body).includes(eventId)), {
    what: `the delivery of ${eventId}`,
  });
}

// Issue 14, finding 6: a malformed event answers 400 naming the field and publishes nothing (no empty DM).
describe('the Slack door refuses malformed events', () => {
  it.each([
    ['a number as text', { text: 42, ts: '1732700000.000100' }, 'event.text must be a string'],
    ['an object as text', { text: { html: '<b>' } }, 'event.text must be a string'],
    ['a ts that is not a Slack ts', { text: 'hi', ts: 'abc' }, 'event.ts must be a Slack ts like 1732700000.123456'],
    ['a ts with too many digits', { text: 'hi', ts: '99999999999999999999.1' }, 'event.ts must be a Slack ts like 1732700000.123456'],
  ])('%s is 400 and nothing is published', async (_what, fields, error) => {
    const before = h.received.length;
    const { eventId } = await h.sim.control.sendRawEvent({ appId: h.app.appId, event: { type: 'message', channel: engagement, user: h.agent.id, ts: '1732700000.000100', ...fields } });
    const delivery = await firstDeliveryOf(eventId);
    expect(delivery.status).toBe(400);
    expect(delivery.responseBody).toContain(error);
    await h.expectNoCommandsBeyond(before);
  });

  it('a well-formed event of the same shape is published, so the refusals above are the fields', async () => {
    const before = h.received.length;
    await h.sim.control.sendRawEvent({ appId: h.app.appId, event: { type: 'message', channel: engagement, user: h.agent.id, ts: '1732700000.000200', text: 'fine' } });
    const [received] = await h.commandsAfter(before, 1);
    expect(received?.command.kind.value).toMatchObject({ text: 'fine', ts: '1732700000.000200' });
  });
});
