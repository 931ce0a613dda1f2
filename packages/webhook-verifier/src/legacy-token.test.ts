import { verifyLegacyToken } from './legacy-token.js';

describe('verifyLegacyToken', () => {
  it('accepts the exact token', () => {
    expect(verifyLegacyToken('tok-123', 'tok-123')).toBe(true);
  });

  it('refuses a different, shorter, longer or missing token', () => {
    expect(verifyLegacyToken('tok-124', 'tok-123')).toBe(false);
    expect(verifyLegacyToken('tok-12', 'tok-123')).toBe(false);
    expect(verifyLegacyToken('tok-1234', 'tok-123')).toBe(false);
    expect(verifyLegacyToken(undefined, 'tok-123')).toBe(false);
    expect(verifyLegacyToken(123, 'tok-123')).toBe(false);
  });

  it('refuses everything when no token is configured', () => {
    expect(verifyLegacyToken('', '')).toBe(false);
  });
});
