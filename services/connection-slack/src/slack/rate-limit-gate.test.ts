import { RateLimitGate } from './rate-limit-gate.js';

describe('the shared 429 pause', () => {
  it('holds a key until its Retry-After has passed, and only that key', () => {
    let now = 0;
    const gate = new RateLimitGate(() => now);
    gate.pause('chat.postMessage|C1', 2_000);
    expect(gate.waitMs('chat.postMessage|C1')).toBe(2_000);
    expect(gate.waitMs('chat.postMessage|C2')).toBe(0);
    now = 2_000;
    expect(gate.waitMs('chat.postMessage|C1')).toBe(0);
  });

  it('keeps no entry for the many channels that were paused once and went quiet', () => {
    let now = 0;
    const gate = new RateLimitGate(() => now);
    for (let channel = 0; channel < 10_000; channel += 1) {
      gate.pause(`chat.postMessage|C${channel}`, 1_000);
      now += 10;
    }
    // Pauses of 1 s, one every 10 ms: about 100 are still running at any moment, and a sweep leaves only those.
    expect(gate.size).toBeLessThanOrEqual(1_100);
    gate.pause('chat.postMessage|late', 1_000);
    expect(gate.waitMs('chat.postMessage|C9999')).toBeGreaterThan(0);
  });
});
