/**
 * What `pulumi up` of the PKI engine needs (components/vault/pki.ts through terraform-provider-vault's
 * calls, local/provider/calls/pki.ts), each on a named path. None of these paths is root-protected:
 * Vault's PKI backend root-protects only `root` (DELETE, the root's removal) and `root/sign-self-issued`
 * (builtin/logical/pki/backend.go, PathsSpecial.Root), so no sudo. The mounts and the root are protected:
 * no delete on them (the root certificate's delete would be DELETE <root>/issuer/<id>).
 *
 * Pins: a role is written with exactly its declared settings (config/engines.ts pkiRoleSettings), every
 * other parameter refused, so the provisioner cannot widen a role to any name, a wildcard, localhost, an
 * IP or code signing; the CAs' names and lifetimes are pinned likewise. Numbers (key_bits) cannot be
 * pinned: Vault compares a request's JSON number with a policy's value by type and never matches.
 *
 * What stays open, and why: `<root>/root/sign-intermediate` must take the CSR the intermediate's key
 * produced at `up` time, so the provisioner could have Vault sign another intermediate CSR under the root
 * (with the declared name and lifetime). Keep its token short-lived (it can already issue the declared
 * consumers' credentials); an intermediate signed offline (an imported root, signed by hand) removes it.
 */
import type { PkiConfig, VaultLayerModel } from "../../config";
import { pkiRoleSettings } from "../../config/engines";
import { snakeCase } from "../../lib/fieldName";
import { ProvisionerRule, secretsMountRules } from "../provisioner";

type Pins = NonNullable<ProvisionerRule["allowedParameters"]>;

/**
 * Fields pkiSecretBackendRoleRead sets from Vault's answer and pkiSecretBackendRoleUpdate sends back
 * (d.GetOk), at the values Vault 1.21.1 answers for a role written with pkiRoleSettings: an update
 * carries them. A key_usage, issuer_ref or serial-number source the provisioner chose would change what
 * leaves are.
 */
export const ROLE_READ_BACK_PINS: Pins = {
  issuer_ref: ["default"],
  key_usage: ["DigitalSignature", "KeyAgreement", "KeyEncipherment"],
  cn_validations: ["email", "hostname"],
  serial_number_source: ["json-csr"],
  // A duration (Vault's default backdating, 30s) and a number: values a policy cannot pin.
  not_before_duration: [],
  signature_bits: [],
};

/** A role's pins: each setting at its declared value (lists: each item one of the declared ones). */
export function pkiRolePins(settings: ReturnType<typeof pkiRoleSettings>): Pins {
  return {
    ...Object.fromEntries(Object.entries(settings).map(([input, value]) => [
      snakeCase(input),
      typeof value === "number" ? [] : Array.isArray(value) ? value : [value],
    ])),
    ...ROLE_READ_BACK_PINS,
  };
}

/** The PKI engine's rules for `pulumi up`, in apply order. */
export function pkiRules(layer: VaultLayerModel): ProvisionerRule[] {
  const pki = layer.engines.pki;
  return pki === undefined ? [] : [...mountRules(pki.rootPath), ...rootRules(pki), ...mountRules(pki.intermediatePath), ...intermediateRules(pki)];
}

/** A PKI mount (tuned for its max lease TTL) and its URLs; never disabled by up. */
function mountRules(path: string): ProvisionerRule[] {
  return [
    ...secretsMountRules(path),
    // The issuing-certificate and CRL URLs under Vault's address (a cluster's address is known only at up time).
    {
      path: `${path}/config/urls`, capabilities: ["read", "update"],
      allowedParameters: { issuing_certificates: [`*/v1/${path}/ca`], crl_distribution_points: [`*/v1/${path}/crl`], ocsp_servers: [""] },
    },
  ];
}

function rootRules(pki: PkiConfig): ProvisionerRule[] {
  const root = pki.root;
  const ca: ProvisionerRule = "commonName" in root
    ? {
      path: `${pki.rootPath}/issuers/generate/root/internal`, capabilities: ["update"],
      allowedParameters: {
        common_name: [root.commonName], ttl: [String(root.ttl)], key_type: [root.keyType], key_bits: [], exclude_cn_from_sans: [false], use_pss: [false],
      },
    }
    : { path: `${pki.rootPath}/config/ca`, capabilities: ["update"], allowedParameters: { pem_bundle: [] } };
  return [
    ca,
    {
      path: `${pki.rootPath}/root/sign-intermediate`, capabilities: ["update"],
      allowedParameters: {
        csr: [], common_name: [pki.intermediate.commonName], ttl: [String(pki.intermediate.ttl)], exclude_cn_from_sans: [false], use_csr_values: [false], use_pss: [false],
      },
    },
  ];
}

function intermediateRules(pki: PkiConfig): ProvisionerRule[] {
  const { intermediate } = pki;
  return [
    {
      path: `${pki.intermediatePath}/issuers/generate/intermediate/internal`, capabilities: ["update"],
      allowedParameters: {
        common_name: [intermediate.commonName], key_type: [intermediate.keyType], key_bits: [], format: ["pem"], private_key_format: ["der"],
        exclude_cn_from_sans: [false], add_basic_constraints: [false],
      },
    },
    { path: `${pki.intermediatePath}/intermediate/set-signed`, capabilities: ["update"], allowedParameters: { certificate: [] } },
    ...pki.roles.map((role) => ({
      path: `${pki.intermediatePath}/roles/${role.name}`,
      capabilities: ["create" as const, "read" as const, "update" as const, "delete" as const],
      allowedParameters: pkiRolePins(pkiRoleSettings(role)),
    })),
  ];
}
