#!/usr/bin/env bash
# zonectl's quick start, as README.md shows it: two Spaces, devtest and an
# air-gapped prod. Run it in an empty folder with zonectl on the PATH; a
# test runs it as written.
set -euo pipefail

# Steps run on this machine. ZONECTL_TARGET_ROOT puts what they write under
# one folder, so trying things out touches nothing else.
export ZONECTL_TARGET_ROOT=$PWD/target

# 1. devtest, from commented example files: environments, a lifecycle and
#    a project, "hello".
zonectl init devtest --example
zonectl -C devtest validate
git -C devtest add -A
git -C devtest commit -qm "Start from the example"

# A sensitive value is read from standard input, never the command line,
# encrypted to devtest's key and, with --commit, committed at once.
printf 'dev-api-key' | zonectl -C devtest secret set ApiKey --env Development --project hello --commit
printf 'test-api-key' | zonectl -C devtest secret set ApiKey --env Test --project hello --commit

# 2. A release is a signed snapshot; the lifecycle deploys it to Development
#    at once, and to Test when asked.
zonectl -C devtest release create hello --version 1.0.0
zonectl -C devtest deploy hello 1.0.0 --to Test
cat target/srv/hello/Test/greeting.txt

# 3. prod, and trust both ways: each Space holds the other's public key.
zonectl init prod
zonectl -C prod peer add devtest --key ../devtest/keys/devtest.asc --accepts releases
zonectl -C devtest peer add prod --key ../prod/keys/prod.asc --accepts receipts
cat > prod/environments.hcl <<'EOF'
environment "Production" {}

lifecycle "Production" {
  phase "Production" {
    environments = ["Production"]
  }
}
EOF
git -C prod add -A
git -C prod commit -qm "Production, and trust devtest"

# devtest's lifecycle goes on to prod's Production, a remote environment.
cat > devtest/environments.hcl <<'EOF'
environment "Development" {}

environment "Test" {}

remote_environment "Production" {
  space = "prod"
}

lifecycle "Default" {
  phase "Development" {
    environments = ["Development"]
    automatic    = ["Development"]
  }
  phase "Test" {
    environments = ["Test"]
  }
  phase "Production" {
    environments = ["Production"]
  }
}
EOF
git -C devtest add -A
git -C devtest commit -qm "Promote to prod's Production"

# 4. Promote: a signed bundle, carried across the air gap.
zonectl -C devtest promote hello 1.0.0 --to prod --out ../hello-1.0.0.zbundle

# 5. In prod: import checks the signature and every hash; review shows what
#    it brings and what prod must supply; accept takes prod's values.
zonectl -C prod import ../hello-1.0.0.zbundle
zonectl -C prod review hello 1.0.0
cat > values.hcl <<'EOF'
template_value "ApiKey" {
  environment = "Production"
  value       = "prod-api-key"
}
EOF
zonectl -C prod accept hello 1.0.0 --values ../values.hcl
rm values.hcl # prod's binding keeps the value, encrypted to prod's key
zonectl -C prod deploy hello 1.0.0 --to Production
cat target/srv/hello/Production/greeting.txt

# 6. Signed receipts go back, and devtest's dashboard shows how far the
#    release got, Production included.
zonectl -C prod receipt export --to devtest --out ../receipts.zreceipts
zonectl -C devtest receipt import ../receipts.zreceipts
zonectl -C devtest dashboard
zonectl -C devtest dashboard --html ../dashboard.html
