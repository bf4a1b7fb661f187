import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ConsumerBindingArgs, seconds } from "./common";
import { componentArgs } from "../componentType";

export interface AppRoleBindingsArgs extends ConsumerBindingArgs {
  /** Mount path of the AppRole auth method. */
  path: string;
}

export interface AppRoleCredentials {
  roleId: pulumi.Output<string>;
  /** Always a Pulumi secret. */
  secretId: pulumi.Output<string>;
}

/** One AppRole auth mount, and per consumer a role bound to its policy plus a SecretID. */
export class AppRoleBindings extends pulumi.ComponentResource {
  readonly credentials: Record<string, AppRoleCredentials> = {};
  readonly path: pulumi.Output<string>;

  constructor(name: string, args: AppRoleBindingsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "AppRoleBindings", name, opts));
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    // Protected: disabling the mount revokes every token its roles ever issued.
    const auth = new vault.AuthBackend(`${name}-auth`, { type: "approle", path: args.path, description: "AppRole for services (vault-platform)" }, { ...child, protect: true });
    for (const consumer of args.consumers) {
      const binding = consumer.approle!;
      const role = new vault.approle.AuthBackendRole(`${name}-${consumer.name}`, {
        backend: auth.path,
        roleName: consumer.name,
        tokenPolicies: args.policyNames[consumer.name],
        tokenPeriod: seconds(binding.tokenPeriod),
        tokenTtl: seconds(binding.tokenTtl),
        tokenMaxTtl: seconds(binding.tokenMaxTtl),
        tokenNumUses: binding.tokenNumUses,
        secretIdNumUses: binding.secretIdNumUses,
        secretIdTtl: seconds(binding.secretIdTtl),
        secretIdBoundCidrs: binding.cidrs.length > 0 ? binding.cidrs : undefined,
        tokenBoundCidrs: binding.cidrs.length > 0 ? binding.cidrs : undefined,
      }, child);
      const secretId = new vault.approle.AuthBackendRoleSecretId(`${name}-${consumer.name}`, {
        backend: auth.path,
        roleName: role.roleName,
      }, { ...child, additionalSecretOutputs: ["secretId"] });
      this.credentials[consumer.name] = { roleId: role.roleId, secretId: pulumi.secret(secretId.secretId) };
    }
    this.path = auth.path;
    this.registerOutputs({ path: this.path });
  }
}
