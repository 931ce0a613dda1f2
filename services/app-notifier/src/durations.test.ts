import { parseDurationList } from './durations.js';

describe('parseDurationList', () => {
  it('reads milliseconds, seconds, minutes and hours', () => {
    expect(parseDurationList('100ms, 5s,2m,1h')).toEqual([100, 5_000, 120_000, 3_600_000]);
  });

  it('names the part that is not a duration', () => {
    expect(() => parseDurationList('5s,soon')).toThrow('"soon" is not a duration like 100ms, 5s, 2m or 1h');
    expect(() => parseDurationList('5')).toThrow('"5" is not a duration');
    expect(() => parseDurationList('0s')).toThrow('"0s" must be longer than zero');
    expect(() => parseDurationList('')).toThrow('expected at least one duration');
  });
});
