import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { PlatformConfig } from "../../config";
import { AppRoleBindings, AppRoleCredentials } from "./approle";
import { VaultAudit } from "./audit";
import { KubernetesBindings, KubernetesRole } from "./kubernetes";
import { VaultMounts } from "./mounts";
import { ConsumerPolicy, VaultPolicies } from "./policies";
import { TokenBindings } from "./tokens";

export interface VaultConfigurationArgs {
  /** The validated stack configuration (mounts, consumers, their policies, audit, kubernetes). */
  config: PlatformConfig;
  /** The explicit Vault provider. */
  provider: vault.Provider;
  /** The Kubernetes provider; required when a consumer has a kubernetes binding. */
  kubernetesProvider?: k8s.Provider;
  /** Vault's https address, for client settings. */
  vaultAddress: pulumi.Input<string>;
  /** Vault's CA certificate, when it is not publicly trusted. */
  caCertificate?: pulumi.Input<string>;
}

/** APISIX config.yaml `vault:` block. */
export interface ApisixVaultSettings { host: string; timeout: number; token: string; prefix: string }
/** MinIO KES config `keystore.vault` block. */
export interface KesKeystoreSettings {
  endpoint: string; engine: string; version: "v1" | "v2"; prefix: string; approle: { id: string; secret: string };
}

const APISIX_TIMEOUT_SECONDS = 10;

/** Each distinct policy once, in consumer order (config parsing refuses one name with two different texts). */
export function uniquePolicies(policies: ConsumerPolicy[]): ConsumerPolicy[] {
  return [...new Map(policies.map((policy) => [policy.name, policy])).values()];
}

/**
 * Everything inside Vault: KV mounts, ACL policies from policies/, one binding per consumer (AppRole,
 * Kubernetes or scoped token), a file audit device, and the client settings each consumer pastes.
 */
export class VaultConfiguration extends pulumi.ComponentResource {
  readonly apisixVault: pulumi.Output<Record<string, ApisixVaultSettings>>;
  readonly kesKeystore: pulumi.Output<Record<string, KesKeystoreSettings>>;
  readonly kubernetesRoles: Record<string, KubernetesRole>;
  readonly approles: pulumi.Output<Record<string, { roleId: string; secretId: string }>>;
  readonly tokens: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: VaultConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vault-platform:vault:VaultConfiguration", name, {}, opts);
    const { config, provider } = args;
    const child = { parent: this };
    const consumers = config.consumers;
    const withBinding = (kind: "approle" | "kubernetes" | "token") => consumers.filter((consumer) => consumer[kind] !== undefined);

    new VaultMounts(`${name}-mounts`, { provider, mounts: config.mounts }, child);
    const policies = new VaultPolicies(`${name}-policies`, {
      provider, policies: uniquePolicies(consumers.map((consumer) => config.consumerPolicies[consumer.name])),
    }, child);
    const policyNames = Object.fromEntries(consumers.map((consumer) => [consumer.name, policies.names[config.consumerPolicies[consumer.name].name]]));

    const approleConsumers = withBinding("approle");
    const approle = approleConsumers.length > 0
      ? new AppRoleBindings(`${name}-approle`, { provider, consumers: approleConsumers, policyNames }, child)
      : undefined;
    const tokenConsumers = withBinding("token");
    const tokens = tokenConsumers.length > 0
      ? new TokenBindings(`${name}-tokens`, { provider, consumers: tokenConsumers, policyNames }, child)
      : undefined;
    const kubernetesConsumers = withBinding("kubernetes");
    const kubernetes = kubernetesConsumers.length > 0 || config.kubernetes.enabled
      ? new KubernetesBindings(`${name}-kubernetes`, {
        provider, kubernetesProvider: args.kubernetesProvider!, settings: config.kubernetes, consumers: kubernetesConsumers,
        policyNames, vaultAddress: args.vaultAddress, caCertificate: args.caCertificate,
      }, child)
      : undefined;
    if (config.audit.enabled) new VaultAudit(`${name}-audit`, { provider, filePath: config.audit.path }, child);

    const credentials: Record<string, AppRoleCredentials> = approle?.credentials ?? {};
    const issued = tokens?.tokens ?? {};
    const mountVersion = new Map(config.mounts.map((mount) => [mount.path, mount.version]));
    const address = pulumi.output(args.vaultAddress);

    this.apisixVault = pulumi.output(Object.fromEntries(consumers
      .filter((consumer) => consumer.client?.kind === "apisix")
      .map((consumer) => [consumer.name, pulumi.output({
        host: address, timeout: APISIX_TIMEOUT_SECONDS, token: issued[consumer.name], prefix: `${consumer.client!.mount}/${consumer.name}`,
      })])));
    this.kesKeystore = pulumi.output(Object.fromEntries(consumers
      .filter((consumer) => consumer.client?.kind === "kes")
      .map((consumer) => [consumer.name, pulumi.output({
        endpoint: address,
        engine: consumer.client!.mount,
        version: mountVersion.get(consumer.client!.mount) === 2 ? "v2" as const : "v1" as const,
        prefix: consumer.name,
        approle: { id: credentials[consumer.name].roleId, secret: credentials[consumer.name].secretId },
      })])));
    this.kubernetesRoles = kubernetes?.roles ?? {};
    this.approles = pulumi.output(credentials);
    this.tokens = pulumi.output(issued);
    this.registerOutputs({ kubernetesRoles: this.kubernetesRoles });
  }
}
