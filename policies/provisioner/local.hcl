# The provisioning token's policy for the local stack, generated from Pulumi.local.yaml and policies/:
# `npm run provisioner-policy -- --stack local --write`. Do not edit: regenerate, review the diff, and have
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
path "auth/userpass/users/pulumi-provisioner" {
  capabilities = ["deny"]
}
path "auth/userpass/users/pulumi-provisioner/password" {
  capabilities = ["deny"]
}
path "auth/userpass/users/pulumi-provisioner/policies" {
  capabilities = ["deny"]
}
path "sys/auth/userpass" {
  capabilities = ["deny"]
}
path "sys/auth/userpass/tune" {
  capabilities = ["deny"]
}
path "sys/mounts/auth/userpass/tune" {
  capabilities = ["deny"]
}
path "auth/token/create" {
  capabilities = ["update"]
}
path "sys/policies/acl/apisix" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "policy" = ["# Apache APISIX: the jwt-auth plugin reads consumer secrets at kv/apisix/consumer/<user>/jwt-auth.\n# Read only: APISIX never writes to Vault.\npath \"kv/apisix/consumer/*\" {\n  capabilities = [\"read\"]\n}\n"]
  }
}
path "sys/policies/acl/kes-kes" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "policy" = ["# MinIO KES, one tenant per consumer: kes is the consumer's name, so each KES instance only sees\n# the keys under its own prefix (kv/<name>/...). KES creates, reads and deletes keys; it never lists\n# or updates them.\npath \"kv/kes/*\" {\n  capabilities = [\"create\", \"read\", \"delete\"]\n}\n"]
  }
}
path "sys/policies/acl/my-app" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "policy" = ["# my-app (Kubernetes, vault-agent injector): read its own secrets from the KV v2 mount \"secret\".\npath \"secret/data/my-app/*\" {\n  capabilities = [\"read\"]\n}\n\npath \"secret/metadata/my-app/*\" {\n  capabilities = [\"list\"]\n}\n"]
  }
}
path "sys/mounts/kv" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/kv/tune" {
  capabilities = ["read", "update"]
  denied_parameters = {
    "audit_non_hmac_request_keys" = []
    "audit_non_hmac_response_keys" = []
    "passthrough_request_headers" = []
  }
}
path "sys/mounts/secret" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/secret/tune" {
  capabilities = ["read", "update"]
  denied_parameters = {
    "audit_non_hmac_request_keys" = []
    "audit_non_hmac_response_keys" = []
    "passthrough_request_headers" = []
  }
}
path "secret/config" {
  capabilities = ["create", "read", "update"]
}
path "sys/auth/approle" {
  capabilities = ["create", "update", "sudo"]
}
path "sys/mounts/auth/approle" {
  capabilities = ["read"]
}
path "auth/approle/role/kes" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "token_policies" = ["kes-kes"]
    "policies" = ["kes-kes"]
    "*" = []
  }
}
path "auth/approle/role/kes/role-id" {
  capabilities = ["read"]
}
path "auth/approle/role/kes/secret-id" {
  capabilities = ["update"]
}
path "auth/approle/role/kes/secret-id-accessor/lookup" {
  capabilities = ["update"]
}
path "auth/approle/role/kes/secret-id-accessor/destroy" {
  capabilities = ["update"]
}
path "sys/auth/kubernetes" {
  capabilities = ["create", "update", "sudo"]
}
path "sys/mounts/auth/kubernetes" {
  capabilities = ["read"]
}
path "auth/kubernetes/config" {
  capabilities = ["create", "read", "update"]
}
path "auth/kubernetes/role/my-app" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "token_policies" = ["my-app"]
    "policies" = ["my-app"]
    "*" = []
  }
}
path "auth/token/roles/apisix" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "allowed_policies" = ["apisix"]
    "allowed_policies_glob" = ["apisix"]
    "token_policies" = ["apisix"]
    "*" = []
  }
}
path "auth/token/create/apisix" {
  capabilities = ["update"]
  allowed_parameters = {
    "policies" = ["apisix"]
    "*" = []
  }
}
path "auth/token/lookup-accessor" {
  capabilities = ["update"]
}
path "auth/token/revoke-accessor" {
  capabilities = ["update"]
}
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
path "sys/audit/file" {
  capabilities = ["create", "update", "sudo"]
}
