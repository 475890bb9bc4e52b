# devtest's remote environments name these, so the names must match
# (case-insensitively).

environment "Staging" {
  description = "Pre-production copy of the cardholder-data environment"
}

environment "Production" {
  description = "Cardholder-data environment"
}
