import { parseBenchArgs } from '../src/cli-args.js';
import { deliveryFaults, markerText, parseMarker } from '../src/delivery-check.js';
import { BENCH_PROCESS, servicesCpu } from '../src/cpu.js';
import { median, percentile, ratio, summarize } from '../src/stats.js';
import { broadcastMinimumMs, bucketMinimumMs } from '../src/theoretical-minimum.js';

describe('percentiles', () => {
  test('the nearest-rank percentile picks the sample at ceil(p × n)', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7, 3, 5], 50)).toBe(5);
    expect(percentile([7], 99)).toBe(7);
  });

  test('a summary reports count, median, p99, max and mean', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ count: 4, p50: 2, p99: 4, max: 4, mean: 2.5 });
  });

  test('percentiles of nothing or outside (0, 100] are refused by name', () => {
    expect(() => percentile([], 50)).toThrow('percentile of no samples');
    expect(() => percentile([1], 0)).toThrow('percentile must be in (0, 100], got 0');
    expect(() => percentile([1], 101)).toThrow('percentile must be in (0, 100], got 101');
  });

  test('a ratio against a missing or zero baseline is null rather than infinity', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
  });
});

describe('pairs of runs', () => {
  test('the median of the pairs ignores unmeasured ones and takes the lower middle of an even count', () => {
    expect(median([0.44, 0.3, 0.41])).toBe(0.41);
    expect(median([2, null, 1])).toBe(1);
    expect(median([3, 1, 4, 2])).toBe(2);
    expect(median([null])).toBeNull();
    expect(median([])).toBeNull();
  });

  test("service CPU adds up every process but the bench's own, and is unknown if one is", () => {
    expect(servicesCpu({ 'command-core': 3.5, 'connection-slack': 2.5, [BENCH_PROCESS]: 9 })).toBe(6);
    expect(servicesCpu({ baseline: 3.7, [BENCH_PROCESS]: 5 })).toBe(3.7);
    expect(servicesCpu({ 'command-core': 3.5, 'interpreter-slack': null })).toBeNull();
  });
});

describe('order violations and duplicates', () => {
  const sent = new Map([
    ['A', 4],
    ['B', 3],
  ]);

  test('an in-order, complete delivery has no faults', () => {
    expect(deliveryFaults(sent, new Map([['A', [0, 1, 2, 3]], ['B', [0, 1, 2]]]))).toEqual({ orderViolations: 0, duplicates: 0, missing: 0 });
  });

  test('each message overtaken by a later one counts once as an order violation', () => {
    expect(deliveryFaults(sent, new Map([['A', [1, 0, 3, 2]], ['B', [2, 0, 1]]]))).toEqual({ orderViolations: 4, duplicates: 0, missing: 0 });
  });

  test('repeated copies count as duplicates, not as order violations, and order is per channel', () => {
    expect(deliveryFaults(sent, new Map([['A', [0, 1, 1, 0, 2, 3]], ['B', [0, 1, 2, 2]]]))).toEqual({ orderViolations: 0, duplicates: 3, missing: 0 });
  });

  test('messages that never arrived are counted as missing, whole channels included', () => {
    expect(deliveryFaults(sent, new Map([['A', [0, 2]]]))).toEqual({ orderViolations: 0, duplicates: 0, missing: 5 });
  });

  test('arrivals that were never sent are refused by name', () => {
    expect(() => deliveryFaults(sent, new Map([['A', [4]]]))).toThrow('channel A received sequence 4, which was never sent');
    expect(() => deliveryFaults(sent, new Map([['C', [0]]]))).toThrow('arrivals for channel C, which was sent nothing');
  });

  test('a message marker reads back as the run, channel and sequence it was written with', () => {
    expect(parseMarker(`> ${markerText('r7x', 12, 345)}`)).toEqual({ runId: 'r7x', channel: 12, seq: 345 });
    expect(parseMarker('hello')).toBeUndefined();
  });
});

describe('theoretical minimum under Slack limits', () => {
  test('requests within the burst go at once and each further one waits one token', () => {
    expect(bucketMinimumMs({ capacity: 3, perSecond: 1 }, 3)).toBe(0);
    expect(bucketMinimumMs({ capacity: 3, perSecond: 1 }, 23)).toBe(20_000);
    expect(bucketMinimumMs({ capacity: 50, perSecond: 50 / 60 }, 2000)).toBeCloseTo(2_340_000, 6);
  });

  test('a broadcast ends when the slowest bucket lets its last request through', () => {
    // conversations.open at 1,500/min: 500 beyond the burst at 25/s = 20 s; 23 posts in a channel at 1/s after 3 = 20 s.
    expect(broadcastMinimumMs({ perMinute: { 3: 1500 } }, { users: 2000, channels: 50, messagesPerChannel: 23 })).toBe(20_000);
    expect(broadcastMinimumMs({ perMinute: { 3: 1500 } }, { users: 2000, channels: 50, messagesPerChannel: 33 })).toBe(30_000);
    expect(broadcastMinimumMs({}, { users: 2000, channels: 0, messagesPerChannel: 0 })).toBeCloseTo(2_340_000, 6);
    expect(broadcastMinimumMs({ postMessagePerSecond: 2, postMessageBurst: 0 }, { users: 0, channels: 1, messagesPerChannel: 10 })).toBe(4_000);
  });

  test('nonsense buckets and request counts are refused by name', () => {
    expect(() => bucketMinimumMs({ capacity: 0, perSecond: 1 }, 1)).toThrow('bucket needs capacity ≥ 1 and perSecond > 0');
    expect(() => bucketMinimumMs({ capacity: 1, perSecond: 1 }, -1)).toThrow('requests must be a whole number ≥ 0, got -1');
  });
});

describe('command line', () => {
  test('no arguments mean a full run of every section', () => {
    expect(parseBenchArgs([])).toEqual({ mode: 'full', sections: ['relay', 'broadcast', 'scaling', 'abuse', 'holb', 'memory'] });
  });

  test('--quick and --only pick the mode and the sections', () => {
    expect(parseBenchArgs(['--quick', '--only=broadcast,relay'])).toEqual({ mode: 'quick', sections: ['broadcast', 'relay'] });
    expect(parseBenchArgs(['--only=holb,memory'])).toEqual({ mode: 'full', sections: ['holb', 'memory'] });
  });

  test('unknown arguments and sections are refused by name', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow('unknown argument "--fast"; usage: npm run bench');
    expect(() => parseBenchArgs(['--only=relay,speed'])).toThrow('unknown section "speed" in --only=relay,speed');
  });
});
