space "brisbane" {
  description = "Development and test in Brisbane; the home of fleet-tracker"
}

# The regional Spaces deploy fleet-tracker close to their customers and send
# back receipts of their deployments. The Spaces are connected, so
# `zonectl promote --push` and `zonectl receipt push` use these URLs.
peer "us" {
  public_key = file("keys/us.asc")
  url        = "https://git.us.fleet.example/spaces/us.git"
  accepts    = ["receipts"]
}

peer "eu" {
  public_key = file("keys/eu.asc")
  url        = "ssh://git@git.eu.fleet.example/spaces/eu.git"
  accepts    = ["receipts"]
}
