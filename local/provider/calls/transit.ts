/**
 * The transit engine's key, as terraform-provider-vault makes its calls: vault/resource_transit_secret_backend_key.go
 * (hashicorp/terraform-provider-vault, read at commit 09c99e44730c6c9068a68694a0da8ed9672497c4).
 */
import { VAULT_TYPES } from "../../../components/resourceTypes";
import type { VaultResponse } from "../../vaultHttp";
import type { Inputs, ResourceCalls } from "../vaultCalls";
import { data, reported, trim } from "./fields";

const keyPath = (i: Inputs) => `${trim(i.backend)}/keys/${trim(i.name)}`;

/** getTransitAutoRotatePeriod: d.GetOkExists, so an unset period is sent as 0. */
const autoRotatePeriod = (i: Inputs) => i.autoRotatePeriod ?? 0;

/** The key's settings the config endpoint takes, each d.Get (zero values and schema defaults included). */
function keyConfig(i: Inputs, minEncryptionField: string): Record<string, unknown> {
  return {
    min_decryption_version: i.minDecryptionVersion ?? 1,
    [minEncryptionField]: i.minEncryptionVersion ?? 0,
    deletion_allowed: i.deletionAllowed ?? false,
    exportable: i.exportable ?? false,
    allow_plaintext_backup: i.allowPlaintextBackup ?? false,
    auto_rotate_period: autoRotatePeriod(i),
  };
}

/** What transitSecretBackendKeyRead needs as numbers (json.Number), else it fails. */
const NUMBERS = ["latest_version", "min_available_version", "min_decryption_version", "min_encryption_version"];

export const TRANSIT_CALLS: Record<string, ResourceCalls> = {
  // transitSecretBackendKeyCreate: Logical().Write (PUT <backend>/keys/<name>) with convergent_encryption, derived,
  // type and auto_rotate_period, plus key_size (d.Get) on Vault 1.12+ (parameter_set and the hybrid key types,
  // when d.GetOk on 1.19+, are not declared here); then Logical().Write (PUT <backend>/keys/<name>/config) with
  // every setting by d.Get. The create's config body spells the minimum encryption version
  // "min_encryption_versoin" (so Vault ignores it); the update spells it right. Then
  // transitSecretBackendKeyRead: Logical().Read (GET <backend>/keys/<name>), nil (404) dropping the key.
  [VAULT_TYPES.transitKey]: {
    source: "vault/resource_transit_secret_backend_key.go (transitSecretBackendKeyCreate, transitSecretBackendKeyRead, transitSecretBackendKeyUpdate, transitSecretBackendKeyDelete)",
    inputs: ["backend", "name", "type", "deletionAllowed", "convergentEncryption", "derived", "exportable", "allowPlaintextBackup", "autoRotatePeriod", "keySize", "minDecryptionVersion", "minEncryptionVersion"],
    id: (i) => keyPath(i),
    create: (i) => [
      {
        method: "PUT", path: keyPath(i),
        body: { convergent_encryption: i.convergentEncryption ?? false, derived: i.derived ?? false, type: i.type ?? "aes256-gcm96", auto_rotate_period: autoRotatePeriod(i), key_size: i.keySize ?? 0 },
      },
      { method: "PUT", path: `${keyPath(i)}/config`, body: keyConfig(i, "min_encryption_versoin") },
    ],
    read: (i) => [{ method: "GET", path: keyPath(i) }],
    record: (i, [key]: VaultResponse[]) => {
      const body = data(key);
      const notNumber = NUMBERS.find((field) => typeof body[field] !== "number");
      if (notNumber !== undefined) return `${notNumber} is ${JSON.stringify(body[notNumber])}, the provider needs a number`;
      if (body.type !== (i.type ?? "aes256-gcm96")) return `key type is ${body.type}, not ${i.type}`;
      return undefined;
    },
    observe: (i, [key]) => reported(i, key, {
      type: "type", deletionAllowed: "deletion_allowed", exportable: "exportable", allowPlaintextBackup: "allow_plaintext_backup", autoRotatePeriod: "auto_rotate_period",
      derived: "derived", minDecryptionVersion: "min_decryption_version", minEncryptionVersion: "min_encryption_version",
    }),
    // backend, name, type, convergent_encryption and derived are ForceNew. (exportable and allow_plaintext_backup
    // turned off again would replace the key: the program never turns them on.) transitSecretBackendKeyUpdate
    // writes only the config, every field by d.Get; transitSecretBackendKeyDelete: Logical().Delete, which Vault
    // refuses while deletion_allowed is false.
    replaceOn: ["backend", "name", "type", "convergentEncryption", "derived"],
    update: (i) => [{ method: "PUT", path: `${keyPath(i)}/config`, body: keyConfig(i, "min_encryption_version") }],
    remove: (i) => [{ method: "DELETE", path: keyPath(i) }],
  },
};
