import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

interface Key {
  id: string;
  bytes: Buffer;
}

/** Identifies a key in every ciphertext without revealing it, so rotation knows which key sealed what. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function toKey(base64: string, variable: string): Key {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== 32) throw new Error(`${variable}: expected 32 bytes, base64-encoded`);
  return { id: keyId(bytes), bytes };
}

/**
 * AES-256-GCM for secrets at rest (bot tokens, webhook secrets, verification tokens). A sealed value is
 * `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts): the key id lets a rotation decrypt with the
 * previous key and re-encrypt with the current one.
 */
export class TokenCipher {
  private readonly current: Key;
  private readonly keys: Map<string, Key>;

  constructor(currentKeyBase64: string, previousKeyBase64?: string) {
    this.current = toKey(currentKeyBase64, 'TOKEN_ENCRYPTION_KEY');
    this.keys = new Map([[this.current.id, this.current]]);
    if (previousKeyBase64 !== undefined) {
      const previous = toKey(previousKeyBase64, 'TOKEN_ENCRYPTION_KEY_PREVIOUS');
      if (!this.keys.has(previous.id)) this.keys.set(previous.id, previous);
    }
  }

  static fromConfig(config: { TOKEN_ENCRYPTION_KEY: string; TOKEN_ENCRYPTION_KEY_PREVIOUS?: string | undefined }): TokenCipher {
    return new TokenCipher(config.TOKEN_ENCRYPTION_KEY, config.TOKEN_ENCRYPTION_KEY_PREVIOUS);
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.current.id, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new DecryptionError('not a v1 sealed value');
    const [, id, ivPart, bodyPart, tagPart] = parts as [string, string, string, string, string];
    const key = this.keys.get(id);
    if (!key) {
      throw new DecryptionError(
        `sealed with key ${id}, which is neither TOKEN_ENCRYPTION_KEY (${this.current.id}) nor TOKEN_ENCRYPTION_KEY_PREVIOUS`,
      );
    }
    const iv = Buffer.from(ivPart, 'base64url');
    const tag = Buffer.from(tagPart, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError('malformed sealed value');
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(bodyPart, 'base64url')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new DecryptionError(`sealed value failed authentication with key ${id}`, { cause: error });
    }
  }

  /** False for values sealed with the previous key: the reencrypt command rewrites those. */
  isCurrent(sealed: string): boolean {
    return sealed.split('.')[1] === this.current.id;
  }
}
