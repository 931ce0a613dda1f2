-- People, engagement channels and the links that let edits and deletes follow (SPEC §2, §4).

-- A customer in a customer workspace.
create table platform_users (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references customer_workspaces (id) on delete cascade,
  platform_id text not null,
  username text not null default '',
  display_name text not null default '',
  real_name text not null default '',
  image_url text not null default '',
  -- The customer's DM channel with the bot, once known.
  dm_channel_id text not null default '',
  profile_refreshed_at timestamptz,
  created_at timestamptz not null default now(),
  -- Two workspaces may both have a U123: the pair is the identity (original defect: lookup by user id alone).
  unique (workspace_id, platform_id)
);

-- An agent in the integration workspace.
create table platform_agents (
  id uuid primary key default gen_random_uuid(),
  integration_id uuid not null references integrations (id) on delete cascade,
  platform_id text not null,
  username text not null default '',
  display_name text not null default '',
  real_name text not null default '',
  image_url text not null default '',
  created_at timestamptz not null default now(),
  unique (integration_id, platform_id)
);

create table engagement_channels (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  integration_id uuid not null references integrations (id) on delete cascade,
  platform_user_id uuid not null references platform_users (id) on delete cascade,
  channel_id text not null,
  channel_name text not null,
  is_paused boolean not null default false,
  is_archived boolean not null default false,
  last_message_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- One channel per customer per integration, reopened rather than duplicated.
  unique (integration_id, platform_user_id),
  unique (integration_id, channel_id)
);
create index engagement_channels_open on engagement_channels (last_message_at) where not is_archived;

-- A message that exists on both sides: the integration-side copy and the customer-side copy.
create table message_links (
  id uuid primary key default gen_random_uuid(),
  engagement_channel_id uuid not null references engagement_channels (id) on delete cascade,
  -- to_customer: an agent's message forwarded to the customer; to_channel: a customer or bot message mirrored.
  direction text not null check (direction in ('to_customer', 'to_channel')),
  integration_ts text not null,
  customer_channel_id text not null,
  customer_ts text not null,
  -- The Command or API call that created it: a redelivery finds the link instead of posting twice.
  idempotency_key text not null,
  created_at timestamptz not null default now(),
  unique (idempotency_key),
  unique (engagement_channel_id, integration_ts),
  unique (engagement_channel_id, customer_ts)
);

-- Commands whose effects are complete (e.g. a pause already told to the app), for idempotent redelivery.
create table processed_commands (
  command_id text primary key,
  processed_at timestamptz not null default now()
);

create table broadcasts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  capture_feedback boolean not null default false,
  created_at timestamptz not null default now()
);

create table broadcast_feedback (
  broadcast_id uuid not null references broadcasts (id) on delete cascade,
  team_id text not null,
  user_id text not null,
  positive boolean not null,
  created_at timestamptz not null default now(),
  primary key (broadcast_id, team_id, user_id)
);

-- Exactly-once scheduled work: the replica that inserts (job, tick) first runs it.
create table scheduled_job_runs (
  job text not null,
  tick timestamptz not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (job, tick)
);
