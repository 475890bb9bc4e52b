#!/usr/bin/env bash
# Points the customer's instance at the new release and restarts it.
set -euo pipefail

base="/opt/fleet-tracker/$TenantSlug"
ln -sfn "$base/$ReleaseNumber" "$base/current.new"
mv -T "$base/current.new" "$base/current"
sudo systemctl restart "fleet-tracker@$TenantSlug"
echo "fleet-tracker $ReleaseNumber restarted for $TenantSlug"
