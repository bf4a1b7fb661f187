# my-app (Kubernetes, vault-agent injector): read its own secrets from the KV v2 mount "secret".
path "secret/data/my-app/*" {
  capabilities = ["read"]
}

path "secret/metadata/my-app/*" {
  capabilities = ["list"]
}
