/**
 * The PKI secrets engine's resources, as terraform-provider-vault (which @pulumi/vault 7.8.0 wraps) calls
 * Vault for them on Vault 1.11+ (the multi-issuer API; this project runs 1.21.1). Sources are
 * hashicorp/terraform-provider-vault's vault/resource_pki_secret_backend_*.go, named per entry.
 *
 * How the provider builds a body, field by field (each entry says which applies):
 * - "raw config": `if v := d.Get(k); !d.GetRawConfig().GetAttr(k).IsNull()`: sent when the program sets it,
 *   whatever its value, and never from a schema default;
 * - d.GetOk: sent when set and not the zero value, schema defaults included (format "pem", key_type
 *   "rsa", key_bits 2048 where the schema has them);
 * - d.Get: always sent, the schema default when unset;
 * - lists named `...ArrayFields` are sent comma-joined, and only when not empty.
 */
import { VAULT_TYPES } from "../../../components/resourceTypes";
import type { VaultResponse } from "../../vaultHttp";
import type { Inputs, ResourceCalls } from "../vaultCalls";
import { data, list, mountGone, ok, reported, snakeCase, trim, whenOk } from "./fields";

/** Comma-joined lists, each only when it has items (util.ToStringArray, strings.Join(m, ",")). */
function joinedLists(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => list(value).length > 0).map(([field, value]) => [field, list(value).join(",")]));
}

/** The "raw config" fields: the ones the program set, as set. */
function whenSet(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * pkiSecretBackendCertRead (resource_pki_secret_backend_cert.go), the refresh of a root certificate and of
 * a signed intermediate: nothing right after create (d.IsNewResource()), otherwise mountutil.GetMount
 * (GET sys/mounts/<backend>) and the resource is dropped when the mount is gone. The stand-in makes that
 * read as the read-back too (as it does for the audit device), so a policy without it fails at once.
 */
const mountRead = (i: Inputs) => [{ method: "GET" as const, path: `sys/mounts/${trim(i.backend)}` }];
const pkiMount = (i: Inputs, [mount]: VaultResponse[]) => (data(mount).type !== "pki" ? `${trim(i.backend)} is a ${data(mount).type} mount, not pki` : undefined);

/** Resources whose Read makes no call at all: the state is all there is. */
const noRead = { read: () => [], gone: () => false };

/** The certificate fields of a create's answer, under @pulumi/vault's output names. */
function certificateFields(answer: VaultResponse, names: Record<string, string>): Record<string, unknown> {
  const body = data(answer);
  return Object.fromEntries(Object.entries(names).map(([output, field]) => [output, body[field]]));
}

/** The PEM blocks of a text, each trimmed of its newlines (parseCertChain's pem.Decode / EncodeToMemory). */
function pemBlocks(text: unknown): string[] {
  return typeof text === "string" ? (text.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g) ?? []) : [];
}

/**
 * parseCertChain(resp.Data, asCA, literal=false) in resource_pki_secret_backend_root_sign_intermediate.go:
 * the distinct PEM blocks of issuing_ca then certificate (asCA), or certificate then issuing_ca.
 */
function certChain(answer: VaultResponse, asCA: boolean): string[] {
  const body = data(answer);
  const fields = asCA ? ["issuing_ca", "certificate"] : ["certificate", "issuing_ca"];
  return [...new Set(fields.flatMap((field) => pemBlocks(body[field])))];
}

/** pkiSecretBooleanFields with their schema defaults, under @pulumi/vault's input names: each is always sent (d.Get). */
const ROLE_BOOLEANS: Record<string, boolean> = {
  allowAnyName: false, allowBareDomains: false, allowGlobDomains: false, allowIpSans: true, allowLocalhost: true, allowSubdomains: false,
  allowWildcardCertificates: true, allowedUriSansTemplate: false, basicConstraintsValidForNonCa: false, clientFlag: true, codeSigningFlag: false,
  emailProtectionFlag: false, enforceHostnames: true, generateLease: false, noStore: false, requireCn: true, serverFlag: true,
  useCsrCommonName: true, useCsrSans: true,
};

/** The role's create (and update) body, as pkiSecretBackendRoleCreate builds it for the inputs the stand-in takes. */
function pkiRoleBody(i: Inputs): Record<string, unknown> {
  return {
    ...(list(i.allowedDomains).length > 0 ? { allowed_domains: list(i.allowedDomains) } : {}),
    ...Object.fromEntries(Object.entries(ROLE_BOOLEANS).map(([input, fallback]) => [snakeCase(input), i[input] ?? fallback])),
    ...whenOk({ key_bits: i.keyBits ?? 2048, key_type: i.keyType ?? "rsa", max_ttl: i.maxTtl, ttl: i.ttl }),
  };
}

export const PKI_CALLS: Record<string, ResourceCalls> = {
  // vault/resource_pki_secret_backend_root_cert.go pkiSecretBackendRootCertCreate: Logical().Write (PUT
  // <backend>/issuers/generate/root/<type>) with the raw-config fields (common_name, ttl, format, ...,
  // key_type and key_bits unless type is existing or kms, issuer_name and key_name), exclude_cn_from_sans
  // and, on Vault 1.18+, use_pss by d.Get, the SAN and name-constraint lists comma-joined when not empty.
  // Sets certificate, issuing_ca, serial_number, issuer_id, key_id from the answer; the ID is
  // <backend>/issuer/<issuer_id>. Its Update makes no call (ttl, the one field that is not ForceNew);
  // pkiSecretBackendRootCertDelete deletes the ID's path (DELETE <backend>/issuer/<issuer_id>; only an ID
  // from provider v3.18/3.19 with /root/generate/ in it deletes <backend>/root, which is root-protected).
  // Its CustomizeDiff reads /v1/<backend>/issuer/<id>/pem without a token on a later plan (unauthenticated).
  [VAULT_TYPES.pkiRootCert]: {
    source: "vault/resource_pki_secret_backend_root_cert.go (pkiSecretBackendRootCertCreate, pkiSecretBackendRootCertDelete, pkiSecretBackendGenerateRootPath); vault/resource_pki_secret_backend_cert.go pkiSecretBackendCertRead",
    inputs: ["backend", "type", "commonName", "ttl", "keyType", "keyBits", "issuerName", "keyName", "maxPathLength", "organization", "ou", "excludeCnFromSans", "usePss", "altNames", "permittedDnsDomains"],
    id: (i, computed) => `${trim(i.backend)}/issuer/${computed.issuerId}`,
    create: (i) => [{
      method: "PUT", path: `${trim(i.backend)}/issuers/generate/root/${trim(i.type)}`,
      body: {
        ...whenSet({
          common_name: i.commonName, ttl: i.ttl, max_path_length: i.maxPathLength, ou: i.ou, organization: i.organization,
          ...(["existing", "kms"].includes(i.type) ? {} : { key_type: i.keyType, key_bits: i.keyBits }),
          issuer_name: i.issuerName, key_name: i.keyName,
        }),
        exclude_cn_from_sans: i.excludeCnFromSans ?? false,
        use_pss: i.usePss ?? false,
        ...joinedLists({ alt_names: i.altNames, permitted_dns_domains: i.permittedDnsDomains }),
      },
    }],
    created: (_i, [created]) => {
      const values = certificateFields(created, { certificate: "certificate", issuingCa: "issuing_ca", serialNumber: "serial_number", issuerId: "issuer_id", keyId: "key_id" });
      return typeof values.issuerId === "string" ? { values } : "no issuer_id in the answer (Vault before 1.11?)";
    },
    read: mountRead,
    gone: ([mount]) => mountGone(mount),
    record: pkiMount,
    replaceOn: ["backend", "type", "commonName", "keyType", "keyBits", "issuerName", "keyName", "maxPathLength", "organization", "ou", "excludeCnFromSans", "usePss", "altNames", "permittedDnsDomains"],
    update: () => [],
    remove: (i, computed) => [{ method: "DELETE", path: `${trim(i.backend)}/issuer/${computed.issuerId}` }],
  },

  // vault/resource_pki_secret_backend_config_ca.go pkiSecretBackendConfigCACreate: Logical().Write (PUT
  // <backend>/config/ca {pem_bundle}); on Vault 1.11+ imported_keys and imported_issuers from the answer.
  // Read and Delete make no call; every field is ForceNew.
  [VAULT_TYPES.pkiConfigCa]: {
    source: "vault/resource_pki_secret_backend_config_ca.go (pkiSecretBackendConfigCACreate, pkiSecretBackendConfigCARead, pkiSecretBackendConfigCADelete)",
    inputs: ["backend", "pemBundle"],
    id: (i) => trim(i.backend),
    create: (i) => [{ method: "PUT", path: `${trim(i.backend)}/config/ca`, body: { pem_bundle: i.pemBundle } }],
    // The schema marks both Sensitive.
    created: (_i, [created]) => ({ values: certificateFields(created, { importedIssuers: "imported_issuers", importedKeys: "imported_keys" }), secret: ["importedIssuers", "importedKeys"] }),
    ...noRead,
    replaceOn: "all",
    remove: () => [],
  },

  // vault/resource_pki_secret_backend_intermediate_cert_request.go pkiSecretBackendIntermediateCertRequestCreate:
  // Logical().Write (PUT <backend>/issuers/generate/intermediate/<type>) with the d.GetOk fields (common_name,
  // format "pem" and private_key_format "der" by default, the subject fields, key_type "rsa" and key_bits 2048
  // by default unless type is existing or kms, key_name), exclude_cn_from_sans and add_basic_constraints by
  // d.Get, the SAN lists comma-joined. Sets csr and key_id; its ID is the path plus a random UUID (here: the
  // key_id, as unique). Read and Delete make no call; every field is ForceNew (no Update).
  [VAULT_TYPES.pkiIntermediateCertRequest]: {
    source: "vault/resource_pki_secret_backend_intermediate_cert_request.go (pkiSecretBackendIntermediateCertRequestCreate, pkiSecretBackendIntermediateCertRequestRead, pkiSecretBackendIntermediateGeneratePath)",
    inputs: ["backend", "type", "commonName", "format", "privateKeyFormat", "keyType", "keyBits", "keyName", "organization", "ou", "excludeCnFromSans", "addBasicConstraints", "altNames"],
    id: (i, computed) => `${trim(i.backend)}/issuers/generate/intermediate/${trim(i.type)}/${computed.keyId}`,
    create: (i) => [{
      method: "PUT", path: `${trim(i.backend)}/issuers/generate/intermediate/${trim(i.type)}`,
      body: {
        ...whenOk({
          common_name: i.commonName, format: i.format ?? "pem", private_key_format: i.privateKeyFormat ?? "der", ou: i.ou, organization: i.organization,
          ...(["existing", "kms"].includes(i.type) ? {} : { key_type: i.keyType ?? "rsa", key_bits: i.keyBits ?? 2048 }),
          key_name: i.keyName,
        }),
        exclude_cn_from_sans: i.excludeCnFromSans ?? false,
        add_basic_constraints: i.addBasicConstraints ?? false,
        ...joinedLists({ alt_names: i.altNames }),
      },
    }],
    created: (_i, [created]) => {
      const values = certificateFields(created, { csr: "csr", keyId: "key_id" });
      return typeof values.csr === "string" ? { values } : "no csr in the answer";
    },
    ...noRead,
    replaceOn: "all",
    remove: () => [],
  },

  // vault/resource_pki_secret_backend_root_sign_intermediate.go pkiSecretBackendRootSignIntermediateCreate:
  // Logical().Write (PUT <backend>/root/sign-intermediate, or <backend>/issuer/<issuer_ref>/sign-intermediate
  // with issuer_ref) with the raw-config fields (csr, common_name, ttl, format, max_path_length, the subject
  // fields, ...), exclude_cn_from_sans, use_csr_values and use_pss by d.Get, the SAN and permitted_dns_domains
  // lists comma-joined. Sets certificate, issuing_ca, serial_number, ca_chain (the answer's, else issuing_ca
  // and certificate) and certificate_bundle (certificate then issuing_ca, for pem formats); the ID is
  // <backend>/<common_name>. Read and Update make no call (ttl, revoke and issuer_ref are not ForceNew); the
  // Delete (pkiSecretBackendCertDelete) revokes only with `revoke`, an input the stand-in does not take.
  [VAULT_TYPES.pkiRootSignIntermediate]: {
    source: "vault/resource_pki_secret_backend_root_sign_intermediate.go (pkiSecretBackendRootSignIntermediateCreate, setCAChain, setCertificateBundle, parseCertChain, pkiSecretBackendRootSignIntermediateCreatePath)",
    inputs: ["backend", "csr", "commonName", "ttl", "format", "maxPathLength", "organization", "ou", "issuerRef", "excludeCnFromSans", "useCsrValues", "usePss", "altNames", "permittedDnsDomains"],
    id: (i) => (ok(i.issuerRef) ? `${trim(i.backend)}/issuer/${i.issuerRef}/sign-intermediate/${i.commonName}` : `${trim(i.backend)}/${i.commonName}`),
    create: (i) => [{
      method: "PUT", path: ok(i.issuerRef) ? `${trim(i.backend)}/issuer/${i.issuerRef}/sign-intermediate` : `${trim(i.backend)}/root/sign-intermediate`,
      body: {
        ...whenSet({ csr: i.csr, common_name: i.commonName, ttl: i.ttl, format: i.format, max_path_length: i.maxPathLength, ou: i.ou, organization: i.organization }),
        ...whenOk({ issuer_ref: i.issuerRef }),
        exclude_cn_from_sans: i.excludeCnFromSans ?? false,
        use_csr_values: i.useCsrValues ?? false,
        use_pss: i.usePss ?? false,
        ...joinedLists({ alt_names: i.altNames, permitted_dns_domains: i.permittedDnsDomains }),
      },
    }],
    created: (i, [created]) => {
      const values = certificateFields(created, { certificate: "certificate", issuingCa: "issuing_ca", serialNumber: "serial_number" });
      if (typeof values.certificate !== "string") return "no certificate in the answer";
      const answered = data(created).ca_chain;
      const pem = ["pem", "pem_bundle"].includes(i.format ?? "pem");
      return {
        values: {
          ...values,
          caChains: Array.isArray(answered) && answered.length > 0 ? answered : certChain(created, true),
          ...(pem ? { certificateBundle: certChain(created, false).join("\n") } : {}),
        },
      };
    },
    ...noRead,
    replaceOn: ["backend", "csr", "commonName", "format", "maxPathLength", "organization", "ou", "excludeCnFromSans", "useCsrValues", "usePss", "altNames", "permittedDnsDomains"],
    update: () => [],
    remove: () => [],
  },

  // vault/resource_pki_secret_backend_intermediate_set_signed.go pkiSecretBackendIntermediateSetSignedCreate:
  // Logical().Write (PUT <backend>/intermediate/set-signed {certificate}), imported_issuers and imported_keys
  // from the answer, then pkiSecretBackendCertRead (see mountRead). Delete makes no call; every field is ForceNew.
  [VAULT_TYPES.pkiIntermediateSetSigned]: {
    source: "vault/resource_pki_secret_backend_intermediate_set_signed.go (pkiSecretBackendIntermediateSetSignedCreate, pkiSecretBackendIntermediateSetSignedDelete); vault/resource_pki_secret_backend_cert.go pkiSecretBackendCertRead",
    inputs: ["backend", "certificate"],
    id: (i, computed) => `${trim(i.backend)}/intermediate/set-signed/${list(computed.importedIssuers)[0] ?? ""}`,
    create: (i) => [{ method: "PUT", path: `${trim(i.backend)}/intermediate/set-signed`, body: { certificate: i.certificate } }],
    created: (_i, [created]) => ({ values: certificateFields(created, { importedIssuers: "imported_issuers", importedKeys: "imported_keys" }) }),
    read: mountRead,
    gone: ([mount]) => mountGone(mount),
    record: pkiMount,
    replaceOn: "all",
    remove: () => [],
  },

  // vault/resource_pki_secret_backend_config_urls.go pkiSecretBackendConfigUrlsCreateUpdate: Logical().Write (PUT
  // <backend>/config/urls) with issuing_certificates, crl_distribution_points and ocsp_servers by d.Get (empty
  // lists included), then pkiSecretBackendConfigUrlsRead: GET <backend>/config/urls. The same function serves
  // Update; Delete makes no call; `backend` is not ForceNew. (The stored source predates enable_templating,
  // which @pulumi/vault 7.8.0's schema has: the stand-in does not take it.)
  [VAULT_TYPES.pkiConfigUrls]: {
    source: "vault/resource_pki_secret_backend_config_urls.go (pkiSecretBackendConfigUrlsCreateUpdate, pkiSecretBackendConfigUrlsRead, pkiSecretBackendConfigUrlsDelete)",
    inputs: ["backend", "issuingCertificates", "crlDistributionPoints", "ocspServers"],
    id: (i) => `${trim(i.backend)}/config/urls`,
    create: (i) => [{
      method: "PUT", path: `${trim(i.backend)}/config/urls`,
      body: { issuing_certificates: list(i.issuingCertificates), crl_distribution_points: list(i.crlDistributionPoints), ocsp_servers: list(i.ocspServers) },
    }],
    read: (i) => [{ method: "GET", path: `${trim(i.backend)}/config/urls` }],
    record: (i, [urls]) => (list(data(urls).issuing_certificates).join(",") !== list(i.issuingCertificates).join(",") ? "issuing_certificates differ when read back" : undefined),
    observe: (i, [urls]) => reported(i, urls, { issuingCertificates: "issuing_certificates", crlDistributionPoints: "crl_distribution_points", ocspServers: "ocsp_servers" }),
    replaceOn: [],
    update: "create",
    remove: () => [],
  },

  // vault/resource_pki_secret_backend_role.go pkiSecretBackendRoleCreate: Logical().Write (PUT
  // <backend>/roles/<name>) with the pkiSecretListFields by d.GetOk (allowed_domains, ...; as lists), key_usage
  // by d.GetOk, every pkiSecretBooleanFields by d.Get (schema defaults: allow_localhost, allow_ip_sans,
  // allow_wildcard_certificates, enforce_hostnames, server_flag, client_flag, require_cn, use_csr_common_name and
  // use_csr_sans true; the rest false), the pkiSecretFields by d.GetOk (ttl, max_ttl, key_type "rsa" and
  // key_bits 2048 by default, ...); then pkiSecretBackendRoleRead: GET <backend>/roles/<name>.
  // pkiSecretBackendRoleUpdate writes the same fields again, to which the read has added what Vault computed
  // (issuer_ref, key_usage, cn_validations, not_before_duration, signature_bits, serial_number_source: the
  // provisioner's rules allow those at Vault's defaults); pkiSecretBackendRoleDelete: Logical().Delete.
  [VAULT_TYPES.pkiRole]: {
    source: "vault/resource_pki_secret_backend_role.go (pkiSecretBackendRoleCreate, pkiSecretBackendRoleRead, pkiSecretBackendRoleUpdate, pkiSecretBackendRoleDelete; pkiSecretFields, pkiSecretListFields, pkiSecretBooleanFields)",
    inputs: [
      "backend", "name", "allowedDomains", "ttl", "maxTtl", "keyType", "keyBits", ...Object.keys(ROLE_BOOLEANS),
    ],
    id: (i) => `${trim(i.backend)}/roles/${trim(i.name)}`,
    create: (i) => [{ method: "PUT", path: `${trim(i.backend)}/roles/${trim(i.name)}`, body: pkiRoleBody(i) }],
    read: (i) => [{ method: "GET", path: `${trim(i.backend)}/roles/${trim(i.name)}` }],
    record: (i, [role]) => (list(data(role).allowed_domains).join(",") !== list(i.allowedDomains).join(",") ? `allowed_domains read back as ${JSON.stringify(data(role).allowed_domains)}` : undefined),
    observe: (i, [role]) => reported(i, role, {
      allowedDomains: "allowed_domains", keyType: "key_type", keyBits: "key_bits",
      ...Object.fromEntries(Object.keys(ROLE_BOOLEANS).map((input) => [input, snakeCase(input)])),
    }),
    replaceOn: ["backend", "name"],
    update: "create",
    remove: (i) => [{ method: "DELETE", path: `${trim(i.backend)}/roles/${trim(i.name)}` }],
  },
};
