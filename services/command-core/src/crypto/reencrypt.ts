import type { Pool } from '@megatron/runtime';
import { replaceSealedValue, SEALED_COLUMNS, selectSealedValues } from '../db/tenants-credentials.js';
import type { TokenCipher } from './token-cipher.js';

export interface ReencryptResult {
  /** Values that were sealed with the previous key and now carry the current one. */
  reencrypted: number;
  /** Already sealed with the current key. */
  current: number;
  /** Changed by someone else between read and write; they were written with the current key. */
  skipped: number;
}

/**
 * Second half of a key rotation: rewrites every secret sealed with TOKEN_ENCRYPTION_KEY_PREVIOUS under
 * TOKEN_ENCRYPTION_KEY, so the previous key can be dropped afterwards. Safe to run again at any time.
 */
export async function reencryptAll(pool: Pool, cipher: TokenCipher): Promise<ReencryptResult> {
  const result: ReencryptResult = { reencrypted: 0, current: 0, skipped: 0 };
  for (const target of SEALED_COLUMNS) {
    for (const { id, value } of await selectSealedValues(pool, target)) {
      if (cipher.isCurrent(value)) {
        result.current += 1;
        continue;
      }
      const next = cipher.encrypt(cipher.decrypt(value));
      if (await replaceSealedValue(pool, target, id, value, next)) result.reencrypted += 1;
      else result.skipped += 1;
    }
  }
  return result;
}
