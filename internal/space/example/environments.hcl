# The environments this Space deploys to, and the lifecycle that orders
# them. Every file at the top of the Space is read; the names are yours.
# The HCL reference is docs/hcl.md.

environment "Development" {
  description = "Where every release lands first"
}

environment "Test" {}

# A lifecycle is the phases a release goes through, in order: a release
# reaches Test only once Development has it. automatic deploys a new
# release to Development as soon as it is created.
lifecycle "Default" {
  phase "Development" {
    environments = ["Development"]
    automatic    = ["Development"]
  }
  phase "Test" {
    environments = ["Test"]
  }
}

# An environment another Space owns (an air-gapped production, say) is a
# remote_environment, reached by promoting releases to that Space:
#
#   remote_environment "Production" {
#     space = "prod"    # a peer: zonectl peer add prod --key prod.asc --accepts receipts
#   }
#
# and a phase "Production" after "Test" in the lifecycle.
