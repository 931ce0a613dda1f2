import { hashApiToken } from '../crypto/secrets.js';
import { selectLiveTokenByHash, touchApiToken } from '../db/tenants-credentials.js';
import type { Db } from '../db/tenants.js';
import type { TenantChanges } from '../tenants/tenant-changes.js';

interface Entry {
  tokenId: string;
  organizationId: string;
  expiresAt: number;
  touchedAt: number;
}

/** How long a token stays known without asking Postgres; a revocation is heard at once (TenantChanges). */
const TTL_MS = 60_000;
/** `last_used_at` is written at most this often per token and process. */
const TOUCH_EVERY_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * API tokens as the authentication interceptor asks for them on every call: kept in memory (by hash, never
 * the token) while the tenant-change notifications are live, forgotten the moment a revocation is heard in
 * any replica, and asked of Postgres again after TTL_MS. Unknown tokens are never remembered.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly db: Db,
    private readonly changes: TenantChanges,
    private readonly now: () => number = Date.now,
  ) {
    changes.subscribe((change) => {
      if (change === 'reset') this.entries.clear();
      else if (change.kind === 'api_token') for (const [hash, entry] of this.entries) if (entry.tokenId === change.id) this.entries.delete(hash);
    });
  }

  /** The organization a live API token belongs to; undefined for unknown or revoked tokens. */
  async authenticate(apiToken: string): Promise<string | undefined> {
    if (apiToken === '') return undefined;
    const hash = hashApiToken(apiToken);
    const key = hash.toString('base64');
    const now = this.now();
    const cached = this.changes.live ? this.entries.get(key) : undefined;
    if (cached && cached.expiresAt > now) {
      if (now - cached.touchedAt >= TOUCH_EVERY_MS) {
        cached.touchedAt = now;
        await touchApiToken(this.db, cached.tokenId);
      }
      return cached.organizationId;
    }
    const row = await selectLiveTokenByHash(this.db, hash);
    if (!row) return undefined;
    await touchApiToken(this.db, row.id);
    if (this.changes.live) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value ?? '');
      this.entries.set(key, { tokenId: row.id, organizationId: row.organization_id, expiresAt: now + TTL_MS, touchedAt: now });
    }
    return row.organization_id;
  }
}
