# MinIO KES, one tenant per consumer: ${name} is the consumer's name, so each KES instance only sees
# the keys under its own prefix (kv/<name>/...). KES creates, reads and deletes keys; it never lists
# or updates them.
path "kv/${name}/*" {
  capabilities = ["create", "read", "delete"]
}
