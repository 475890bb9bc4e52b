# The same tag sets as brisbane: fleet-tracker's steps and variable values
# refer to tags by name.

tag_set "Region" {
  tags = ["US", "EU"]
}

tag_set "Tier" {
  tags = ["Shared", "Dedicated"]
}

tenant "Northwind Freight" {
  tags = ["Region/US", "Tier/Dedicated"]

  project "fleet-tracker" {
    environments = ["Staging US", "Production US"]
  }
}

tenant "Fabrikam" {
  tags = ["Region/US", "Tier/Shared"]

  project "fleet-tracker" {
    environments = ["Staging US", "Production US"]
  }
}
