/** Tenant data as the takeover logic needs it, secrets already decrypted (never log these objects). */

import type { TakeoverMode } from '../db/tenants.js';

export type { TakeoverMode };

export interface Organization {
  id: string;
  name: string;
  commandUrl: string;
  endpointDisabledReason: string | null;
  /** ✅ / ⚠ reactions on agents' messages (issue 18). */
  receipts: boolean;
  /** What happens when an agent writes while the bot still answers (issue 19). */
  takeoverMode: TakeoverMode;
}

/** The organization's own Slack workspace, where agents work and engagement channels live. */
export interface Integration {
  id: string;
  organizationId: string;
  teamId: string;
  domain: string;
  botToken: string;
  botUserId: string;
  notificationChannelId: string;
}

/** A workspace where the organization's bot talks to customers. */
export interface CustomerWorkspace {
  id: string;
  organizationId: string;
  platformId: string;
  name: string;
  domain: string;
  connectionToken: string;
}

export interface WorkspaceRegistration {
  platformId: string;
  name: string;
  domain: string;
  connectionToken: string;
}

export interface Tenants {
  organization(organizationId: string): Promise<Organization | undefined>;
  /** Maps an incoming Slack request (its team id) to the organization's integration. */
  integrationByTeam(teamId: string): Promise<Integration | undefined>;
  integrationOf(organizationId: string): Promise<Integration | undefined>;
  customerWorkspace(organizationId: string, platformId: string): Promise<CustomerWorkspace | undefined>;
  customerWorkspaceById(organizationId: string, workspaceId: string): Promise<CustomerWorkspace | undefined>;
  customerWorkspaces(organizationId: string): Promise<CustomerWorkspace[]>;
  /** Create or update keyed on (organization, platform id); token rotation updates, never duplicates. */
  registerWorkspace(organizationId: string, registration: WorkspaceRegistration): Promise<{ workspace: CustomerWorkspace; created: boolean }>;
}
