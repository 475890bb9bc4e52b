# Unscoped values, and values scoped to Staging or Production, travel to
# prod in the release bundle; values scoped to Development or Test stay
# here. No secret is ever written here in plain text: secrets are variable
# templates (below), which each Space answers for its own environments.

variable "AppEnvironment" {
  description = "Name of the environment, for scripts and logs"

  value "#{Octopus.Environment.Name}" {}
}

variable "ReleaseNumber" {
  value "#{Octopus.Release.Number}" {}
}

variable "DatabaseHost" {
  value "dev-db.devtest.internal" {
    environment = ["Development"]
  }
  value "test-db.devtest.internal" {
    environment = ["Test"]
  }
  value "db.staging.pci.internal" {
    environment = ["Staging"]
  }
  value "db.pci.internal" {
    environment = ["Production"]
  }
}

variable "DatabaseName" {
  value "acme_web" {}
}

variable "DatabaseUser" {
  value "acme_web" {}
}

variable "DbStatementTimeout" {
  description = "PostgreSQL statement_timeout; migrations may run as long as the step allows"

  value "30s" {}
  value "0" {
    step = ["Migrate database"]
  }
}

variable "PublicUrl" {
  value "https://#{Octopus.Environment.Name | ToLower}.acme.example" {}
  value "https://www.acme.example" {
    environment = ["Production"]
  }
}

variable "LogLevel" {
  value "debug" {
    environment = ["Development"]
  }
}

# Values that whoever deploys must supply for each environment. devtest
# supplies its own: `zonectl secret set DbPassword --env Development` (and
# --env Test) reads the password from a prompt or stdin and adds a
# `variable "DbPassword"` block with its values, encrypted to devtest's key,
# to this file. prod fills in its environments on `zonectl accept`.

variable_template "DbPassword" {
  label = "Database password"
  help  = "Password of the database user the application connects as (DatabaseUser)"
  type  = "sensitive"
  per   = "environment"
}

variable_template "LogLevel" {
  label   = "Log level"
  help    = "Least severe log level written by the application"
  type    = "select"
  default = "info"
  options = {
    debug = "Debug"
    info  = "Information"
    warn  = "Warnings and errors"
    error = "Errors only"
  }
}

variable_template "RunMigrations" {
  label   = "Run database migrations"
  help    = "Clear this where the schema is migrated by a DBA in a separate change"
  type    = "checkbox"
  default = true
}

variable_template "AlertWebhookUrl" {
  label    = "Alert webhook URL"
  help     = "Chat webhook that is told when a deployment fails; leave empty for none"
  required = false
}
