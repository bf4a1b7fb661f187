import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { TransitConfig } from "../../config";
import { seconds, VaultComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface TransitEngineArgs extends VaultComponentArgs {
  /** `engines.transit`: the mount path and its keys. */
  transit: TransitConfig;
}

/**
 * The transit engine (encryption as a service) and its named keys. The mount and every key are protected:
 * a key's deletion destroys every version of it, so whatever it encrypted could never be decrypted again.
 * Vault refuses that delete too (deletion_allowed stays false), and no key may be exported or backed up
 * in plaintext (exportable and allow_plaintext_backup stay false: once set, Vault never unsets them).
 */
export class TransitEngine extends pulumi.ComponentResource {
  constructor(name: string, args: TransitEngineArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "TransitEngine", name, opts));
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    const { transit } = args;
    const mount = new vault.Mount(`${name}-mount`, {
      path: transit.path,
      type: "transit",
      description: "Encryption as a service, managed by vault-platform",
    }, { ...child, protect: true });
    for (const key of transit.keys) {
      new vault.transit.SecretBackendKey(`${name}-${key.name}`, {
        backend: mount.path,
        name: key.name,
        type: key.type,
        // 0: rotated only by hand (Vault's own default); old versions keep decrypting either way.
        autoRotatePeriod: seconds(key.autoRotatePeriod) ?? 0,
        deletionAllowed: false,
        exportable: false,
        allowPlaintextBackup: false,
      }, { ...child, protect: true });
    }
    this.registerOutputs({});
  }
}
