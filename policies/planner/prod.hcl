# The read-only planner's policy for the prod stack (pull-request previews), generated with the provisioner's:
# `npm run provisioner-policy -- --stack prod --write`. Do not edit. Read on the paths the provisioner manages;
# auth/token/create only for the provider's child token, which can carry no more than this policy.
path "auth/token/create" {
  capabilities = ["update"]
}
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
