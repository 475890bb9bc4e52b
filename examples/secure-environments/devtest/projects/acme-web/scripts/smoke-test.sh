#!/usr/bin/env bash
# Fails the deployment unless the release that is now current is the one
# just deployed, with its configuration substituted for this environment.
# A real deployment would also ask the running site, e.g.
#   curl -fsS "$PublicUrl/healthz" | grep '"version":"#{ReleaseNumber}"'
set -euo pipefail

release="#{ReleaseNumber}"
environment="#{AppEnvironment}"
config="${ZONECTL_TARGET_ROOT:-}/srv/acme-web/#{Octopus.Environment.Name}/current/config"

fail() {
  echo "smoke test failed: $*" >&2
  exit 1
}
grep -q "\"version\": \"$release\"" "$config/app.json" ||
  fail "$config/app.json is not release $release"
grep -q "\"environment\": \"$environment\"" "$config/app.json" ||
  fail "$config/app.json is not configured for $environment"
# A doubled hash before a brace (##{) is written once as a literal; a
# template left unsubstituted in the config would show as one.
if grep -n '##{' "$config/app.json" "$config/nginx.conf"; then
  fail "a placeholder above was left unsubstituted"
fi
echo "release $release is current in $environment and fully configured"
