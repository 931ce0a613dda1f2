-- Broadcast feedback (issue 21): what a broadcast said and where each customer's copy is, so a click is answered
-- in place ("Thanks for your feedback", the broadcast kept) and results count against who received it.
alter table broadcasts
  add column text text not null default '',
  add column blocks_json text not null default '',
  add column attachments_json text not null default '';

-- One row per customer whose DM Slack accepted.
create table broadcast_recipients (
  broadcast_id uuid not null references broadcasts (id) on delete cascade,
  team_id text not null,
  user_id text not null,
  -- The customer's copy: their DM with the bot and the message's ts.
  channel_id text not null,
  ts text not null,
  primary key (broadcast_id, team_id, user_id)
);
