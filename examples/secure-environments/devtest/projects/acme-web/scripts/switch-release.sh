#!/usr/bin/env bash
# Points /srv/acme-web/current at the release that "Deploy web" extracted,
# then reloads the application. The previous release stays on disk, so
# rolling back is redeploying the previous version.
set -euo pipefail

release_dir="/srv/acme-web/releases/$ReleaseNumber"
if [ ! -d "$release_dir" ]; then
  echo "release directory $release_dir is missing" >&2
  exit 1
fi

ln -sfn "$release_dir" /srv/acme-web/current.new
mv -T /srv/acme-web/current.new /srv/acme-web/current
sudo systemctl reload acme-web
echo "acme-web $ReleaseNumber is live in $AppEnvironment"
