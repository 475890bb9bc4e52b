# A space.hcl that says nothing yet.
