project "acme-web" {
  description = "The Acme storefront: a web application and its PostgreSQL schema"
  lifecycle   = "Default"
  tenanted    = "disabled"
}

package "acme-web" {
  description = "Application build from CI: config/, migrations/ and public/"
}
