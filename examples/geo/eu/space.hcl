space "eu" {
  description = "EU data centres; customer data never leaves the EU"
}

peer "brisbane" {
  public_key = file("keys/brisbane.asc")
  url        = "https://git.brisbane.fleet.example/spaces/brisbane.git"
  accepts    = ["releases"]
}
