import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { ConsumerPolicy } from "../../config";
import { VaultComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface VaultPoliciesArgs extends VaultComponentArgs {
  /** The policies to upload, unique by name. */
  policies: ConsumerPolicy[];
}

/** Uploads ACL policies, each exactly as validated. */
export class VaultPolicies extends pulumi.ComponentResource {
  /** Policy name in Vault, by that name (an Output, so bindings depend on the upload). */
  readonly names: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: VaultPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "VaultPolicies", name, opts));
    for (const policy of args.policies) {
      const uploaded = new vault.Policy(`${name}-${policy.name}`, { name: policy.name, policy: policy.text }, { parent: this, provider: args.provider, dependsOn: args.after });
      this.names[policy.name] = uploaded.name;
    }
    this.registerOutputs({ names: this.names });
  }
}
