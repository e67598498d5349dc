#!/usr/bin/env bash
# Checks on a real server that the SQL forms the migration analyzer reads as deleting every row
# or dropping tables (src/analyze/domain/migrations/sql.rs, execute.rs) do so: each form runs on
# a fresh `users` table of 5 rows (and a table owned by a role), then what is left is counted.
# Not run in CI (no test depends on PostgreSQL).
#
#   scripts/pg-drop-oracle.sh [BINDIR]     # BINDIR holds initdb and postgres (default /usr/local/bin)
#
# Run as a user initdb accepts (not root). Prints one line per form, e.g.
#   delete-using users=0
# (the bounded control, delete-using-bounded, leaves 4)
# where the number is the rows left (or, for a drop, the tables of that name left).
set -euo pipefail

bin="${1:-/usr/local/bin}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null

fresh="DROP TABLE IF EXISTS users; CREATE TABLE users (id int PRIMARY KEY); INSERT INTO users SELECT generate_series(1, 5);"
rows() { printf "%s\n%s\nSELECT '%s users=' || count(*) AS r FROM users;\n" "$fresh" "$2" "$1"; }
tables() { printf "%s\n%s\nSELECT '%s %s=' || count(*) AS r FROM pg_class WHERE relname = '%s';\n" "$fresh" "$2" "$1" "$3" "$3"; }

{
  rows delete-using "DELETE FROM users USING users u2;"
  rows delete-in-cte "WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone;"
  rows delete-using-bounded "DELETE FROM users USING users u2 WHERE users.id = u2.id AND u2.id = 1;"
  tables execute-format "DO \$\$ BEGIN EXECUTE format('%s TABLE users', 'DROP'); END \$\$;" users
  tables execute-concat "DO \$\$ DECLARE verb text := 'DROP'; BEGIN EXECUTE verb || ' TABLE users'; END \$\$;" users
  tables drop-owned "CREATE ROLE app_owner; CREATE TABLE owned_t (id int); ALTER TABLE owned_t OWNER TO app_owner; DROP OWNED BY app_owner CASCADE;" owned_t
} | "$bin/postgres" --single -j -D "$dir/data" postgres 2>&1 |
  sed -n 's/^\s*[0-9]: r = "\([^"]*\)".*/\1/p'
