#!/usr/bin/env bash
# The pull-request check: zonectl validate, each diagnostic an annotation on
# the line it concerns (GitHub's ::error file=…,line=…::… workflow command),
# then zonectl fmt --check. Needs zonectl and jq.
set -euo pipefail
status=0
zonectl validate --output json > "${RUNNER_TEMP:-/tmp}/diagnostics.json" || status=$?
jq -r '.[] | "::\(.severity) file=\(.file // "space.hcl"),line=\(.start.line // 1),col=\(.start.column // 1),title=\(.summary)::\(.detail | gsub("\n"; "%0A"))"' \
	"${RUNNER_TEMP:-/tmp}/diagnostics.json"
if ! zonectl fmt --check --diff; then
	echo "::error::HCL files are not formatted; run zonectl fmt and commit the result"
	status=1
fi
exit $status
