#!/usr/bin/env bash
# A deploy job: deploy the release to one environment, through the
# lifecycle (it refuses, saying what is missing, until the phases before are
# done). The deployment is recorded in the ledger and pushed.
#
#   PROJECT, VERSION, ENVIRONMENT
set -euo pipefail
: "${PROJECT:?}" "${VERSION:?}" "${ENVIRONMENT:?}"
zonectl deploy "$PROJECT" "$VERSION" --to "$ENVIRONMENT" --strict
