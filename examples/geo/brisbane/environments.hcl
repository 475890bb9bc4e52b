environment "Development" {}

environment "Test" {
  description = "Integration tests against recorded customer traffic"
}

remote_environment "Staging US" {
  space = "us"
}

remote_environment "Production US" {
  space = "us"
}

remote_environment "Pre-production EU" {
  space = "eu"
}

remote_environment "Production EU" {
  space = "eu"
}
