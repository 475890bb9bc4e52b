project "fleet-tracker" {
  description = "Live vehicle tracking for logistics customers, one instance per customer"
  lifecycle   = "Global"
  tenanted    = "allowed"
}

package "fleet-tracker" {
  description = "The service: a single binary and its configuration (about 40 MB)"
}

# The reason for promoting ahead of deployment: a new version of the map
# tiles travels to us and eu once, as a delta against the tiles they already
# hold, and every deployment there reads it from the local package store.
package "fleet-tracker-maps" {
  description = "Vector map tiles for every supported region (about 6 GB)"
}
