#!/usr/bin/env bash
# Dedicated customers get their own tile cache; render the tiles for their
# region before the new version takes traffic.
set -euo pipefail

tiles="/data/fleet-tracker/maps/$ReleaseNumber"
cache="/var/cache/fleet-tracker/$TenantSlug"
mkdir -p "$cache"
"/opt/fleet-tracker/$TenantSlug/$ReleaseNumber/bin/fleet-tracker" warm-cache \
  --tiles "$tiles" --region "$MapRegion" --cache "$cache" --max-size "${TileCacheSizeGb}G"
