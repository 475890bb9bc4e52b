variable "EnvironmentName" {
  value "#{Octopus.Environment.Name}" {}
}

variable "ReleaseNumber" {
  value "#{Octopus.Release.Number}" {}
}

variable "TenantSlug" {
  description = "Directory and unit name of one customer's instance"

  value "internal" {}
  value "northwind" {
    tenant = ["Northwind Freight"]
  }
  value "fabrikam" {
    tenant = ["Fabrikam"]
  }
  value "contoso" {
    tenant = ["Contoso Logistics"]
  }
}

variable "ApiBaseUrl" {
  value "https://api.dev.fleet.example" {
    environment = ["Development"]
  }
  value "https://api.test.fleet.example" {
    environment = ["Test"]
  }
  value "https://api.staging.us.fleet.example" {
    environment = ["Staging US"]
  }
  value "https://api.us.fleet.example" {
    environment = ["Production US"]
  }
  value "https://api.preprod.eu.fleet.example" {
    environment = ["Pre-production EU"]
  }
  value "https://api.eu.fleet.example" {
    environment = ["Production EU"]
  }
}

variable "DataBucket" {
  description = "Object store for location history; EU customers' data stays in the EU"

  value "s3://fleet-au-dev" {
    environment = ["Development", "Test"]
  }
  value "s3://fleet-us-staging" {
    environment = ["Staging US"]
  }
  value "s3://fleet-us-production" {
    environment = ["Production US"]
  }
  value "s3://fleet-eu-preprod" {
    environment = ["Pre-production EU"]
  }
  value "s3://fleet-eu-production" {
    environment = ["Production EU"]
  }
}

variable "MapRegion" {
  description = "Which tiles the instance loads"

  value "oceania" {}
  value "north-america" {
    tenant_tag = ["Region/US"]
  }
  value "europe" {
    tenant_tag = ["Region/EU"]
  }
}

variable "MaxVehicles" {
  value "500" {}
  value "20000" {
    tenant_tag = ["Tier/Dedicated"]
  }
  value "5000" {
    tenant = ["Contoso Logistics"]
  }
  value "250000" {
    tenant      = ["Northwind Freight"]
    environment = ["Production US"]
  }
}

variable_template "ApiToken" {
  label = "Customer API token"
  help  = "Token fleet-tracker uses to call the customer's dispatch system"
  type  = "sensitive"
  per   = "tenant_environment"
}

variable_template "SupportEmail" {
  label    = "Support contact"
  help     = "Where the customer's operations team is reached; shown on the status page"
  per      = "tenant"
  required = false
}

variable_template "TileCacheSizeGb" {
  label   = "Tile cache size (GB)"
  help    = "Disk given to rendered tiles on each host"
  default = "64"
}
