# acme-web belongs to devtest: its process and variables arrive in release
# bundles and cannot be edited here. prod decides which lifecycle the
# project follows and supplies the values its variable templates ask for.
# Change this file by pull request; `zonectl accept` writes it too.

import "acme-web" {
  from      = "devtest"
  lifecycle = "Prod"
}

# DbPassword is sensitive. `zonectl accept acme-web VERSION` prompts for it
# (or reads it from --values) and writes it here as an OpenPGP message
# encrypted to prod's key; it is never committed in plain text. An example
# cannot carry a real ciphertext, so these say null (explicitly no value).
template_value "DbPassword" {
  environment = "Staging"
  value       = null
}

template_value "DbPassword" {
  environment = "Production"
  value       = null
}

template_value "LogLevel" {
  environment = "Staging"
  value       = "info"
}

template_value "LogLevel" {
  environment = "Production"
  value       = "warn"
}

# No webhook in Staging: null says so explicitly, which is not the same as
# forgetting the value.
template_value "AlertWebhookUrl" {
  environment = "Staging"
  value       = null
}

template_value "AlertWebhookUrl" {
  environment = "Production"
  value       = "https://chat.pci.internal/hooks/acme-web-deployments"
}

# RunMigrations is not set: the template's default (checked) applies.
