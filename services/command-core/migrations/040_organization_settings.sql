-- Per-organization choices about the agents' experience (issues 18 and 19).
alter table organizations
  -- ✅ / ⚠ reactions on agents' messages as they reach the customer or fail.
  add column receipts boolean not null default true,
  -- What happens when an agent writes while the bot still answers: hold (ask the agent), send-and-warn, auto-pause.
  add column takeover_mode text not null default 'hold' check (takeover_mode in ('hold', 'send-and-warn', 'auto-pause'));
