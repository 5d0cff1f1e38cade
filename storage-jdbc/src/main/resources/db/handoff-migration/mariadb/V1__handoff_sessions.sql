-- Handoff sessions, MariaDB 10.6 or later (and MySQL 8). ${handoff_table_prefix} is the table prefix (default "handoff_").
-- Instants are nanoseconds since the epoch (BIGINT): exact to the nanosecond, years 1677 to 2262.
-- Keys are VARBINARY (UTF-8 bytes): exact, case- and padding-sensitive, ordered by code point. Text collations
-- of MariaDB compare 'a' and 'a ' as equal, which would make distinct idempotency keys collide.
-- Intent payload, subject, metadata, presentation, browser and challenge are JSON text written by dev.handoff.spi.Json.
CREATE TABLE IF NOT EXISTS ${handoff_table_prefix}sessions (
  tenant              VARBINARY(1020) NOT NULL,
  id                  VARBINARY(1020) NOT NULL,
  intent_type         VARCHAR(64)     NOT NULL,
  intent_payload      MEDIUMTEXT      NOT NULL,
  subject             MEDIUMTEXT      NOT NULL,
  callback_url        TEXT            NULL,
  metadata            MEDIUMTEXT      NOT NULL,
  presentation        MEDIUMTEXT      NOT NULL,
  created_at_ns       BIGINT          NOT NULL,
  modified_at_ns      BIGINT          NOT NULL,
  expires_at_ns       BIGINT          NOT NULL,
  status              VARCHAR(16)     NOT NULL,
  token_generation    BIGINT          NOT NULL,
  token_digest        TEXT            NOT NULL,
  single_use          BOOLEAN         NOT NULL,
  idempotency_key     VARBINARY(1020) NULL,
  request_fingerprint TEXT            NULL,
  browser             TEXT            NULL,
  challenge           TEXT            NULL,
  row_version         BIGINT          NOT NULL,
  PRIMARY KEY (tenant, id),
  UNIQUE KEY ${handoff_table_prefix}sessions_idempotency (tenant, idempotency_key),
  KEY ${handoff_table_prefix}sessions_expires (expires_at_ns)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- Rate-limit counters (SessionStore.incrementCounter): one row per tenant and key, deleted with expired sessions.
CREATE TABLE IF NOT EXISTS ${handoff_table_prefix}counters (
  tenant        VARBINARY(1020) NOT NULL,
  counter_key   VARBINARY(128)  NOT NULL,
  window_end_ns BIGINT          NOT NULL,
  hits          BIGINT          NOT NULL,
  PRIMARY KEY (tenant, counter_key),
  KEY ${handoff_table_prefix}counters_window_end (window_end_ns)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
