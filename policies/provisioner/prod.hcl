# The provisioning token's policy for the prod stack, generated from Pulumi.prod.yaml and policies/:
# `npm run provisioner-policy -- --stack prod --write`. Do not edit: regenerate, review the diff, and have
# an administrator write it to Vault (the provisioner cannot: see the denies).
# Exactly what `pulumi up` of the Vault layer needs, each on a named path, with each role's policies and
# each policy's text pinned. It can still issue the declared consumers' credentials, so whoever holds
# this token can reach what those consumers reach: keep it short-lived and out of pull-request jobs.
path "sys/policies/acl/provisioner" {
  capabilities = ["deny"]
}
path "sys/policies/acl/default" {
  capabilities = ["deny"]
}
path "auth/token/create" {
  capabilities = ["update"]
}
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
path "sys/audit/file" {
  capabilities = ["create", "update", "sudo"]
}
