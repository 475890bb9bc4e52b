lifecycle "Prod" {
  description = "Every release is deployed to Staging before Production"

  phase "Staging" {
    environments = ["Staging"]
  }

  phase "Production" {
    environments = ["Production"]
  }
}
