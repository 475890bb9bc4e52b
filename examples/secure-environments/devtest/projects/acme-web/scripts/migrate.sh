#!/usr/bin/env bash
# Applies the SQL migrations shipped in the acme-web package, in name order,
# each in its own transaction. The step extracts the package beside this
# script (./acme-web). Applied migrations are recorded in schema_migrations,
# so running the step again applies only new ones.
set -euo pipefail

export PGHOST="$DatabaseHost"
export PGDATABASE="$DatabaseName"
export PGUSER="$DatabaseUser"
export PGPASSWORD="$DbPassword"
export PGOPTIONS="-c statement_timeout=$DbStatementTimeout"

psql -v ON_ERROR_STOP=1 -q <<'SQL'
CREATE TABLE IF NOT EXISTS schema_migrations (
  name       text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
SQL

record="INSERT INTO schema_migrations (name) VALUES (:'name');"
applied=0
for file in acme-web/migrations/*.sql; do
  [ -e "$file" ] || continue
  name=$(basename "$file")
  seen=$(psql -tA -v name="$name" <<<"SELECT 1 FROM schema_migrations WHERE name = :'name'")
  if [ "$seen" = "1" ]; then
    continue
  fi
  echo "applying $name to $PGDATABASE on $PGHOST ($AppEnvironment)"
  {
    cat "$file"
    printf '\n%s\n' "$record"
  } | psql -v ON_ERROR_STOP=1 -q -v name="$name" --single-transaction -f -
  applied=$((applied + 1))
done
echo "$applied migration(s) applied"
