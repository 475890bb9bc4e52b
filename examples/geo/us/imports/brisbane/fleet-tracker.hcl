import "fleet-tracker" {
  from      = "brisbane"
  lifecycle = "US"
}

# ApiToken is sensitive and asked for per tenant and environment.
# `zonectl accept` writes each one here as an OpenPGP message encrypted to
# us's key. An example cannot carry real ciphertext, so these say null.
template_value "ApiToken" {
  tenant      = "Northwind Freight"
  environment = "Staging US"
  value       = null
}

template_value "ApiToken" {
  tenant      = "Northwind Freight"
  environment = "Production US"
  value       = null
}

template_value "ApiToken" {
  tenant      = "Fabrikam"
  environment = "Staging US"
  value       = null
}

template_value "ApiToken" {
  tenant      = "Fabrikam"
  environment = "Production US"
  value       = null
}

template_value "SupportEmail" {
  tenant = "Northwind Freight"
  value  = "dispatch-oncall@northwind.example"
}

template_value "SupportEmail" {
  tenant = "Fabrikam"
  value  = "it-support@fabrikam.example"
}

# Staging US keeps the template's default (64).
template_value "TileCacheSizeGb" {
  environment = "Production US"
  value       = "256"
}
