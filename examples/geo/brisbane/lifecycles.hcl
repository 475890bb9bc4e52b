lifecycle "Global" {
  description = "Brisbane first, then each region's pre-production, then production"

  phase "Development" {
    environments = ["Development"]
    automatic    = ["Development"]
  }

  phase "Test" {
    environments = ["Test"]
  }

  # Reaching this phase lets a release be promoted to us and to eu. One
  # region's pre-production is enough to complete it.
  phase "Pre-production" {
    environments = ["Staging US", "Pre-production EU"]
    required     = 1
  }

  # No environments: every environment not in an earlier phase, here
  # Production US and Production EU.
  phase "Production" {}
}
