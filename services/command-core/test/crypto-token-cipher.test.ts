import { DecryptionError, keyId, TokenCipher } from '../src/crypto/token-cipher.js';
import { generateApiToken, generateWebhookSecret, hashApiToken, webhookSecretProblem } from '../src/crypto/secrets.js';
import { newKey } from './tenants-fixture.js';

describe('token cipher', () => {
  const key = newKey();
  const cipher = new TokenCipher(key);

  test('a sealed token decrypts to the original and never contains it', () => {
    const token = 'xoxb-1234-5678-abcdefabcdef';
    const sealed = cipher.encrypt(token);
    expect(sealed).not.toContain(token);
    expect(sealed.startsWith(`v1.${keyId(Buffer.from(key, 'base64'))}.`)).toBe(true);
    expect(cipher.decrypt(sealed)).toBe(token);
  });

  test('sealing the same token twice gives different ciphertexts', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  test('a tampered ciphertext is refused, not decrypted to garbage', () => {
    const parts = cipher.encrypt('xoxb-secret').split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    const tampered = parts.join('.');
    expect(() => cipher.decrypt(tampered)).toThrow(DecryptionError);
    expect(() => cipher.decrypt(tampered)).toThrow(`sealed value failed authentication with key ${parts[1]}`);
  });

  test('a value sealed with an unknown key is refused with an error naming both key ids', () => {
    const other = new TokenCipher(newKey());
    const sealed = other.encrypt('xoxb-secret');
    expect(() => cipher.decrypt(sealed)).toThrow(`sealed with key ${other.currentKeyId}, which is neither TOKEN_ENCRYPTION_KEY (${cipher.currentKeyId})`);
  });

  test('something that is not a sealed value is refused', () => {
    expect(() => cipher.decrypt('xoxb-plaintext')).toThrow('not a v1 sealed value');
  });

  test('during a rotation the previous key still decrypts while new values use the current key', () => {
    const oldCipher = new TokenCipher(key);
    const sealedOld = oldCipher.encrypt('xoxb-old');
    const rotated = new TokenCipher(newKey(), key);
    expect(rotated.decrypt(sealedOld)).toBe('xoxb-old');
    expect(rotated.isCurrent(sealedOld)).toBe(false);
    const sealedNew = rotated.encrypt('xoxb-new');
    expect(rotated.isCurrent(sealedNew)).toBe(true);
    expect(() => oldCipher.decrypt(sealedNew)).toThrow(DecryptionError);
  });

  test('a key that is not 32 bytes is refused naming the variable', () => {
    expect(() => new TokenCipher(Buffer.alloc(16).toString('base64'))).toThrow('TOKEN_ENCRYPTION_KEY: expected 32 bytes');
    expect(() => new TokenCipher(key, 'short')).toThrow('TOKEN_ENCRYPTION_KEY_PREVIOUS: expected 32 bytes');
  });
});

describe('generated secrets', () => {
  test('API tokens are unique and hashed to 32 bytes that do not reveal them', () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^mt_[A-Za-z0-9_-]{43}$/);
    expect(hashApiToken(a)).toHaveLength(32);
    expect(hashApiToken(a).equals(hashApiToken(a))).toBe(true);
    expect(hashApiToken(a).toString('utf8')).not.toContain(a);
  });

  test('webhook secrets follow the Standard Webhooks whsec_ format and bad ones are named', () => {
    expect(webhookSecretProblem(generateWebhookSecret())).toBeUndefined();
    expect(webhookSecretProblem('secret')).toBe('must start with "whsec_"');
    expect(webhookSecretProblem('whsec_not base64!')).toBe('must be "whsec_" followed by base64');
    expect(webhookSecretProblem(`whsec_${Buffer.alloc(8).toString('base64')}`)).toBe('must hold at least 24 random bytes');
  });
});
