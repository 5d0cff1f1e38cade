-- Handoff sessions, PostgreSQL 12 or later. ${handoff_table_prefix} is the table prefix (default "handoff_").
-- Instants are nanoseconds since the epoch (BIGINT): exact to the nanosecond, years 1677 to 2262.
-- Keys use the "C" collation: exact, case- and padding-sensitive, ordered by code point like the other dialects.
-- Intent payload, subject, metadata, presentation, browser and challenge are JSON text written by dev.handoff.spi.Json.
CREATE TABLE IF NOT EXISTS ${handoff_table_prefix}sessions (
  tenant              VARCHAR(255) COLLATE "C" NOT NULL,
  id                  VARCHAR(255) COLLATE "C" NOT NULL,
  intent_type         VARCHAR(64)  NOT NULL,
  intent_payload      TEXT         NOT NULL,
  subject             TEXT         NOT NULL,
  callback_url        TEXT,
  metadata            TEXT         NOT NULL,
  presentation        TEXT         NOT NULL,
  created_at_ns       BIGINT       NOT NULL,
  modified_at_ns      BIGINT       NOT NULL,
  expires_at_ns       BIGINT       NOT NULL,
  status              VARCHAR(16)  NOT NULL,
  token_generation    BIGINT       NOT NULL,
  token_digest        TEXT         NOT NULL,
  single_use          BOOLEAN      NOT NULL,
  idempotency_key     VARCHAR(255) COLLATE "C",
  request_fingerprint TEXT,
  browser             TEXT,
  challenge           TEXT,
  row_version         BIGINT       NOT NULL,
  CONSTRAINT ${handoff_table_prefix}sessions_pk PRIMARY KEY (tenant, id),
  CONSTRAINT ${handoff_table_prefix}sessions_idempotency UNIQUE (tenant, idempotency_key)
);
CREATE INDEX IF NOT EXISTS ${handoff_table_prefix}sessions_expires ON ${handoff_table_prefix}sessions (expires_at_ns);
-- Rate-limit counters (SessionStore.incrementCounter): one row per tenant and key, deleted with expired sessions.
CREATE TABLE IF NOT EXISTS ${handoff_table_prefix}counters (
  tenant        VARCHAR(255) COLLATE "C" NOT NULL,
  counter_key   VARCHAR(128) COLLATE "C" NOT NULL,
  window_end_ns BIGINT       NOT NULL,
  hits          BIGINT       NOT NULL,
  CONSTRAINT ${handoff_table_prefix}counters_pk PRIMARY KEY (tenant, counter_key)
);
CREATE INDEX IF NOT EXISTS ${handoff_table_prefix}counters_window_end ON ${handoff_table_prefix}counters (window_end_ns);
