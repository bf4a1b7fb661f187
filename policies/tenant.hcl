# A generic tenant: its own prefix on the KV v1 mount "kv", and nothing else. ${name} is the
# consumer's name, so one file serves any number of tenants (see the benchmark).
path "kv/tenants/${name}/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
