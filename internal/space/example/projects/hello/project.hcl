# A project: what is deployed, how, and with which values. Its files live
# in projects/<name>/; a release snapshots them.
project "hello" {
  lifecycle = "Default"
}

# Steps run in order on the machine running zonectl deploy. What they
# write goes under ZONECTL_TARGET_ROOT when it is set: set it to try
# things out without touching the real paths. In HCL, $${ is a literal ${
# for the shell; #{...} is zonectl's substitution.
step "Write greeting" {
  run_script {
    body = <<-EOT
      dir="$${ZONECTL_TARGET_ROOT:-$HOME/zonectl-target}/srv/hello/#{Octopus.Environment.Name}"
      mkdir -p "$dir"
      echo "#{Greeting} from #{Octopus.Environment.Name}, release #{Octopus.Release.Number}" | tee "$dir/greeting.txt"
      echo "API key: $${ApiKey:+set}"
    EOT
  }
}

# A variable: the value scoped most closely to the deployment wins.
variable "Greeting" {
  value "Hello" {}
  value "Hi" {
    environment = ["Test"]
  }
}

# A variable template asks every environment (and every Space a release
# is promoted to) for a value. A sensitive one is set with
#   zonectl secret set ApiKey --env Development --project hello
# which reads it from standard input and encrypts it to this Space's key.
variable_template "ApiKey" {
  label = "API key"
  help  = "The key the greeting service uses in this environment"
  type  = "sensitive"
}
