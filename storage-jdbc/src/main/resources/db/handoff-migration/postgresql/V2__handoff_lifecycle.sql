-- Handoff sessions, version 2: the two clocks, recovery links and the access log of a session, and the indexes
-- of listByUser and listEnded. Like V1, safe to run again (createSchemaIfMissing runs every file at each start).
-- Clocks are NULL on rows written before this version: they read as the single lifetime those rows had.
-- recovery and access_log are JSON text written by the store, NULL when none.
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS link_expires_at_ns BIGINT;
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS idle_timeout_ns BIGINT;
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS active_lifetime_ns BIGINT;
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS recovery TEXT;
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS access_log TEXT;
-- The id of an existing user subject as its JSON in the subject column writes it (escaped, without quotes), NULL
-- for other subjects: filled here for the rows written before.
ALTER TABLE ${handoff_table_prefix}sessions ADD COLUMN IF NOT EXISTS user_id VARCHAR(768) COLLATE "C";
UPDATE ${handoff_table_prefix}sessions SET user_id = SUBSTRING(subject FROM 34 FOR CHAR_LENGTH(subject) - 35)
  WHERE user_id IS NULL AND subject LIKE '{"kind":"existingUser","userId":"%';
CREATE INDEX IF NOT EXISTS ${handoff_table_prefix}sessions_user ON ${handoff_table_prefix}sessions (tenant, user_id, id)
  WHERE user_id IS NOT NULL;
-- Only the sessions that can still end without a final status: marked and finished ones cost listEnded nothing.
CREATE INDEX IF NOT EXISTS ${handoff_table_prefix}sessions_live ON ${handoff_table_prefix}sessions (expires_at_ns)
  WHERE status IN ('OPEN', 'LOGIN_REQUIRED', 'ACTIVE');
