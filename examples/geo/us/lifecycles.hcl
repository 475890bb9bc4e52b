lifecycle "US" {
  phase "Staging" {
    environments = ["Staging US"]
    automatic    = ["Staging US"]
  }

  # No environments: everything not in an earlier phase (Production US).
  phase "Production" {}
}
