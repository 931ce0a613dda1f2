-- A channel whose Command failed for a while waits here, in order, so the others flow (issue 17).
create table parked_commands (
  id bigserial primary key,
  -- '<team_id>:<channel_id>' of the engagement channel (or wherever the command was typed).
  channel_key text not null,
  command_id text not null unique,
  -- The Command, protobuf-encoded as it came off the stream.
  command bytea not null,
  parked_at timestamptz not null default now(),
  attempts integer not null default 0,
  -- When this Command first failed; a head failing longer than the retry window is dead-lettered.
  first_failed_at timestamptz,
  next_attempt_at timestamptz not null default now(),
  leased_until timestamptz,
  last_error text not null default '',
  -- Kept for the operator once given up on; no longer holds the channel.
  dead_at timestamptz
);

create index parked_commands_queue on parked_commands (channel_key, id) where dead_at is null;
