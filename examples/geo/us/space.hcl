space "us" {
  description = "US data centres: staging and production for US customers"
}

# Releases signed by brisbane's key are imported; receipts of their
# deployments are pushed back to this URL.
peer "brisbane" {
  public_key = file("keys/brisbane.asc")
  url        = "https://git.brisbane.fleet.example/spaces/brisbane.git"
  accepts    = ["releases"]
}
