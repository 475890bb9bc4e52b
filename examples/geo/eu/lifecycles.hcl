# No phases: every environment, in the order environments.hcl declares them.
lifecycle "EU" {
  description = "Pre-production EU, then Production EU"
}
