environment "Staging US" {}

environment "Production US" {
  description = "us-east-1 and us-west-2"
}
