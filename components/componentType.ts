import * as pulumi from "@pulumi/pulumi";

/** The component modules: one folder each under components/. */
export type ComponentModule = "cluster" | "vault";

/**
 * Tokens components had before they were named `vault-platform:<module>:<ClassName>`. Each is kept as an
 * alias, so a stack created with the old token keeps its resources instead of replacing them (a replaced
 * KV mount would lose its secrets).
 */
const FORMER_TOKENS: Record<string, string> = {
  "vault-platform:cluster:VaultFirewall": "vault-platform:cluster:Firewall",
  "vault-platform:cluster:VaultIdentity": "vault-platform:cluster:Identity",
  "vault-platform:cluster:VaultLoadBalancer": "vault-platform:cluster:LoadBalancer",
  "vault-platform:cluster:VaultNetwork": "vault-platform:cluster:Network",
  "vault-platform:cluster:VaultNodes": "vault-platform:cluster:Nodes",
  "vault-platform:cluster:VaultSealKey": "vault-platform:cluster:SealKey",
  "vault-platform:cluster:VaultStorage": "vault-platform:cluster:Storage",
  "vault-platform:cluster:VaultTls": "vault-platform:cluster:Tls",
  "vault-platform:vault:VaultAudit": "vault-platform:vault:Audit",
  "vault-platform:vault:VaultMounts": "vault-platform:vault:Mounts",
  "vault-platform:vault:VaultPolicies": "vault-platform:vault:Policies",
};

/**
 * The arguments of a component's `super` call: type token `vault-platform:<module>:<ClassName>`, name, no
 * inputs, and the options with the former token as an alias.
 */
export function componentArgs(
  module: ComponentModule, className: string, name: string, opts: pulumi.ComponentResourceOptions | undefined,
): [string, string, pulumi.Inputs, pulumi.ComponentResourceOptions] {
  const token = `vault-platform:${module}:${className}`;
  const former = FORMER_TOKENS[token];
  return [token, name, {}, former === undefined ? opts ?? {} : { ...opts, aliases: [...(opts?.aliases ?? []), { type: former }] }];
}
