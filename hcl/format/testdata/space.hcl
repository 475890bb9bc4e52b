

# The devtest space: Development and Test.
space "devtest" {
    description = "Development and test"
}

peer "prod" {
  public_key = file("keys/prod.asc")
    url = "ssh://git@prod.example.com/spaces/prod.git"   # optional; connected mode
  accepts    = ["receipts"]          # what this space takes from the peer
}

environment "Development" {}
environment "Test" {    }
remote_environment "Production" {     # owned by another space
space="prod"
}



