space "devtest" {
  description = "Development and test. Builds, releases and the acme-web project live here."
}

# prod is on the other side of the PCI boundary. devtest sends it release
# bundles and takes back the receipts of its deployments, signed with
# prod's key. There is no url: the two Spaces are not connected, so bundles
# and receipts cross the air gap as files.
peer "prod" {
  public_key = file("keys/prod.asc")
  accepts    = ["receipts"]
}
