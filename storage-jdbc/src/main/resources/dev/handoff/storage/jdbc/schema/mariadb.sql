-- Handoff sessions, MariaDB 10.6 or later (and MySQL 8). ${table} is the table name (prefix + "sessions").
-- Instants are nanoseconds since the epoch (BIGINT): exact to the nanosecond, years 1677 to 2262.
-- Keys are VARBINARY (UTF-8 bytes): exact, case- and padding-sensitive, ordered by code point. Text collations
-- of MariaDB compare 'a' and 'a ' as equal, which would make distinct idempotency keys collide.
-- Intent payload, subject, metadata, browser and challenge are JSON text written by dev.handoff.spi.Json.
CREATE TABLE IF NOT EXISTS ${table} (
  tenant              VARBINARY(1020) NOT NULL,
  id                  VARBINARY(1020) NOT NULL,
  intent_type         VARCHAR(64)     NOT NULL,
  intent_payload      MEDIUMTEXT      NOT NULL,
  subject             MEDIUMTEXT      NOT NULL,
  callback_url        TEXT            NULL,
  metadata            MEDIUMTEXT      NOT NULL,
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
  UNIQUE KEY ${table}_idempotency (tenant, idempotency_key),
  KEY ${table}_expires (expires_at_ns)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
