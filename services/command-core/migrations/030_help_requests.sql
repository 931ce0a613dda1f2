-- Help requests posted into an organization's notification channel (get-a-human): a repeat within a few
-- minutes answers the existing post, and the post can be updated in place once someone acts on it.
create table help_requests (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id) on delete cascade,
  team_id text not null,
  user_id text not null,
  channel_id text not null,
  ts text not null,
  created_at timestamptz not null default now()
);

create index help_requests_customer on help_requests (organization_id, team_id, user_id, created_at desc);
