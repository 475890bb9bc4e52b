#!/usr/bin/env bash
# The secure-environments story of SPEC §1, end to end, in a temporary
# directory: two Spaces, devtest and prod, on either side of a PCI boundary.
#
#   usage: demo.sh [ZONECTL]      (make demo builds zonectl and runs this)
#
# Everything is created under one temporary directory, which HOME and
# XDG_CONFIG_HOME point into, so the demo never reads or writes your own
# keys or Git configuration. Set KEEP=1 to keep the directory afterwards.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
zonectl=${1:-zonectl}
work=$(mktemp -d "${TMPDIR:-/tmp}/zonectl-demo.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
	echo "demo: keeping $work"
else
	trap 'rm -rf "$work"' EXIT
fi
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Demo Release Engineer" GIT_AUTHOR_EMAIL=re@example.com
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
mkdir -p "$HOME"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '$ %s\n' "$*"; "$@"; }

cd "$work"
step "Create the two Spaces, each with its own key pair"
run "$zonectl" init devtest
run "$zonectl" init prod

step "Trust each other: devtest takes receipts from prod, prod takes releases from devtest"
run "$zonectl" -C devtest peer add prod --key ../prod/keys/prod.asc --accepts receipts
run "$zonectl" -C prod peer add devtest --key ../devtest/keys/devtest.asc --accepts releases

step "Bring in the example configuration (environments, lifecycles, the acme-web project)"
cp "$here/devtest/environments.hcl" "$here/devtest/lifecycles.hcl" devtest/
cp -R "$here/devtest/projects" devtest/
cp "$here/prod/environments.hcl" "$here/prod/lifecycles.hcl" prod/
cp -R "$here/prod/imports" prod/

step "Validate and format-check both Spaces, as CI does on every pull request"
for s in devtest prod; do
	run "$zonectl" -C "$s" validate
	run "$zonectl" -C "$s" fmt --check
done

step "Commit the configuration"
for s in devtest prod; do
	git -C "$s" add -A
	git -C "$s" commit -q -m "Configure $s from the secure-environments example"
	git -C "$s" log --oneline
done

step "Stock GnuPG verifies the first, zonectl-signed commit of each Space"
export GNUPGHOME=$work/gnupg
mkdir -m 700 "$GNUPGHOME"
for s in devtest prod; do
	"$zonectl" -C "$s" keys export | gpg --batch --quiet --import
	first=$(git -C "$s" rev-list --max-parents=0 HEAD)
	run git -C "$s" verify-commit "$first"
done
gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null || true

step "Done"
echo "Both Spaces are valid and signed. Releases, promotion and the dashboard come next."
