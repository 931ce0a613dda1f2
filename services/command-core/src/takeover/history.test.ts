import { create } from '@bufbuild/protobuf';
import { HistoryMessageSchema } from '@megatron/contracts';
import { planHistoryImport, timeHeader } from './history.js';

const at = (iso: string) => String(Date.parse(iso) / 1000);

describe('history headers', () => {
  it("is a Slack date token drawn in each reader's time zone, falling back to the time in UTC on a 12-hour clock", () => {
    const header = (iso: string) => timeHeader(new Date(iso));
    expect(header('2026-11-04T15:07:00Z')).toBe(`[<!date^${Date.parse('2026-11-04T15:07:00Z') / 1000}^{date_short} {time}|Nov 04 03:07 PM UTC>]`);
    expect(header('2026-01-20T00:30:00Z')).toMatch(/\|Jan 20 12:30 AM UTC>\]$/);
    expect(header('2026-03-01T12:00:00Z')).toMatch(/\|Mar 01 12:00 PM UTC>\]$/);
  });

  it('gives the token whole seconds, as Slack requires', () => {
    expect(timeHeader(new Date('2026-11-04T15:07:00.999Z'))).toContain(`<!date^${Date.parse('2026-11-04T15:07:00Z') / 1000}^`);
  });

  it('imports oldest first with a header at the start and after each gap of 3 minutes or more', () => {
    const newestFirst = [
      create(HistoryMessageSchema, { ts: at('2026-11-04T15:12:00Z'), user: 'U1', text: 'thanks' }),
      create(HistoryMessageSchema, { ts: at('2026-11-04T15:02:00Z'), botId: 'B1', text: 'hello, how can I help' }),
      create(HistoryMessageSchema, { ts: at('2026-11-04T15:01:00Z'), user: 'U1', text: 'hi' }),
      create(HistoryMessageSchema, { ts: at('2026-11-04T15:00:00Z'), user: 'U1', subtype: 'channel_join', text: 'joined' }),
    ];
    const plan = planHistoryImport(newestFirst, 'U1');
    const token = (iso: string, fallback: string) => `*[<!date^${Date.parse(iso) / 1000}^{date_short} {time}|${fallback}>]*`;
    expect(plan.map((item) => [item.message.text, item.fromBot, item.header])).toEqual([
      ['hi', false, token('2026-11-04T15:01:00Z', 'Nov 04 03:01 PM UTC')],
      ['hello, how can I help', true, undefined],
      ['thanks', false, token('2026-11-04T15:12:00Z', 'Nov 04 03:12 PM UTC')],
    ]);
  });

  it('keeps only the last 10 messages', () => {
    const newestFirst = Array.from({ length: 15 }, (_, i) => create(HistoryMessageSchema, { ts: String(1_800_000_000 - i), user: 'U1', text: `m${i}` }));
    const plan = planHistoryImport(newestFirst, 'U1');
    expect(plan).toHaveLength(10);
    expect(plan[0]?.message.text).toBe('m9');
    expect(plan[9]?.message.text).toBe('m0');
  });
});
