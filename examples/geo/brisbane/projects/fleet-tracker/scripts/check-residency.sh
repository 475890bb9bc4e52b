#!/usr/bin/env bash
# Refuses to deploy an EU instance whose data would leave the EU.
set -euo pipefail

case "$DataBucket" in
  s3://fleet-eu-*) echo "data bucket $DataBucket is in the EU" ;;
  *)
    echo "refusing: $TenantSlug in $EnvironmentName would store data in $DataBucket" >&2
    exit 1
    ;;
esac
