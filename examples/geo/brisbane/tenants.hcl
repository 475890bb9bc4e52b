tag_set "Region" {
  description = "Where a customer's data must live"
  tags        = ["US", "EU"]
}

tag_set "Tier" {
  tags = ["Shared", "Dedicated"]
}

# A tenant's connection names environments of every Space it is deployed
# in: Test here, and the remote environments of its region.

tenant "Northwind Freight" {
  tags = ["Region/US", "Tier/Dedicated"]

  project "fleet-tracker" {
    environments = ["Test", "Staging US", "Production US"]
  }
}

tenant "Fabrikam" {
  tags = ["Region/US", "Tier/Shared"]

  project "fleet-tracker" {
    environments = ["Staging US", "Production US"]
  }
}

tenant "Contoso Logistics" {
  tags = ["Region/EU", "Tier/Shared"]

  project "fleet-tracker" {
    environments = ["Test", "Pre-production EU", "Production EU"]
  }
}
