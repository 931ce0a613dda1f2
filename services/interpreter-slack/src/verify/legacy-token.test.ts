import { legacyTokenMatches } from './legacy-token.js';

describe('legacy verification token', () => {
  it('lets every body through when no token is configured', () => {
    expect(legacyTokenMatches(undefined, undefined)).toBe(true);
    expect(legacyTokenMatches(undefined, 'anything')).toBe(true);
  });

  it('requires the configured token exactly when one is configured', () => {
    expect(legacyTokenMatches('xyzz0WbapA4vBCDEFasx0q6G', 'xyzz0WbapA4vBCDEFasx0q6G')).toBe(true);
    expect(legacyTokenMatches('xyzz0WbapA4vBCDEFasx0q6G', 'xyzz0WbapA4vBCDEFasx0q6g')).toBe(false);
    expect(legacyTokenMatches('xyzz0WbapA4vBCDEFasx0q6G', '')).toBe(false);
    expect(legacyTokenMatches('xyzz0WbapA4vBCDEFasx0q6G', undefined)).toBe(false);
    expect(legacyTokenMatches('xyzz0WbapA4vBCDEFasx0q6G', 42)).toBe(false);
  });
});
