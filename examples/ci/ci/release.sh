#!/usr/bin/env bash
# The release job: push the built package to the Space's store (on its
# registry, as the store block says), create the release and push it to
# the Space's remote (zonectl does, as it commits).
# Run again for the same commit (a job re-run), it finds both made and does
# nothing. Automatic deployments are left to the deploy jobs.
#
#   PROJECT, VERSION    what to release
#   PACKAGE             the package file the build made
#   NOTES               release notes (passed through the environment, never
#                       pasted into the script: a commit message is input)
set -euo pipefail
: "${PROJECT:?}" "${VERSION:?}" "${PACKAGE:?}"
zonectl package push "$PACKAGE" --id "$PROJECT" --version "$VERSION"
zonectl release create "$PROJECT" --version "$VERSION" --notes "${NOTES:-}" --strict --no-deploy
