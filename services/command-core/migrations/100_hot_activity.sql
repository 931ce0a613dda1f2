-- Every relayed message moves its engagement's last_message_at (issue 23). With that column in an index, each
-- such update wrote a new entry into every index of the table (five of them) and left one more dead entry behind
-- in each; without it the update is heap-only (HOT): one new row version on the same page, no index touched.
-- The scheduled jobs that look for quiet channels read the open channels once a minute instead (a scan of this
-- table, which holds one row per customer and integration). Free room on each page keeps the versions together.
drop index engagement_channels_open;
alter table engagement_channels set (fillfactor = 80);
