space   "devtest"   {
description="kept exactly as written"
}
peer "prod" {
    public_key=file("keys/prod.asc")
  accepts = [ "receipts" ]
}
environment "Test" {
}
