project "acme-web" {
  lifecycle = "Default"
  tenanted = "disabled"              # disabled | allowed | required
}

step "Migrate database" {
environments = ["Test","Production"]
  condition = "success"
  required = true
  run_script {
  syntax = "bash"
  inline = <<-EOT
      set -eu
        psql -c 'select 1'   
      EOT
  }
}

variable "DatabaseHost" {
  value "localhost" {}
  value "test-db.internal" { environment = ["Test"] }
  value "db.prod.internal" {
      environment = [
        "Production",
    ]
  }
}

variable_template "DbPassword" {
  label = "Database password"
  type     = "sensitive"
  default  = null
  options  = {
  a = "A"
    bb = "B"
  }
  per      = "environment"
}
