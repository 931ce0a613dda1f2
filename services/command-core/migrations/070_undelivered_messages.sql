-- Agents' messages that definitively did not reach the customer (issue 18): the ⚠ notice under each
-- carries a Retry button naming the row; the Command is kept to send the message once more.
create table undelivered_messages (
  id uuid primary key default gen_random_uuid(),
  engagement_channel_id uuid not null references engagement_channels (id) on delete cascade,
  -- The agent's message in the engagement channel.
  integration_ts text not null,
  command_id text not null unique,
  -- The Command, protobuf-encoded, re-run by Retry.
  command bytea not null,
  reason text not null,
  failed_at timestamptz not null default now(),
  -- The threaded notice, updated in place once retried.
  notice_ts text,
  -- The Retry click being carried out (one at a time; cleared if the retry fails for good).
  retry_command_id text,
  delivered_at timestamptz
);

-- What a forwarded copy carried besides its text (relayed files as attachments), so an agent's edit of the
-- text keeps them (issue 18).
alter table message_links add column carried_attachments_json text not null default '';
