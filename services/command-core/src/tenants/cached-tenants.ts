import type { TenantChanges } from './tenant-changes.js';
import type { CustomerWorkspace, Integration, Organization, Tenants, WorkspaceRegistration } from './types.js';

/** Long enough to spare every Command its tenant lookups and token decryption, short enough that changes made elsewhere show. */
export const TENANT_CACHE_MS = 30_000;

interface Entry<T> {
  value: Promise<T | undefined>;
  expiresAt: number;
}

/**
 * Tenants with the lookups every Command makes kept in memory for a short while. Tenants that are not
 * found are never remembered, so a newly created one is usable at once; a workspace registered (or its
 * token refreshed) through this process is forgotten at once; an organization's settings or integration
 * changed by any process are forgotten as soon as the change is heard (`listenTo`), else within TENANT_CACHE_MS.
 */
export class CachedTenants implements Tenants {
  private readonly entries = new Map<string, Entry<unknown>>();

  constructor(
    private readonly inner: Tenants,
    private readonly now: () => number = Date.now,
  ) {}

  organization(organizationId: string): Promise<Organization | undefined> {
    return this.remember(`organization:${organizationId}`, () => this.inner.organization(organizationId));
  }

  integrationByTeam(teamId: string): Promise<Integration | undefined> {
    return this.remember(`integration:${teamId}`, () => this.inner.integrationByTeam(teamId));
  }

  integrationOf(organizationId: string): Promise<Integration | undefined> {
    return this.remember(`integrationOf:${organizationId}`, () => this.inner.integrationOf(organizationId));
  }

  customerWorkspace(organizationId: string, platformId: string): Promise<CustomerWorkspace | undefined> {
    return this.remember(workspaceKey(organizationId, platformId), () => this.inner.customerWorkspace(organizationId, platformId));
  }

  customerWorkspaceById(organizationId: string, workspaceId: string): Promise<CustomerWorkspace | undefined> {
    return this.inner.customerWorkspaceById(organizationId, workspaceId);
  }

  customerWorkspaces(organizationId: string): Promise<CustomerWorkspace[]> {
    return this.inner.customerWorkspaces(organizationId);
  }

  async registerWorkspace(organizationId: string, registration: WorkspaceRegistration): Promise<{ workspace: CustomerWorkspace; created: boolean }> {
    try {
      return await this.inner.registerWorkspace(organizationId, registration);
    } finally {
      this.entries.delete(workspaceKey(organizationId, registration.platformId));
    }
  }

  /** Settings or the integration changed: the next lookups read them afresh. */
  forgetOrganization(organizationId: string): void {
    this.entries.delete(`organization:${organizationId}`);
    this.entries.delete(`integrationOf:${organizationId}`);
    // Integrations are also kept by team, which the change does not name.
    for (const key of this.entries.keys()) if (key.startsWith('integration:')) this.entries.delete(key);
  }

  /** Hears of changes made in any process (TenantChanges): a missed one empties the cache. */
  listenTo(changes: TenantChanges): void {
    changes.subscribe((change) => {
      if (change === 'reset') this.entries.clear();
      else if (change.kind === 'organization') this.forgetOrganization(change.id);
    });
  }

  private remember<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.now();
    const cached = this.entries.get(key) as Entry<T> | undefined;
    if (cached && cached.expiresAt > now) return cached.value;
    const value = load();
    this.entries.set(key, { value, expiresAt: now + TENANT_CACHE_MS });
    value.then(
      (found) => {
        if (found === undefined) this.forget(key, value);
      },
      () => this.forget(key, value),
    );
    return value;
  }

  private forget(key: string, value: Promise<unknown>): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}

function workspaceKey(organizationId: string, platformId: string): string {
  return `workspace:${organizationId}:${platformId}`;
}
