environment "Pre-production EU" {}

environment "Production EU" {
  description = "eu-central-1"
}
