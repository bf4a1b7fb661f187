import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ConsumerBindingArgs, seconds } from "./common";
import { componentArgs } from "../componentType";

export type TokenBindingsArgs = ConsumerBindingArgs;

/**
 * Scoped tokens that outlive the provisioner's short-lived child token: each is issued through its own
 * token role (orphan, allowed_policies = the consumer's policies), which needs no sudo.
 */
export class TokenBindings extends pulumi.ComponentResource {
  /** Client token per consumer; always a Pulumi secret. */
  readonly tokens: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: TokenBindingsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "TokenBindings", name, opts));
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    for (const consumer of args.consumers) {
      const binding = consumer.token!;
      const policies = args.policyNames[consumer.name];
      const role = new vault.tokenauth.AuthBackendRole(`${name}-${consumer.name}`, {
        roleName: consumer.name,
        allowedPolicies: policies,
        orphan: true,
        renewable: binding.renewable,
        tokenPeriod: seconds(binding.period),
        tokenNumUses: binding.numUses,
      }, child);
      const token = new vault.Token(`${name}-${consumer.name}`, {
        roleName: role.roleName,
        policies,
        ttl: binding.ttl === undefined ? undefined : String(binding.ttl),
        // No `period` here: Vault wants sudo for a periodic token asked for at create time; the role's
        // token_period makes the token periodic without it.
        renewable: binding.renewable,
        numUses: binding.numUses,
        displayName: consumer.name,
      }, { ...child, additionalSecretOutputs: ["clientToken"] });
      this.tokens[consumer.name] = pulumi.secret(token.clientToken);
    }
    this.registerOutputs({});
  }
}
