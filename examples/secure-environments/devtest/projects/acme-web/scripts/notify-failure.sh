#!/bin/sh
# Runs only when an earlier step failed. AlertWebhookUrl is optional: an
# environment without one is not notified.
set -eu

if [ -z "${AlertWebhookUrl:-}" ]; then
  echo "no AlertWebhookUrl for $AppEnvironment; nobody to notify"
  exit 0
fi

curl -fsS --max-time 10 -H 'Content-Type: application/json' \
  -d "{\"text\":\"acme-web $ReleaseNumber failed to deploy to $AppEnvironment\"}" \
  "$AlertWebhookUrl"
