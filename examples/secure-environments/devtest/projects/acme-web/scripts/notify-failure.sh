#!/bin/sh
# Runs only when an earlier step failed. AlertWebhookUrl is optional: an
# environment without one is not notified.
set -eu

message="acme-web #{ReleaseNumber} failed to deploy to #{AppEnvironment}"
if [ -z "${AlertWebhookUrl:-}" ]; then
  echo "$message; no AlertWebhookUrl, so nobody is notified"
  exit 0
fi

curl -fsS --max-time 10 -H 'Content-Type: application/json' \
  -d "{\"text\":\"$message\"}" "$AlertWebhookUrl"
echo "$message; notified $AlertWebhookUrl"
