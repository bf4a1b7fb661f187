import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { attachedPolicies, VaultLayerModel } from "../../config";
import { AppRoleBindings, AppRoleCredentials } from "./approle";
import { VaultAudit } from "./audit";
import { DatabaseEngine } from "./database";
import { AwsSecretsEngine } from "./awsEngine";
import { ConsumerDelivery, KubernetesDelivery } from "./delivery";
import { KubernetesBindings, KubernetesRole } from "./kubernetes";
import { PeopleLogin } from "./people";
import { VaultMounts } from "./mounts";
import { PkiEngine } from "./pki";
import { VaultPolicies } from "./policies";
import { TokenBindings } from "./tokens";
import { TransitEngine } from "./transit";
import { componentArgs } from "../componentType";

export interface VaultConfigurationArgs {
  /** The Vault layer derived from the stack configuration: mounts, consumers by binding, policies, audit. */
  layer: VaultLayerModel;
  /** The explicit Vault provider. */
  provider: vault.Provider;
  /** The Kubernetes provider; required for Kubernetes auth unless its reviewer is external (`kubernetes.reviewer`). */
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

/**
 * Everything inside Vault: KV mounts, ACL policies from policies/, one binding per consumer (AppRole,
 * Kubernetes or scoped token), a file audit device, and the client settings each consumer pastes.
 */
export class VaultConfiguration extends pulumi.ComponentResource {
  readonly apisixVault: pulumi.Output<Record<string, ApisixVaultSettings>>;
  readonly kesKeystore: pulumi.Output<Record<string, KesKeystoreSettings>>;
  readonly kubernetesRoles: Record<string, KubernetesRole>;
  /** Each Kubernetes consumer's delivery (manifests, or the injector's annotations): no secrets. */
  readonly delivery: pulumi.Output<Record<string, ConsumerDelivery>>;
  readonly approles: pulumi.Output<Record<string, { roleId: string; secretId: string }>>;
  readonly tokens: pulumi.Output<Record<string, string>>;
  /** The PKI intermediate's CA chain (intermediate, then root), when the PKI engine is declared. */
  readonly pkiCaChain?: pulumi.Output<string>;

  constructor(name: string, args: VaultConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "VaultConfiguration", name, opts));
    const { layer, provider } = args;
    const child = { parent: this };
    const consumers = layer.consumers.map(({ consumer }) => consumer);

    const audit = layer.audit.enabled ? new VaultAudit(`${name}-audit`, { provider, filePath: layer.audit.path, socket: layer.audit.socket }, child) : undefined;
    const after = audit ? [audit.device] : [];
    new VaultMounts(`${name}-mounts`, { provider, mounts: layer.mounts, after }, child);
    const pki = layer.engines.pki && new PkiEngine(`${name}-pki`, { provider, pki: layer.engines.pki, secrets: layer.secrets, vaultAddress: args.vaultAddress, after }, child);
    if (layer.engines.database) new DatabaseEngine(`${name}-database`, { provider, database: layer.engines.database, secrets: layer.secrets, after }, child);
    if (layer.engines.aws) new AwsSecretsEngine(`${name}-aws`, { provider, engine: layer.engines.aws, secrets: layer.secrets, after }, child);
    if (layer.engines.transit) new TransitEngine(`${name}-transit`, { provider, transit: layer.engines.transit, after }, child);
    const policies = new VaultPolicies(`${name}-policies`, { provider, policies: layer.policies, after }, child);
    if (layer.auth.ldap || layer.auth.oidc) {
      new PeopleLogin(`${name}-people`, { provider, auth: layer.auth, policies: layer.operatorPolicies, secrets: layer.secrets, ldapCaCertificate: layer.ldapCaCertificate, oidcCaCertificate: layer.oidcCaCertificate, after }, child);
    }
    const policyNames = Object.fromEntries(layer.consumers.map((bound) => [bound.consumer.name, attachedPolicies(bound).map((policy) => policies.names[policy])]));

    const approle = layer.authPaths.approle !== undefined
      ? new AppRoleBindings(`${name}-approle`, { provider, path: layer.authPaths.approle, consumers: layer.bindings.approle, policyNames, after }, child)
      : undefined;
    const tokens = layer.bindings.token.length > 0
      ? new TokenBindings(`${name}-tokens`, { provider, consumers: layer.bindings.token, policyNames, after }, child)
      : undefined;
    const kubernetes = layer.authPaths.kubernetes !== undefined
      ? new KubernetesBindings(`${name}-kubernetes`, {
        provider, kubernetesProvider: args.kubernetesProvider, externalReviewer: layer.externalReviewer, settings: layer.kubernetes, consumers: layer.bindings.kubernetes,
        policyNames, vaultAddress: args.vaultAddress, caCertificate: args.caCertificate, after,
      }, child)
      : undefined;
    const delivery = kubernetes ? new KubernetesDelivery(`${name}-delivery`, {
      layer, kubernetesProvider: args.kubernetesProvider, vaultAddress: args.vaultAddress, caCertificate: args.caCertificate, after: [kubernetes],
    }, child) : undefined;

    const credentials: Record<string, AppRoleCredentials> = approle?.credentials ?? {};
    const issued = tokens?.tokens ?? {};
    const mountVersion = new Map(layer.mounts.map((mount) => [mount.path, mount.version]));
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
    this.delivery = pulumi.output(delivery?.deliveries ?? {});
    this.approles = pulumi.output(credentials);
    this.tokens = pulumi.output(issued);
    this.pkiCaChain = pki?.caChain;
    this.registerOutputs({ kubernetesRoles: this.kubernetesRoles });
  }
}
