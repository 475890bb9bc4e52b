#!/usr/bin/env bash
# Points /srv/acme-web/<environment>/current at the release that "Deploy
# web" extracted. The previous releases stay on disk, so rolling back is
# redeploying the previous version. Under $ZONECTL_TARGET_ROOT when zonectl
# rehearses a deployment there, as "Deploy web" is.
set -euo pipefail

release="#{ReleaseNumber}"
base="${ZONECTL_TARGET_ROOT:-}/srv/acme-web/#{Octopus.Environment.Name}"
if [ ! -d "$base/releases/$release" ]; then
  echo "release directory $base/releases/$release is missing" >&2
  exit 1
fi

# Replace the link with a rename, so that nothing ever sees it missing
# (mv -T is GNU's; elsewhere fall back to ln -sfn).
ln -sfn "releases/$release" "$base/current.new"
if ! mv -T "$base/current.new" "$base/current" 2>/dev/null; then
  rm -f "$base/current.new"
  ln -sfn "releases/$release" "$base/current"
fi

# A real host reloads the application here: sudo systemctl reload acme-web
echo "acme-web $release is current in #{AppEnvironment}: $base/current -> releases/$release"
