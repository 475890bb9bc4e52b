space "devtest" {
  description = "Development and test" # shown on the dashboard
}
// end of space.hcl


