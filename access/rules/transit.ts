/**
 * What `pulumi up` of the transit engine needs: its mount and each declared key, on named paths. A key's
 * settings that would let the key out of Vault or let it be destroyed are pinned to false: with
 * `exportable` or `allow_plaintext_backup` (which Vault never turns off again) the provisioner could read
 * the key material through transit/export or transit/backup; with `deletion_allowed` it could delete the key
 * and every ciphertext made with it would be lost. No delete, no rotate, no trim: those stay an administrator's.
 */
import type { VaultLayerModel } from "../../config";
import { ProvisionerRule, secretsMountRules } from "../provisioner";

/** Key settings that must stay false, whatever the request says; every other parameter is free. */
const KEY_KEPT_IN_VAULT = { exportable: [false], allow_plaintext_backup: [false] };

export function transitRules(layer: VaultLayerModel): ProvisionerRule[] {
  const transit = layer.engines.transit;
  if (transit === undefined) return [];
  return [
    ...secretsMountRules(transit.path),
    ...transit.keys.flatMap((key): ProvisionerRule[] => [
      {
        path: `${transit.path}/keys/${key.name}`, capabilities: ["create", "read", "update"],
        // Also the declared type and no derivation: the key the consumers' grants were reviewed for.
        allowedParameters: { ...KEY_KEPT_IN_VAULT, type: [key.type], derived: [false], convergent_encryption: [false], "*": [] },
      },
      { path: `${transit.path}/keys/${key.name}/config`, capabilities: ["create", "update"], allowedParameters: { ...KEY_KEPT_IN_VAULT, deletion_allowed: [false], "*": [] } },
    ]),
  ];
}
