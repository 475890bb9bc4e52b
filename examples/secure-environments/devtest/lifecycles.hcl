lifecycle "Default" {
  description = "Development, then Test, then prod's Staging and Production"

  phase "Development" {
    environments = ["Development"]
    automatic    = ["Development"]
  }

  phase "Test" {
    environments = ["Test"]
    required     = "all"
  }

  # Remote environments: once Test is complete the release can be promoted
  # to prod. devtest never deploys here; prod's receipts show the progress.
  phase "Staging" {
    environments = ["Staging"]
  }

  phase "Production" {
    environments = ["Production"]
  }
}
