import { nextDelay, parseRetryAfter } from './retry-delay.js';

const plan = { scheduleMs: [5_000, 30_000], maxRetryAfterMs: 600_000 };

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('nextDelay', () => {
  it('follows the schedule by attempt and stops after its end', () => {
    expect(nextDelay(plan, 1, undefined)).toBe(5_000);
    expect(nextDelay(plan, 2, undefined)).toBe(30_000);
    expect(nextDelay(plan, 3, undefined)).toBeUndefined();
  });

  it('waits longer when Retry-After asks for it, never shorter, and caps it', () => {
    expect(nextDelay(plan, 1, 60_000)).toBe(60_000);
    expect(nextDelay(plan, 1, 1_000)).toBe(5_000);
    expect(nextDelay(plan, 1, 86_400_000)).toBe(600_000);
    expect(nextDelay(plan, 3, 1_000)).toBeUndefined();
  });
});
