environment "Development" {
  description = "Every build lands here"
}

environment "Test" {
  description = "Integration and acceptance tests"
}

# Owned by prod. Placeholders here: steps and variable values can be scoped
# to them, and receipts from prod show their progress on the dashboard.
remote_environment "Staging" {
  space       = "prod"
  description = "Pre-production, inside the PCI zone"
}

remote_environment "Production" {
  space       = "prod"
  description = "Cardholder-data environment"
}
