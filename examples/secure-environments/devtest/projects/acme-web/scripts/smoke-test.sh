#!/usr/bin/env bash
# Fails the deployment unless the site reports the release just deployed.
set -euo pipefail

url="$PublicUrl/healthz"
for attempt in 1 2 3 4 5 6; do
  if body=$(curl -fsS --max-time 5 "$url"); then
    if printf '%s' "$body" | grep -q "\"version\":\"$ReleaseNumber\""; then
      echo "$url reports $ReleaseNumber"
      exit 0
    fi
    echo "attempt $attempt: $url reports another version: $body"
  else
    echo "attempt $attempt: $url did not answer"
  fi
  sleep 10
done
echo "smoke test failed: $url never reported $ReleaseNumber" >&2
exit 1
