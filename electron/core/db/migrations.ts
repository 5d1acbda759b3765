import type { Migration } from './migrate'

/**
 * The app's schema. Append only: an applied migration must never be edited (its checksum is recorded
 * and an edit is refused at open). Add a new entry with the next id instead.
 *
 * Conventions: snake_case, times in ms since the epoch (INTEGER), JSON in TEXT columns,
 * booleans as INTEGER 0/1. Secrets never appear here in plain text: `secret_ref` holds the tagged
 * ciphertext from the secret store ($00:/$01:).
 */
export const coreMigrations: Migration[] = [
  {
    id: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE connections (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  api_url     TEXT NOT NULL,
  web_url     TEXT,
  files_url   TEXT,
  access_key  TEXT,
  secret_ref  TEXT,
  production  INTEGER NOT NULL DEFAULT 0 CHECK (production IN (0, 1)),
  verify_tls  INTEGER NOT NULL DEFAULT 1 CHECK (verify_tls IN (0, 1)),
  ca_file     TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL CHECK (json_valid(value))
);

CREATE TABLE cache (
  connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  kind           TEXT NOT NULL,
  key            TEXT NOT NULL,
  value          TEXT NOT NULL CHECK (json_valid(value)),
  fetched_at     INTEGER NOT NULL,
  PRIMARY KEY (connection_id, kind, key)
);

-- Drafts are the user's own edits: deleting a connection must not lose them, so the link is cleared
-- (they stay exportable) rather than cascaded.
CREATE TABLE drafts (
  id             TEXT PRIMARY KEY,
  connection_id  TEXT REFERENCES connections(id) ON DELETE SET NULL,
  kind           TEXT NOT NULL,
  name           TEXT NOT NULL,
  format         TEXT NOT NULL,
  text           TEXT NOT NULL,
  base_version   TEXT,
  base_text      TEXT,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX drafts_by_connection ON drafts(connection_id, kind);
`
  }
]
