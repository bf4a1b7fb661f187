# The provisioning token's policy for the dev stack, generated from Pulumi.dev.yaml and policies/:
# `npm run provisioner-policy -- --stack dev --write`. Do not edit: regenerate, review the diff, and have
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
path "sys/mounts/pki" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/pki/tune" {
  capabilities = ["read", "update"]
  denied_parameters = {
    "audit_non_hmac_request_keys" = []
    "audit_non_hmac_response_keys" = []
    "passthrough_request_headers" = []
  }
}
path "pki/config/urls" {
  capabilities = ["read", "update"]
  allowed_parameters = {
    "issuing_certificates" = ["*/v1/pki/ca"]
    "crl_distribution_points" = ["*/v1/pki/crl"]
    "ocsp_servers" = [""]
  }
}
path "pki/issuers/generate/root/internal" {
  capabilities = ["update"]
  allowed_parameters = {
    "common_name" = ["vault-platform dev root CA"]
    "ttl" = ["87600h"]
    "key_type" = ["ec"]
    "key_bits" = []
    "exclude_cn_from_sans" = [false]
    "use_pss" = [false]
  }
}
path "pki/root/sign-intermediate" {
  capabilities = ["update"]
  allowed_parameters = {
    "csr" = []
    "common_name" = ["vault-platform dev intermediate CA"]
    "ttl" = ["43800h"]
    "exclude_cn_from_sans" = [false]
    "use_csr_values" = [false]
    "use_pss" = [false]
  }
}
path "sys/mounts/pki_int" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/pki_int/tune" {
  capabilities = ["read", "update"]
  denied_parameters = {
    "audit_non_hmac_request_keys" = []
    "audit_non_hmac_response_keys" = []
    "passthrough_request_headers" = []
  }
}
path "pki_int/config/urls" {
  capabilities = ["read", "update"]
  allowed_parameters = {
    "issuing_certificates" = ["*/v1/pki_int/ca"]
    "crl_distribution_points" = ["*/v1/pki_int/crl"]
    "ocsp_servers" = [""]
  }
}
path "pki_int/issuers/generate/intermediate/internal" {
  capabilities = ["update"]
  allowed_parameters = {
    "common_name" = ["vault-platform dev intermediate CA"]
    "key_type" = ["ec"]
    "key_bits" = []
    "format" = ["pem"]
    "private_key_format" = ["der"]
    "exclude_cn_from_sans" = [false]
    "add_basic_constraints" = [false]
  }
}
path "pki_int/intermediate/set-signed" {
  capabilities = ["update"]
  allowed_parameters = {
    "certificate" = []
  }
}
path "pki_int/roles/mesh" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "allowed_domains" = ["svc.cluster.local"]
    "allow_subdomains" = [true]
    "allow_bare_domains" = [false]
    "allow_glob_domains" = [false]
    "allow_any_name" = [false]
    "allow_localhost" = [false]
    "allow_ip_sans" = [false]
    "allow_wildcard_certificates" = [false]
    "allowed_uri_sans_template" = [false]
    "enforce_hostnames" = [true]
    "require_cn" = [true]
    "use_csr_common_name" = [true]
    "use_csr_sans" = [true]
    "server_flag" = [true]
    "client_flag" = [true]
    "code_signing_flag" = [false]
    "email_protection_flag" = [false]
    "basic_constraints_valid_for_non_ca" = [false]
    "generate_lease" = [false]
    "no_store" = [false]
    "ttl" = ["24h"]
    "max_ttl" = ["720h"]
    "key_type" = ["ec"]
    "key_bits" = []
    "issuer_ref" = ["default"]
    "key_usage" = ["DigitalSignature", "KeyAgreement", "KeyEncipherment"]
    "cn_validations" = ["email", "hostname"]
    "serial_number_source" = ["json-csr"]
    "not_before_duration" = []
    "signature_bits" = []
  }
}
path "pki_int/roles/web-only" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "allowed_domains" = ["svc.cluster.local"]
    "allow_subdomains" = [true]
    "allow_bare_domains" = [false]
    "allow_glob_domains" = [false]
    "allow_any_name" = [false]
    "allow_localhost" = [false]
    "allow_ip_sans" = [false]
    "allow_wildcard_certificates" = [false]
    "allowed_uri_sans_template" = [false]
    "enforce_hostnames" = [true]
    "require_cn" = [true]
    "use_csr_common_name" = [true]
    "use_csr_sans" = [true]
    "server_flag" = [true]
    "client_flag" = [false]
    "code_signing_flag" = [false]
    "email_protection_flag" = [false]
    "basic_constraints_valid_for_non_ca" = [false]
    "generate_lease" = [false]
    "no_store" = [false]
    "ttl" = ["24h"]
    "max_ttl" = ["720h"]
    "key_type" = ["ec"]
    "key_bits" = []
    "issuer_ref" = ["default"]
    "key_usage" = ["DigitalSignature", "KeyAgreement", "KeyEncipherment"]
    "cn_validations" = ["email", "hostname"]
    "serial_number_source" = ["json-csr"]
    "not_before_duration" = []
    "signature_bits" = []
  }
}
path "sys/mounts/aws" {
  capabilities = ["create", "read", "update"]
  allowed_parameters = {
    "type" = ["aws"]
    "*" = []
  }
}
path "sys/mounts/aws/tune" {
  capabilities = ["read", "update"]
  denied_parameters = {
    "audit_non_hmac_request_keys" = []
    "audit_non_hmac_response_keys" = []
    "passthrough_request_headers" = []
  }
}
path "aws/config/root" {
  capabilities = ["create", "read", "update"]
  allowed_parameters = {
    "access_key" = [""]
    "secret_key" = []
    "region" = ["eu-west-1"]
    "iam_endpoint" = [""]
    "sts_endpoint" = [""]
  }
}
path "aws/roles/artifacts-reader" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "credential_type" = ["iam_user"]
    "policy_arns" = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    "user_path" = ["/vault/"]
  }
}
path "sys/mounts/transit" {
  capabilities = ["create", "read", "update"]
}
path "sys/mounts/transit/tune" {
  capabilities = ["read", "update"]
  denied_parameters = {
    "audit_non_hmac_request_keys" = []
    "audit_non_hmac_response_keys" = []
    "passthrough_request_headers" = []
  }
}
path "transit/keys/orders" {
  capabilities = ["create", "read", "update"]
  allowed_parameters = {
    "exportable" = [false]
    "allow_plaintext_backup" = [false]
    "type" = ["aes256-gcm96"]
    "derived" = [false]
    "convergent_encryption" = [false]
    "*" = []
  }
}
path "transit/keys/orders/config" {
  capabilities = ["create", "update"]
  allowed_parameters = {
    "exportable" = [false]
    "allow_plaintext_backup" = [false]
    "deletion_allowed" = [false]
    "*" = []
  }
}
path "sys/audit" {
  capabilities = ["read", "sudo"]
}
path "sys/audit/file" {
  capabilities = ["create", "update", "sudo"]
}
