#!/usr/bin/env bash
# The secure-environments story of SPEC §1, in a temporary directory, offline:
# two Spaces, devtest and prod, on either side of a PCI boundary. This is the
# devtest side: CI builds acme-web 1.4.0, pushes the package and creates the
# release, which deploys to Development by itself; someone deploys it to Test;
# Production is prod's, so devtest cannot deploy there. The dashboard ends it.
#
#   usage: demo.sh [ZONECTL]      (make demo builds zonectl and runs this)
#
# Everything is created under one temporary directory: HOME, XDG_CONFIG_HOME
# (where the Spaces' private keys go) and GNUPGHOME point into it, so the demo
# never reads or writes your own keys or Git configuration, and deployments
# land under $ZONECTL_TARGET_ROOT inside it instead of /srv and /var/lib.
# Set KEEP=1 to keep the directory afterwards and look around.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
zonectl_bin=${1:-zonectl}
case $zonectl_bin in
*/*) zonectl_bin=$(cd "$(dirname "$zonectl_bin")" && pwd)/$(basename "$zonectl_bin") ;;
# A bare name is looked up now: the function below is called zonectl too,
# and would call itself.
*) zonectl_bin=$(command -v "$zonectl_bin") || { echo "demo: no zonectl on the PATH; run make demo, or pass its path" >&2; exit 1; } ;;
esac
# Every command below is printed as typed, so call zonectl by its name.
zonectl() { "$zonectl_bin" "$@"; }
zonectl version >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/zonectl-demo.XXXXXX")
cleanup() {
	gpgconf --kill all >/dev/null 2>&1 || true
	if [ -s "$work/git-daemon.pid" ]; then
		kill "$(cat "$work/git-daemon.pid")" 2>/dev/null || true
	fi
	if [ "${KEEP:-}" = 1 ]; then
		echo "demo: kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'echo "demo: failed: $BASH_COMMAND" >&2' ERR

export HOME=$work/home
export XDG_CONFIG_HOME=$HOME/.config GNUPGHOME=$HOME/.gnupg
export ZONECTL_TARGET_ROOT=$work/target
export GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Demo Release Engineer" GIT_AUTHOR_EMAIL=re@example.com
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
unset ZONECTL_KEY ZONECTL_PASSPHRASE_FILE ZONECTL_STORE GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME" "$ZONECTL_TARGET_ROOT"
mkdir -m 700 "$GNUPGHOME"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	bold=$'\033[1m' dim=$'\033[2m' plain=$'\033[0m'
else
	bold='' dim='' plain=''
fi

# step prints a heading; say prints a command line as typed; run says a
# command and runs it. The prompt names the Space the command runs in.
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
note() { printf '%s# %s%s\n' "$dim" "$*" "$plain"; }
say() {
	local where=${PWD#"$work"}
	where=${where#/}
	printf '%s%s$ %s%s\n' "$bold" "${where:+$where}" "$*" "$plain"
}
quote() {
	local a out=()
	for a in "$@"; do
		if [[ $a =~ ^[][A-Za-z0-9_./=:@,+%-]+$ ]]; then
			out+=("$a")
		else
			out+=("'${a//\'/\'\\\'\'}'")
		fi
	done
	printf '%s' "${out[*]}"
}
run() {
	say "$(quote "$@")"
	"$@"
}

cd "$work"

step "Create the two Spaces, each a Git repository with its own key pair"
run zonectl init devtest
run zonectl init prod

step "Serve prod's repository with stock git daemon on loopback, for the connected part"
# A free port: git daemon refuses a busy one, so try a few.
for try in 1 2 3 4 5 6 7 8; do
	port=$((20000 + RANDOM % 20000))
	rm -f "$work/git-daemon.pid"
	git daemon --base-path="$work" --export-all --enable=receive-pack --listen=127.0.0.1 \
		--port="$port" --reuseaddr --detach --pid-file="$work/git-daemon.pid" 2>/dev/null || continue
	for wait in 1 2 3 4 5 6 7 8 9 10; do
		git ls-remote "git://127.0.0.1:$port/prod" >/dev/null 2>&1 && break 2
		sleep 0.2
	done
done
git ls-remote "git://127.0.0.1:$port/prod" >/dev/null
note "git://127.0.0.1:$port/prod"

step "Trust each other: devtest takes receipts from prod, prod takes releases from devtest"
run zonectl -C devtest peer add prod --key ../prod/keys/prod.asc --accepts receipts --url "git://127.0.0.1:$port/prod"
run zonectl -C prod peer add devtest --key ../devtest/keys/devtest.asc --accepts releases

step "Bring in the example configuration (environments, lifecycles, the acme-web project)"
note "copied from examples/secure-environments/{devtest,prod}"
run cp "$here/devtest/environments.hcl" "$here/devtest/lifecycles.hcl" devtest/
run cp -R "$here/devtest/projects" devtest/
run cp "$here/prod/environments.hcl" "$here/prod/lifecycles.hcl" prod/
run cp -R "$here/prod/imports" prod/

step "Validate and format-check both Spaces, as CI does on every pull request"
for s in devtest prod; do
	run zonectl -C "$s" validate
	run zonectl -C "$s" fmt --check
done

step "Commit the configuration"
for s in devtest prod; do
	run git -C "$s" add -A
	run git -C "$s" commit -q -m "Configure $s from the secure-environments example"
done

# From here on, the devtest side: commands run inside the devtest Space.
cd "$work/devtest"

step "devtest CI: build the acme-web package and push it to the package store"
version=$(cat "$here/package/acme-web/VERSION")
note "the application's source is examples/secure-environments/package/acme-web"
run mkdir -p ../dist
run tar -czf "../dist/acme-web.$version.tar.gz" -C "$here/package/acme-web" VERSION config migrations public
run zonectl package push "../dist/acme-web.$version.tar.gz" --id acme-web --version "$version"
run zonectl package list

step "devtest: set the DbPassword that Development and Test need, encrypted to devtest's key"
note "DbPassword is a sensitive variable template: each environment needs its own value."
note "On a terminal, secret set prompts for it; here it comes on stdin."
dev_password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
test_password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
say 'printf %s "$dev_password" | zonectl secret set DbPassword --env Development'
printf %s "$dev_password" | zonectl secret set DbPassword --env Development
say 'printf %s "$test_password" | zonectl secret set DbPassword --env Test'
printf %s "$test_password" | zonectl secret set DbPassword --env Test
run git diff --stat
run zonectl validate
run git commit -q -a -m "Set DbPassword for Development and Test"

step "devtest CI: create release $version; the lifecycle deploys it to Development at once"
run zonectl release create acme-web --version "$version" --notes "Orders can be cancelled"

step "devtest: deploy to Test, which the lifecycle allows now that Development is done"
run zonectl deploy acme-web "$version" --to Test

step "devtest: Production belongs to prod, so devtest may not deploy there"
say "$(quote zonectl deploy acme-web "$version" --to Production)"
if zonectl deploy acme-web "$version" --to Production 2>&1; then
	echo "demo: devtest deployed to prod's Production; it must have been refused" >&2
	exit 1
else
	status=$?
fi
if [ "$status" != 1 ]; then
	echo "demo: the refusal exited with status $status, not 1" >&2
	exit 1
fi
note "refused (exit status 1): a release reaches prod by promotion"

step "What the deployments left on the (rehearsal) target: ZONECTL_TARGET_ROOT=../target"
run ls ../target/srv/acme-web/Development/releases ../target/srv/acme-web/Test/releases
run readlink ../target/srv/acme-web/Test/current
run grep -E '"(version|environment|logLevel|host)"' ../target/srv/acme-web/Test/current/config/app.json
run grep -E 'server_name|X-Acme-Release' ../target/srv/acme-web/Test/current/config/nginx.conf
run cat ../target/var/lib/acme-web/Test/schema_migrations

step "The release: a signed snapshot of the process, variables and package hashes"
say "$(quote zonectl release show acme-web "$version") | sed -n 1,24p   # the rest is each step's script"
zonectl release show acme-web "$version" | sed -n 1,24p
note "stock Git and GnuPG verify it, with nothing but devtest's public key"
zonectl keys export | gpg --batch --quiet --import 2>/dev/null
say "$(quote git verify-commit "refs/zonectl/releases/acme-web/$version") 2>&1 | grep 'Good signature'"
git verify-commit "refs/zonectl/releases/acme-web/$version" 2>&1 | grep 'Good signature'
run git log --format=%s refs/zonectl/ledger

step "The plan for a redeployment to Development, without running it: secrets stay masked"
run zonectl deploy acme-web "$version" --to Development --dry-run

step "devtest: promote $version to prod — Test is done, so the lifecycle allows it"
note "the release is sliced for prod's environments: no step or value for Development or"
note "Test leaves devtest, and every secret is re-encrypted to prod's key"
run zonectl promote acme-web "$version" --to prod --out "../acme-web-$version.zbundle"

step "The air gap: an auditor checks the bundle with stock tools, without zonectl"
run tar -tvf "../acme-web-$version.zbundle"
run mkdir -p ../audit
run tar -xf "../acme-web-$version.zbundle" -C ../audit
say "gpg --verify ../audit/manifest.json.asc ../audit/manifest.json 2>&1 | grep -E 'Good signature|notation|document-type'"
gpg --batch --verify-options show-notations --verify ../audit/manifest.json.asc ../audit/manifest.json 2>&1 | grep -E 'Good signature|document-type'
say "sha256sum ../audit/release.bundle ../audit/packages/*   # equal to the manifest's"
( cd ../audit && sha256sum release.bundle packages/* )
run grep -E '"(bundle_sha256|sha256|sequence|expires)"' ../audit/manifest.json
run git -C ../prod bundle verify "$work/audit/release.bundle"

# From here on, the prod side: commands run inside the prod Space.
cd "$work/prod"

step "prod: import — signature, target, expiry, sequence and every hash checked first"
run zonectl import "../acme-web-$version.zbundle"
run zonectl import "../acme-web-$version.zbundle"

step "prod: review what arrives, and what prod must supply"
run zonectl review acme-web "$version"

step "prod: accept with prod's own secrets, encrypted to prod's key"
staging_password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
production_password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
say "zonectl accept acme-web $version --set 'DbPassword[Staging]=…' --set 'DbPassword[Production]=…'"
zonectl accept acme-web "$version" --set "DbPassword[Staging]=$staging_password" --set "DbPassword[Production]=$production_password"
run git log --format='%h %s' -3 main
run zonectl validate

step "prod: deploy to Staging, then Production, which waits for the change approval"
run zonectl deploy acme-web "$version" --to Staging
run zonectl deploy acme-web "$version" --to Production
run zonectl deploy acme-web "$version" --to Production --approve "Approve production"
run readlink ../target/srv/acme-web/Production/current

step "prod's dashboard"
run zonectl dashboard

step "Connected: the same release again, pushed with Git instead of carried"
note "devtest's peer block for prod has a url (git daemon on loopback); promote --push"
note "sends the same signed bundle there, and prod imports it with the same checks"
run zonectl -C ../devtest promote acme-web "$version" --to prod --push
run zonectl import --incoming
run zonectl review acme-web "$version"

step "prod: send the deployment receipts back to devtest"
note "one signed commit per deployment of devtest's release: where, when, who, outcome,"
note "package hashes and a digest of the log (the log itself stays in prod)"
run git log --format='%h %s' refs/zonectl/receipts/devtest
run zonectl receipt export --to devtest --out ../receipts.zreceipts

cd "$work/devtest"

step "devtest: verify prod's receipts and merge them into the ledger"
run zonectl receipt import ../receipts.zreceipts
say "git verify-commit refs/zonectl/peers/prod/receipts 2>&1 | grep 'Good signature'   # prod's own signature, kept"
zonectl -C ../prod keys export | gpg --batch --quiet --import 2>/dev/null
git verify-commit refs/zonectl/peers/prod/receipts 2>&1 | grep 'Good signature'

step "devtest's dashboard: acme-web $version across every environment, local and remote"
run zonectl dashboard
say "zonectl --output json dashboard | grep -A6 '\"environment\": \"Production\"'"
zonectl --output json dashboard | grep -A9 '"environment": "Production"'
# The page outlives the demo's folder, which is removed at the end.
page=${TMPDIR:-/tmp}/zonectl-demo-dashboard.html
run zonectl dashboard --html "$page"
run zonectl audit

printf '\n%sDone in %ds.%s The devtest dashboard shows Production %s from prod.\n' "$bold" "$SECONDS" "$plain" "$version"
printf 'Open the dashboard page: %s\n' "$page"
