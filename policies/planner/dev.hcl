# The read-only planner's policy for the dev stack (pull-request previews), generated with the provisioner's:
# `npm run provisioner-policy -- --stack dev --write`. Do not edit. Read on the paths the provisioner manages;
# auth/token/create only for the provider's child token, which can carry no more than this policy.
path "auth/token/create" {
  capabilities = ["update"]
}
path "sys/policies/acl/apisix" {
  capabilities = ["read"]
}
path "sys/policies/acl/kes-kes" {
  capabilities = ["read"]
}
path "sys/policies/acl/my-app" {
  capabilities = ["read"]
}
path "sys/mounts/kv" {
  capabilities = ["read"]
}
path "sys/mounts/kv/tune" {
  capabilities = ["read"]
}
path "sys/mounts/secret" {
  capabilities = ["read"]
}
path "sys/mounts/secret/tune" {
  capabilities = ["read"]
}
path "secret/config" {
  capabilities = ["read"]
}
path "sys/mounts/auth/approle" {
  capabilities = ["read"]
}
path "auth/approle/role/kes" {
  capabilities = ["read"]
}
path "auth/approle/role/kes/role-id" {
  capabilities = ["read"]
}
path "sys/mounts/auth/kubernetes" {
  capabilities = ["read"]
}
path "auth/kubernetes/config" {
  capabilities = ["read"]
}
path "auth/kubernetes/role/my-app" {
  capabilities = ["read"]
}
path "auth/token/roles/apisix" {
  capabilities = ["read"]
}
path "sys/mounts/pki" {
  capabilities = ["read"]
}
path "sys/mounts/pki/tune" {
  capabilities = ["read"]
}
path "pki/config/urls" {
  capabilities = ["read"]
}
path "sys/mounts/pki_int" {
  capabilities = ["read"]
}
path "sys/mounts/pki_int/tune" {
  capabilities = ["read"]
}
path "pki_int/config/urls" {
  capabilities = ["read"]
}
path "pki_int/roles/mesh" {
  capabilities = ["read"]
}
path "pki_int/roles/web-only" {
  capabilities = ["read"]
}
path "sys/mounts/aws" {
  capabilities = ["read"]
}
path "sys/mounts/aws/tune" {
  capabilities = ["read"]
}
path "aws/config/root" {
  capabilities = ["read"]
}
path "aws/roles/artifacts-reader" {
  capabilities = ["read"]
}
path "sys/mounts/transit" {
  capabilities = ["read"]
}
path "sys/mounts/transit/tune" {
  capabilities = ["read"]
}
path "transit/keys/orders" {
  capabilities = ["read"]
}
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
