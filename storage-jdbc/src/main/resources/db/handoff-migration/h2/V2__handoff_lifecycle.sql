-- Handoff sessions, version 2: the two clocks, recovery links and the access log of a session, and the indexes
-- of listByUser and listEnded. Like V1, safe to run again (createSchemaIfMissing runs every file at each start).
-- Clocks are NULL on rows written before this version: they read as the single lifetime those rows had.
-- recovery and access_log are JSON text written by the store, NULL when none.
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS link_expires_at_ns BIGINT;
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS idle_timeout_ns BIGINT;
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS active_lifetime_ns BIGINT;
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS recovery VARCHAR;
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS access_log VARCHAR;
-- The id of an existing user subject as its JSON in the subject column writes it (escaped, without quotes), NULL
-- for other subjects: filled here for the rows written before.
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS user_id VARCHAR(768);
UPDATE ${handoff_table_prefix}sessions SET user_id = SUBSTRING(subject, 34, CHAR_LENGTH(subject) - 35)
  WHERE user_id IS NULL AND subject LIKE '{"kind":"existingUser","userId":"%';
CREATE INDEX IF NOT EXISTS ${handoff_table_prefix}sessions_user ON ${handoff_table_prefix}sessions (tenant, user_id, id);
-- listEnded reads one range per non-terminal status: marked and finished sessions cost it nothing.
CREATE INDEX IF NOT EXISTS ${handoff_table_prefix}sessions_live ON ${handoff_table_prefix}sessions (status, expires_at_ns);
