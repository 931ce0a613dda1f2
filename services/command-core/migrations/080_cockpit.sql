-- The engagement channel as the agent's cockpit (issue 19).

-- Who handles the engagement (Claim), and the times response-time measures are made of.
alter table engagement_channels
  add column handled_by text not null default '',
  add column handled_by_name text not null default '',
  add column opened_at timestamptz,
  add column first_customer_message_at timestamptz,
  add column first_response_at timestamptz,
  add column first_responder text not null default '',
  add column closed_at timestamptz;
update engagement_channels set opened_at = created_at where opened_at is null;
alter table engagement_channels alter column opened_at set not null, alter column opened_at set default now();

-- The customer's time zone, for the card.
alter table platform_users
  add column tz text not null default '',
  add column tz_offset integer not null default 0;

-- A message held because the bot was still answering: it heads its channel's queue until the agent chooses.
alter table parked_commands add column held boolean not null default false;

-- A second agent writing in a claimed engagement is told who handles it, once.
create table second_agent_notes (
  engagement_channel_id uuid not null references engagement_channels (id) on delete cascade,
  agent_user_id text not null,
  primary key (engagement_channel_id, agent_user_id)
);
