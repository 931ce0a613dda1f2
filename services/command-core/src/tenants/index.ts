export type { CustomerWorkspace, Integration, Organization, Tenants, WorkspaceRegistration } from './types.js';
export { TenantDirectory } from './tenant-directory.js';
export { TenantAdmin, type ApiTokenInfo, type AppEndpoint, type CreatedOrganization, type IntegrationSettings, type OrganizationDetails } from './tenant-admin.js';
export { TenantError, type TenantErrorKind } from './errors.js';
