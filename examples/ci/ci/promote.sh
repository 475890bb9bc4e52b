#!/usr/bin/env bash
# The promote job: once the lifecycle allows it, build the bundle for the
# target Space (to carry across the air gap), or push it to the target's
# repository when the peer has a url and PUSH=1.
#
#   PROJECT, VERSION, TARGET, OUT (the .zbundle to write)
set -euo pipefail
: "${PROJECT:?}" "${VERSION:?}" "${TARGET:?}"
if [ "${PUSH:-}" = 1 ]; then
	zonectl promote "$PROJECT" "$VERSION" --to "$TARGET" --push
else
	: "${OUT:?}"
	zonectl promote "$PROJECT" "$VERSION" --to "$TARGET" --out "$OUT"
fi
