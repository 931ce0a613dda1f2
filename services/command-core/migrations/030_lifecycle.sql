-- The engagement lifecycle (issue 16): one state per customer changed only through the state machine,
-- an append-only log of every change, messages whose buttons are settled once acted on, a transcript of
-- what the app reported, and scheduled work claimed per item.

alter table engagement_channels
  -- The card at the top of the channel (pinned), updated in place as the state changes.
  add column card_ts text not null default '',
  -- send-and-warn mode: when the "bot is not paused" warning was last posted (at most one an hour).
  add column not_paused_warned_at timestamptz;

-- Who did what to an engagement, when and why; written with every state change, never updated.
create table engagement_events (
  id bigserial primary key,
  organization_id uuid not null references organizations (id) on delete cascade,
  engagement_id uuid references engagement_channels (id) on delete cascade,
  team_id text not null,
  user_id text not null,
  at timestamptz not null default now(),
  event text not null,
  -- agent (a Slack user of the integration), api (an API token), job (a scheduled job), slack (Slack itself)
  actor_kind text not null,
  actor_id text not null default '',
  actor_name text not null default '',
  reason text not null default '',
  phase_before text not null,
  phase_after text not null,
  paused_before boolean not null,
  paused_after boolean not null
);

create index engagement_events_customer on engagement_events (organization_id, team_id, user_id, at);

-- Messages Megatron posted that offer an action (help requests, reminders, warnings): once the action
-- happened, they are updated in place so no stale button stays live.
create table action_messages (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  team_id text not null,
  user_id text not null,
  kind text not null check (kind in ('help_request', 'reminder', 'warning')),
  channel_id text not null,
  ts text not null,
  created_at timestamptz not null default now(),
  settled_at timestamptz
);

create index action_messages_customer on action_messages (organization_id, team_id, user_id, kind, created_at desc);

-- Every customer and bot message the app reported, masked: the history a (re)opened channel imports.
create table transcript_messages (
  organization_id uuid not null references organizations (id) on delete cascade,
  team_id text not null,
  user_id text not null,
  ts text not null,
  from_bot boolean not null,
  text text not null default '',
  blocks_json text not null default '',
  attachments_json text not null default '',
  files_json text not null default '[]',
  reported_at timestamptz not null default now(),
  primary key (organization_id, team_id, user_id, ts)
);

-- Scheduled work claimed per item: a replica that dies holding one loses its lease, and the next tick
-- takes the item again; one failing item never stops the others.
create table job_items (
  job text not null,
  item text not null,
  claimed_at timestamptz not null,
  attempts integer not null default 1,
  done_at timestamptz,
  last_error text not null default '',
  primary key (job, item)
);

-- Ticks are no longer claimed as a whole (job_items claims each item).
drop table scheduled_job_runs;
