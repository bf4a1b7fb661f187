# The token that runs `pulumi up` for the Vault layer: exactly what the declarations need, no more.
# `npm run plan` checks this file against the declarations and fails when a path is missing.

# The provider's short-lived child token (no sudo needed).
path "auth/token/create" {
  capabilities = ["update"]
}

# ACL policies of the consumers.
path "sys/policies/acl/*" {
  capabilities = ["create", "read", "update", "delete"]
}

# KV mounts declared in vault-platform:mounts.
path "sys/mounts/kv" {
  capabilities = ["create", "read", "update", "delete"]
}
path "sys/mounts/kv/tune" {
  capabilities = ["read", "update"]
}
path "sys/mounts/secret" {
  capabilities = ["create", "read", "update", "delete"]
}
path "sys/mounts/secret/tune" {
  capabilities = ["read", "update"]
}
# KV v2 engine settings (max_versions).
path "secret/config" {
  capabilities = ["create", "read", "update", "delete"]
}

# Auth methods: AppRole and Kubernetes.
path "sys/auth/approle" {
  capabilities = ["create", "update", "delete", "sudo"]
}
path "sys/mounts/auth/approle" {
  capabilities = ["read"]
}
path "sys/auth/kubernetes" {
  capabilities = ["create", "update", "delete", "sudo"]
}
path "sys/mounts/auth/kubernetes" {
  capabilities = ["read"]
}

# AppRole roles, their role IDs and SecretIDs.
path "auth/approle/role/+" {
  capabilities = ["create", "read", "update", "delete"]
}
path "auth/approle/role/+/role-id" {
  capabilities = ["read"]
}
path "auth/approle/role/+/secret-id" {
  capabilities = ["update"]
}
path "auth/approle/role/+/secret-id-accessor/*" {
  capabilities = ["update"]
}

# Kubernetes auth configuration and roles.
path "auth/kubernetes/config" {
  capabilities = ["create", "read", "update", "delete"]
}
path "auth/kubernetes/role/+" {
  capabilities = ["create", "read", "update", "delete"]
}

# Token roles and the scoped tokens issued through them (orphans, no sudo).
path "auth/token/roles/+" {
  capabilities = ["create", "read", "update", "delete"]
}
path "auth/token/create/+" {
  capabilities = ["update"]
}
path "auth/token/lookup-accessor" {
  capabilities = ["update"]
}
path "auth/token/revoke-accessor" {
  capabilities = ["update"]
}

# The file audit device.
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
path "sys/audit/file" {
  capabilities = ["create", "update", "delete", "sudo"]
}
