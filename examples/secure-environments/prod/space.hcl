space "prod" {
  description = "Staging and Production, inside the PCI zone"
}

# Releases of devtest's projects are imported only if devtest's key signed
# them. prod never connects to devtest: bundles arrive as files, and
# receipts leave as files (`zonectl receipt export --to devtest`).
peer "devtest" {
  public_key = file("keys/devtest.asc")
  accepts    = ["releases"]
}
