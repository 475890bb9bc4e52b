import "fleet-tracker" {
  from      = "brisbane"
  lifecycle = "EU"
}

# `zonectl accept` writes the tokens here encrypted to eu's key. An example
# cannot carry real ciphertext, so these say null.
template_value "ApiToken" {
  tenant      = "Contoso Logistics"
  environment = "Pre-production EU"
  value       = null
}

template_value "ApiToken" {
  tenant      = "Contoso Logistics"
  environment = "Production EU"
  value       = null
}

template_value "SupportEmail" {
  tenant = "Contoso Logistics"
  value  = "leitstand@contoso.example"
}

template_value "TileCacheSizeGb" {
  environment = "Pre-production EU"
  value       = "32"
}

template_value "TileCacheSizeGb" {
  environment = "Production EU"
  value       = "128"
}
