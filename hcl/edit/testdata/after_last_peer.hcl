# The devtest space.
space "devtest" {
  description = "Development and test"
}

# Production, across the PCI boundary.
peer "prod" {
  public_key = file("keys/prod.asc")
  url        = "ssh://git@prod.example.com/spaces/prod.git" # connected
  accepts    = ["receipts"]
} # trusted since the 2024 audit

/* The DR site. */
peer "dr" {
  public_key = file("keys/dr.asc")
  accepts    = ["receipts"]
}

# Environments follow.
environment "Development" {}
environment "Test" {}
