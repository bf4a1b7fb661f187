# Apache APISIX: the jwt-auth plugin reads consumer secrets at kv/apisix/consumer/<user>/jwt-auth.
# Read only: APISIX never writes to Vault.
path "kv/apisix/consumer/*" {
  capabilities = ["read"]
}
