step "Check EU data residency" {
  environments = ["Pre-production EU", "Production EU"]
  required     = true

  run_script {
    body = file("scripts/check-residency.sh")
  }
}

step "Stage map tiles" {
  timeout = "45m"

  deploy_package {
    package     = "fleet-tracker-maps"
    destination = "/data/fleet-tracker/maps/#{Octopus.Release.Number}"
  }
}

step "Deploy service" {
  deploy_package {
    package     = "fleet-tracker"
    destination = "/opt/fleet-tracker/#{TenantSlug}/#{Octopus.Release.Number}"
    substitute  = ["config/*.yaml"]
  }
}

step "Warm dedicated tile cache" {
  tenant_tags = ["Tier/Dedicated"]
  timeout     = "20m"

  run_script {
    body = file("scripts/warm-cache.sh")
  }
}

step "Restart service" {
  run_script {
    body = file("scripts/restart.sh")
  }
}

step "Register with US load balancer" {
  environments = ["Staging US", "Production US"]

  run_script {
    body = file("scripts/register-us.sh")
  }
}
