import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { MountConfig } from "../../config";
import { VaultComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface VaultMountsArgs extends VaultComponentArgs {
  /** KV mounts to enable. */
  mounts: MountConfig[];
}

/**
 * KV secrets engines, version 1 or 2, with their version-2 settings. Each mount is protected: disabling
 * a mount destroys every secret in it, so a `pulumi up` that would delete one (a mount removed from the
 * config, or vault.configure turned off by mistake) fails before anything is deleted.
 */
export class VaultMounts extends pulumi.ComponentResource {
  constructor(name: string, args: VaultMountsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "VaultMounts", name, opts));
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    for (const mount of args.mounts) {
      const engine = new vault.Mount(`${name}-${mount.path}`, {
        path: mount.path,
        type: "kv",
        options: { version: String(mount.version) },
        description: mount.description ?? `KV v${mount.version}, managed by vault-platform`,
      }, { ...child, protect: true });
      if (mount.version === 2 && mount.maxVersions !== undefined) {
        new vault.kv.SecretBackendV2(`${name}-${mount.path}-config`, { mount: engine.path, maxVersions: mount.maxVersions }, child);
      }
    }
    this.registerOutputs({});
  }
}
