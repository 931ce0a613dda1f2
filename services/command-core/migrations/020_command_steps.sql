-- Effects of a Command already carried out (a post, an app command), with what they returned: a
-- redelivered Command skips each done step and reuses its result instead of acting twice.
create table command_steps (
  command_id text not null,
  step text not null,
  result jsonb not null default '{}',
  created_at timestamptz not null default now(),
  primary key (command_id, step)
);

-- The scheduler and the API look engagements up by customer across an organization.
create index engagement_channels_organization on engagement_channels (organization_id, created_at);
create index platform_users_refresh on platform_users (profile_refreshed_at nulls first);
