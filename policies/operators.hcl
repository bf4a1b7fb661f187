# People who run Vault (vault-platform:auth maps a directory group or an OIDC role to this file): see its
# health, mounts, auth methods and policies, and look after the KV secrets. Changing policies, mounts and
# auth methods stays with `pulumi up` (the provisioner) and root.
path "sys/health" {
  capabilities = ["read", "sudo"]
}
path "sys/mounts" {
  capabilities = ["read"]
}
path "sys/auth" {
  capabilities = ["read"]
}
path "sys/policies/acl" {
  capabilities = ["list"]
}
path "sys/policies/acl/*" {
  capabilities = ["read"]
}
path "kv/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/data/*" {
  capabilities = ["create", "read", "update", "delete"]
}
path "secret/metadata/*" {
  capabilities = ["read", "list"]
}
