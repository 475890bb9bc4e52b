# Steps run in the order they are declared. Scripts are loaded with file()
# and become part of every release; zonectl substitutes #{Name} in them, and
# puts every resolved variable in their environment.

step "Approve production" {
  environments = ["Production"]
  required     = true

  manual_intervention {
    instructions = "Check that the change ticket for release #{Octopus.Release.Number} is approved and that the deployment is inside its window."
  }
}

step "Migrate database" {
  condition            = "variable"
  condition_expression = "#{RunMigrations}"
  timeout              = "15m"

  run_script {
    syntax   = "bash"
    body     = file("scripts/migrate.sh")
    packages = ["acme-web"]
  }
}

step "Deploy web" {
  deploy_package {
    package     = "acme-web"
    destination = "/srv/acme-web/#{Octopus.Environment.Name}/releases/#{Octopus.Release.Number}"
    substitute  = ["config/*.json", "config/nginx.conf"]
  }
}

step "Switch current release" {
  run_script {
    body = file("scripts/switch-release.sh")
  }
}

step "Smoke test" {
  excluded_environments = ["Development"]
  timeout               = "2m"

  run_script {
    body = file("scripts/smoke-test.sh")
  }
}

step "Notify on failure" {
  condition = "failure"

  run_script {
    syntax = "sh"
    body   = file("scripts/notify-failure.sh")
  }
}
