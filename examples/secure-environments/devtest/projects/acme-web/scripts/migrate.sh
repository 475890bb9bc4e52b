#!/usr/bin/env bash
# Applies the SQL migrations shipped in the acme-web package, in name order.
# The step extracts the package beside this script (./acme-web). Applied
# migrations are recorded, so running the step again applies only new ones.
#
# zonectl substitutes ##{...} in this script before it runs; every resolved
# variable is also in the environment ($DatabaseHost, $DbPassword, ...).
set -euo pipefail

environment="#{AppEnvironment}"
: "${DbPassword:?DbPassword has no value for $environment}"

# A real deployment keeps the record in the database itself, in a
# schema_migrations table. This example runs anywhere without a database:
# it keeps the record in a file, under $ZONECTL_TARGET_ROOT when zonectl
# rehearses a deployment there.
state_dir="${ZONECTL_TARGET_ROOT:-}/var/lib/acme-web/$environment"
state="$state_dir/schema_migrations"
mkdir -p "$state_dir"
touch "$state"

echo "database $DatabaseName on $DatabaseHost as $DatabaseUser (statement_timeout=$DbStatementTimeout)"
applied=0
for file in acme-web/migrations/*.sql; do
  [ -e "$file" ] || continue
  name=$(basename "$file")
  if grep -qxF "$name" "$state"; then
    continue
  fi
  echo "applying $name"
  # A real deployment runs the migration here, recording it in the same
  # transaction, so that a failed migration leaves no trace:
  #
  #   PGPASSWORD="$DbPassword" PGOPTIONS="-c statement_timeout=$DbStatementTimeout" \
  #     psql -h "$DatabaseHost" -d "$DatabaseName" -U "$DatabaseUser" \
  #       -v ON_ERROR_STOP=1 -v name="$name" --single-transaction \
  #       -f "$file" -c "INSERT INTO schema_migrations (name) VALUES (:'name')"
  printf '%s\n' "$name" >>"$state"
  applied=$((applied + 1))
done
echo "$applied new migration(s) applied; $(wc -l <"$state" | tr -d ' ') in $environment"
