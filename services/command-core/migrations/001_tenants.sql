-- Tenants and their Slack workspaces (SPEC §2). Secrets are AES-256-GCM ciphertexts (see src/crypto);
-- API tokens are stored as SHA-256 hashes only.
create extension if not exists pgcrypto;

create table organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  command_url text not null default '',
  -- The legacy megatron_verification_token sent in app command bodies; set once, never regenerated on save.
  verification_token_enc text not null,
  endpoint_disabled_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table webhook_secrets (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  secret_enc text not null,
  created_at timestamptz not null default now(),
  -- null: the current secret; set on rotation so the previous one keeps signing until then.
  expires_at timestamptz
);
create index webhook_secrets_organization on webhook_secrets (organization_id, created_at desc);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  label text not null default '',
  token_hash bytea not null unique,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- The organization's own workspace where agents work.
create table integrations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  platform text not null default 'slack',
  team_id text not null,
  domain text not null default '',
  bot_token_enc text not null,
  bot_user_id text not null default '',
  notification_channel_id text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A Slack workspace belongs to one organization; incoming Slack requests map to it by team id.
  unique (platform, team_id)
);

-- A workspace where the organization's bot talks to customers.
create table customer_workspaces (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  platform text not null default 'slack',
  platform_id text not null,
  name text not null default '',
  domain text not null default '',
  connection_token_enc text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Keyed on the team id, never the token (original defect: token rotation created duplicates).
  unique (organization_id, platform, platform_id)
);
