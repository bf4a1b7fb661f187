/**
 * Kubernetes delivery, generated from the consumer declaration (`consumers[].kubernetes.delivery`): the
 * vault-agent injector's annotations, a SecretProviderClass for the Vault CSI provider, the Vault Secrets
 * Operator's VaultConnection, VaultAuth, VaultStaticSecret and VaultDynamicSecret, and a cert-manager
 * Issuer of kind Vault. The paths they read come from config/delivery.ts, which the access check reads too.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import type { ConsumerConfig, VaultLayerModel } from "../../config";
import { databaseObjectName, DeliveryConfig, deliveryOf, deliversDatabaseCredentials, kvApiPath } from "../../config/delivery";
import { databaseCredsPath, pkiSignPath } from "../../config/grants";
import { componentArgs } from "../componentType";
import { CA_SECRET, DEFAULT_AUDIENCE, injectorAnnotations } from "./kubernetes";

/** A Kubernetes object as applied (kubectl apply -f, or a Pulumi CustomResource). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

/** Where Vault is, as the manifests name it; inputs, so the stack's outputs (the cluster's address and CA) can fill them. */
export interface VaultEndpointInputs {
  address: pulumi.Input<string>;
  /** Vault's CA certificate (PEM), base64-encoded as cert-manager's caBundle wants it; unset for a publicly trusted Vault. */
  caBundle?: pulumi.Input<string>;
}

/** What a consumer's pods are given: the manifests to apply and, for the injector, the pod annotations. */
export interface ConsumerDelivery {
  via: DeliveryConfig["via"];
  manifests: Manifest[];
  /** The pod template's annotations (via: injector). */
  annotations?: Record<string, string>;
}

/** Where the CSI provider's pods find Vault's CA: mount the `vault-ca` Secret there (the Helm chart's csi.volumes and csi.volumeMounts). */
export const CSI_PROVIDER_CA_FILE = "/vault/tls/ca.crt";
/** How often the operator re-reads a KV secret: a rotated value reaches the Kubernetes Secret within this. */
export const STATIC_SECRET_REFRESH = "60s";

const SECRETS_STORE_API = "secrets-store.csi.x-k8s.io/v1";
const VSO_API = "secrets.hashicorp.com/v1beta1";
const CERT_MANAGER_API = "cert-manager.io/v1";

/** The consumer's binding and delivery, with the audience its Vault role requires. */
function bound(consumer: ConsumerConfig) {
  const binding = consumer.kubernetes!;
  return { binding, delivery: deliveryOf(consumer)!, audience: binding.audience ?? DEFAULT_AUDIENCE };
}

function manifest(apiVersion: string, kind: string, name: string, namespace: string, spec: Record<string, unknown>): Manifest {
  return { apiVersion, kind, metadata: { name, namespace }, spec };
}

function mountOf(layer: VaultLayerModel, path: string) {
  return layer.mounts.find((mount) => mount.path === path)!;
}

/** The consumer's database grants that its delivery hands over, with the engine's mount. */
function databaseGrants(consumer: ConsumerConfig, layer: VaultLayerModel): Array<{ role: string; mount: string }> {
  const { database } = layer.engines;
  if (database === undefined || !deliversDatabaseCredentials(deliveryOf(consumer)!)) return [];
  return consumer.grants.database.map((role) => ({ role, mount: database.path }));
}

/**
 * The injector's annotations: today's (role, auth path, projected token, CA) plus one
 * `agent-inject-secret-<name>` per declared secret, naming its API path (the agent renders it to /vault/secrets/<name>).
 */
export function injectorDeliveryAnnotations(consumer: ConsumerConfig, layer: VaultLayerModel, withCa: boolean): Record<string, string> {
  const { delivery } = bound(consumer);
  return {
    ...injectorAnnotations(consumer.name, layer.kubernetes.authPath, withCa),
    ...Object.fromEntries(delivery.secrets.map((secret) => [`vault.hashicorp.com/agent-inject-secret-${secret.name}`, kvApiPath(mountOf(layer, secret.mount), secret.path)])),
  };
}

/**
 * A SecretProviderClass for the Vault CSI provider (hashicorp/vault-csi-provider internal/config,
 * parseParameters): it mints a token for `audience` with the TokenRequest API, logs in at
 * auth/<vaultKubernetesMountPath>/login as `roleName`, and GETs each object's secretPath; `objects` is the
 * YAML list it unmarshals (objectName, secretPath, secretKey).
 */
export function secretProviderClass(consumer: ConsumerConfig, layer: VaultLayerModel, vault: VaultEndpointInputs): Manifest {
  const { binding, delivery, audience } = bound(consumer);
  const objects = [
    ...delivery.secrets.map((secret) => ({
      objectName: secret.name,
      secretPath: kvApiPath(mountOf(layer, secret.mount), secret.path),
      ...(secret.key !== undefined ? { secretKey: secret.key } : {}),
    })),
    ...databaseGrants(consumer, layer).map(({ role }) => ({ objectName: databaseObjectName(role), secretPath: databaseCredsPath(layer.engines.database!, role) })),
  ];
  return manifest(SECRETS_STORE_API, "SecretProviderClass", consumer.name, binding.namespace, {
    provider: "vault",
    parameters: {
      vaultAddress: vault.address,
      roleName: consumer.name,
      vaultKubernetesMountPath: layer.kubernetes.authPath,
      audience,
      ...(vault.caBundle !== undefined ? { vaultCACertPath: CSI_PROVIDER_CA_FILE } : {}),
      objects: yaml.dump(objects, { lineWidth: -1 }),
    },
  });
}

/**
 * The Vault Secrets Operator's objects (api/v1beta1): a VaultConnection of the consumer's own (the
 * operator's default connection is configured where the operator is installed, outside this stack; this
 * one carries the stack's address and the `vault-ca` Secret the bindings put in the namespace), a VaultAuth
 * for the consumer's role and service account, one VaultStaticSecret per KV secret and one
 * VaultDynamicSecret per database grant.
 */
export function vaultSecretsOperatorManifests(consumer: ConsumerConfig, layer: VaultLayerModel, vault: VaultEndpointInputs): Manifest[] {
  const { binding, delivery, audience } = bound(consumer);
  const namespace = binding.namespace;
  const auth = consumer.name;
  return [
    manifest(VSO_API, "VaultConnection", consumer.name, namespace, { address: vault.address, ...(vault.caBundle !== undefined ? { caCertSecretRef: CA_SECRET } : {}) }),
    manifest(VSO_API, "VaultAuth", auth, namespace, {
      vaultConnectionRef: consumer.name,
      method: "kubernetes",
      mount: layer.kubernetes.authPath,
      kubernetes: { role: consumer.name, serviceAccount: binding.serviceAccount, audiences: [audience] },
    }),
    ...delivery.secrets.map((secret) => manifest(VSO_API, "VaultStaticSecret", `${consumer.name}-${secret.name}`, namespace, {
      vaultAuthRef: auth,
      mount: secret.mount,
      path: secret.path,
      type: `kv-v${mountOf(layer, secret.mount).version}`,
      refreshAfter: STATIC_SECRET_REFRESH,
      destination: { name: secret.name, create: true },
    })),
    ...databaseGrants(consumer, layer).map(({ role, mount }) => manifest(VSO_API, "VaultDynamicSecret", `${consumer.name}-${databaseObjectName(role)}`, namespace, {
      vaultAuthRef: auth,
      mount,
      path: `creds/${role}`,
      destination: { name: databaseObjectName(role), create: true },
    })),
  ];
}

/**
 * A cert-manager Issuer of kind Vault (pkg/apis/certmanager/v1 VaultIssuer): it signs each CSR at
 * `<intermediate>/sign/<role>` with the consumer's one PKI grant, logging in as the consumer's role with a
 * token of the consumer's service account (serviceAccountRef, plus the role's audience: cert-manager always
 * adds its own `vault://<namespace>/<issuer>`, which the role does not accept alone).
 */
export function vaultIssuer(consumer: ConsumerConfig, layer: VaultLayerModel, vault: VaultEndpointInputs): Manifest {
  const { binding, audience } = bound(consumer);
  return manifest(CERT_MANAGER_API, "Issuer", consumer.name, binding.namespace, {
    vault: {
      server: vault.address,
      path: pkiSignPath(layer.engines.pki!, consumer.grants.pki[0]),
      ...(vault.caBundle !== undefined ? { caBundle: vault.caBundle } : {}),
      auth: {
        kubernetes: {
          role: consumer.name,
          mountPath: `/v1/auth/${layer.kubernetes.authPath}`,
          serviceAccountRef: { name: binding.serviceAccount, audiences: [audience] },
        },
      },
    },
  });
}

/** Everything a consumer's delivery declares: the `via`'s manifests (or annotations), and the Issuer when it asks for certificates. */
export function consumerDelivery(consumer: ConsumerConfig, layer: VaultLayerModel, vault: VaultEndpointInputs): ConsumerDelivery {
  const { delivery } = bound(consumer);
  const issuer = delivery.certificates ? [vaultIssuer(consumer, layer, vault)] : [];
  switch (delivery.via) {
    case "injector": return { via: delivery.via, manifests: issuer, annotations: injectorDeliveryAnnotations(consumer, layer, vault.caBundle !== undefined) };
    case "csi": return { via: delivery.via, manifests: [secretProviderClass(consumer, layer, vault), ...issuer] };
    case "vso": return { via: delivery.via, manifests: [...vaultSecretsOperatorManifests(consumer, layer, vault), ...issuer] };
  }
}

export interface KubernetesDeliveryArgs {
  /** The Vault layer: its Kubernetes consumers with a delivery, the KV mounts, the engines and the Kubernetes auth path. */
  layer: VaultLayerModel;
  /** Creates the manifests in the cluster; unset with an external reviewer, when the stack only prints them. */
  kubernetesProvider?: k8s.Provider;
  /** Vault's https address, as the pods reach it. */
  vaultAddress: pulumi.Input<string>;
  /** Vault's CA certificate (PEM), when it is not publicly trusted. */
  caCertificate?: pulumi.Input<string>;
  /** What the manifests wait for: the Kubernetes bindings (the consumers' roles, service accounts and `vault-ca` Secrets). */
  after?: pulumi.Resource[];
}

/**
 * Each Kubernetes consumer's delivery: its manifests registered as CustomResources (with the explicit
 * Kubernetes provider) when the stack manages Kubernetes, and always as `deliveries`, for a stack output.
 */
export class KubernetesDelivery extends pulumi.ComponentResource {
  readonly deliveries: Record<string, ConsumerDelivery> = {};

  constructor(name: string, args: KubernetesDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "KubernetesDelivery", name, opts));
    const caBundle = args.caCertificate === undefined ? undefined : pulumi.output(args.caCertificate).apply((pem) => Buffer.from(pem).toString("base64"));
    const vault = { address: args.vaultAddress, caBundle };
    for (const consumer of args.layer.bindings.kubernetes.filter((candidate) => deliveryOf(candidate) !== undefined)) {
      const delivery = consumerDelivery(consumer, args.layer, vault);
      this.deliveries[consumer.name] = delivery;
      if (args.kubernetesProvider === undefined) continue;
      for (const object of delivery.manifests) {
        new k8s.apiextensions.CustomResource(`${name}-${consumer.name}-${object.kind.toLowerCase()}-${object.metadata.name}`, object,
          { parent: this, provider: args.kubernetesProvider, dependsOn: args.after });
      }
    }
    this.registerOutputs({ deliveries: this.deliveries });
  }
}
