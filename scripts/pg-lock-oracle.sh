#!/usr/bin/env bash
# Checks the PostgreSQL rows of the migration lock table (src/analyze/domain/migrations/locks.rs)
# against a real server: each locking statement runs in a rolled-back transaction and the
# locks it holds are read from pg_locks. Not run in CI (no test depends on PostgreSQL).
#
#   scripts/pg-lock-oracle.sh [BINDIR]     # BINDIR holds initdb and postgres (default /usr/local/bin)
#
# Run as a user initdb accepts (not root), e.g. `su postgres -s /bin/bash -c scripts/pg-lock-oracle.sh`.
# Prints one line per (statement, table, lock mode) it holds, and whether the statement
# rewrote the table (its relfilenode changed), e.g.
#   set-not-null users AccessExclusiveLock kept
# A lock mode says what waits; "rewritten" (or a validation scan) says for how long.
set -euo pipefail

bin="${1:-/usr/local/bin}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null

probe() { # name, statement(s)
  printf "BEGIN;\n%s\nSELECT '%s' AS s, c.relname, l.mode, CASE WHEN c.relfilenode = b.relfilenode THEN 'kept' ELSE 'rewritten' END AS file FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN before b ON b.relname = c.relname WHERE l.pid = pg_backend_pid();\nROLLBACK;\n" "$2" "$1"
}

{
  echo "CREATE TABLE users (id bigint PRIMARY KEY, email text);"
  echo "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int, created_at timestamptz);"
  echo "CREATE TABLE before AS SELECT relname, relfilenode FROM pg_class WHERE relname IN ('users', 'orders');"
  probe set-not-null "ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
  probe foreign-key "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);"
  probe foreign-key-validate "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID; COMMIT; BEGIN; ALTER TABLE orders VALIDATE CONSTRAINT fk;"
  probe check "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0);"
  probe create-index "CREATE INDEX orders_created ON orders (created_at);"
  probe type-change "ALTER TABLE orders ALTER COLUMN total TYPE bigint;"
  probe volatile-default "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();"
  probe constant-default "ALTER TABLE users ADD COLUMN active boolean DEFAULT true;"
  probe unique "ALTER TABLE users ADD CONSTRAINT users_email UNIQUE (email);"
} | "$bin/postgres" --single -D "$dir/data" postgres 2>&1 |
  sed -n 's/^\s*[0-9]: \(s\|relname\|mode\|file\) = "\([^"]*\)".*/\2/p' | paste -d' ' - - - - | sort -u
