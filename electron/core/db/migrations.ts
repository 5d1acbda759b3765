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
  },
  {
    id: 2,
    name: 'drafts keyed by kind and server object; provisioning history',
    sql: `
-- The drafts of migration 1 were never written; the new table keys a draft by its kind and server object.
DROP TABLE drafts;
CREATE TABLE drafts (
  id             TEXT PRIMARY KEY,
  connection_id  TEXT REFERENCES connections(id) ON DELETE SET NULL,
  kind           TEXT NOT NULL,
  server_id      TEXT,
  name           TEXT NOT NULL,
  op             TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  -- the kind's document and the server's document it started from, sealed by the secret store
  -- (vault data holds secrets): never plain text on disk
  content_ref    TEXT NOT NULL,
  base_ref       TEXT,
  base_hash      TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX drafts_by_object ON drafts(connection_id, kind, server_id) WHERE server_id IS NOT NULL;
CREATE INDEX drafts_by_connection ON drafts(connection_id, kind);

CREATE TABLE provisioning_runs (
  id               TEXT PRIMARY KEY,
  connection_id    TEXT REFERENCES connections(id) ON DELETE SET NULL,
  connection_name  TEXT NOT NULL,
  server_url       TEXT NOT NULL,
  applied_by       TEXT NOT NULL,
  started_at       INTEGER NOT NULL,
  finished_at      INTEGER
);
CREATE TABLE provisioning_changes (
  run_id      TEXT NOT NULL REFERENCES provisioning_runs(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  server_id   TEXT,
  name        TEXT NOT NULL,
  action      TEXT NOT NULL,
  result      TEXT NOT NULL,
  message     TEXT NOT NULL,
  -- the object before and after, sealed like drafts
  before_ref  TEXT,
  after_ref   TEXT,
  PRIMARY KEY (run_id, seq)
);
`
  },
  {
    id: 3,
    name: 'web app cloud access keys and per-connection local settings',
    sql: `
-- The web app's "Web App Cloud Access" bucket keys, kept on this desktop only (never sent to the server), per
-- connection. The secret and the token are sealed by the secret store; the endpoint is stored normalised
-- (normaliseEndpoint), so one bucket at one endpoint is listed once.
CREATE TABLE cloud_access (
  id             TEXT PRIMARY KEY,
  connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  bucket         TEXT NOT NULL,
  endpoint       TEXT NOT NULL DEFAULT '',
  access_key     TEXT NOT NULL DEFAULT '',
  secret_ref     TEXT,
  token_ref      TEXT,
  region         TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX cloud_access_by_bucket ON cloud_access(connection_id, bucket, endpoint);

-- This console's own settings for one connection (what the web app keeps in its browser, e.g. disableHidpi).
CREATE TABLE connection_settings (
  connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  key            TEXT NOT NULL,
  value          TEXT NOT NULL CHECK (json_valid(value)),
  PRIMARY KEY (connection_id, key)
);
`
  },
  {
    id: 4,
    name: 'synced organisation users and access rules',
    sql: `
-- The organisation's users (and pending email invitations, kind 1) synced page by page from the server, so the
-- Users table searches, sorts and pages 50,000 rows locally. \`search\` is lower(name, email, id) for substring
-- search; \`groups\` is ",id,id," (group ids, built-ins included); times are the server's ISO strings. \`gen\` is the
-- sync that last saw the row: a finished sync deletes the rows it did not see (removed users).
CREATE TABLE admin_users (
  connection_id     TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  id                TEXT NOT NULL,
  kind              INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1)),
  name              TEXT NOT NULL,
  email             TEXT,
  role              TEXT,
  added             TEXT,
  groups            TEXT NOT NULL DEFAULT ',',
  last_login        TEXT,
  last_provider     TEXT,
  credentials_used  TEXT,
  ui_access         TEXT,
  read_only         INTEGER NOT NULL DEFAULT 0,
  search            TEXT NOT NULL,
  gen               INTEGER NOT NULL,
  PRIMARY KEY (connection_id, id)
) WITHOUT ROWID;
CREATE INDEX admin_users_by_name ON admin_users(connection_id, name COLLATE NOCASE);

-- The access rules (permissions.get_access_rules), synced the same way for the Access Rules screen.
CREATE TABLE admin_access_rules (
  connection_id     TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  id                TEXT NOT NULL,
  seq               INTEGER NOT NULL,
  name              TEXT NOT NULL,
  description       TEXT,
  entity_type       TEXT NOT NULL,
  entity_id         TEXT,
  entity_name       TEXT,
  access_permission TEXT NOT NULL,
  groups            TEXT NOT NULL CHECK (json_valid(groups)),
  users             TEXT NOT NULL CHECK (json_valid(users)),
  autocreated       INTEGER NOT NULL DEFAULT 0,
  search            TEXT NOT NULL,
  gen               INTEGER NOT NULL,
  PRIMARY KEY (connection_id, id)
) WITHOUT ROWID;

-- When each synced table was last completed, and how many rows it holds.
CREATE TABLE admin_sync (
  connection_id  TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
  kind           TEXT NOT NULL,
  synced_at      INTEGER NOT NULL,
  count          INTEGER NOT NULL,
  gen            INTEGER NOT NULL,
  PRIMARY KEY (connection_id, kind)
);
`
  }
]
