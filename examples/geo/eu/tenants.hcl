# The same tag sets as brisbane: fleet-tracker's steps and variable values
# refer to tags by name.

tag_set "Region" {
  tags = ["US", "EU"]
}

tag_set "Tier" {
  tags = ["Shared", "Dedicated"]
}

tenant "Contoso Logistics" {
  tags = ["Region/EU", "Tier/Shared"]

  project "fleet-tracker" {
    environments = ["Pre-production EU", "Production EU"]
  }
}
