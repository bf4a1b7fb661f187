import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { KubernetesConfig, VaultLayerModel } from "../../config";
import { ConsumerBindingArgs, seconds } from "./common";
import { componentArgs } from "../componentType";

export interface KubernetesBindingsArgs extends ConsumerBindingArgs {
  /** The Kubernetes provider for the reviewer, service accounts and injector; unset with an external reviewer. */
  kubernetesProvider?: k8s.Provider;
  /** `vault-platform:kubernetes` settings (enabled, host, auth path, injector). */
  settings: KubernetesConfig;
  /** A reviewer managed elsewhere (`kubernetes.reviewer`): its JWT and the API server's CA; nothing is created in Kubernetes. */
  externalReviewer?: VaultLayerModel["externalReviewer"];
  /** Vault's address, for the injector. */
  vaultAddress: pulumi.Input<string>;
  /** Vault's CA certificate, copied into each consumer namespace for the agent; unset for a publicly trusted Vault. */
  caCertificate?: pulumi.Input<string>;
}

/** A pod volume: the service-account token the kubelet projects for one audience. */
export interface ProjectedTokenVolume {
  name: string;
  projected: { sources: Array<{ serviceAccountToken: { path: string; audience: string; expirationSeconds: number } }> };
}

/** What a workload needs to log in: its role, where it runs, the injector annotations and the token volume they name. */
export interface KubernetesRole {
  role: string;
  namespace: string;
  serviceAccount: string;
  /** The audience the role requires of the token (the pod's default token carries the API server's instead). */
  audience: string;
  annotations: Record<string, string>;
  /** Add to the pod spec's volumes: the agent logs in with this token, whose audience the role accepts. */
  tokenVolume: ProjectedTokenVolume;
}

/** The Secret in each consumer namespace holding Vault's CA as `ca.crt` (the agent, the CSI provider and the operator read that key). */
export const CA_SECRET = "vault-ca";
const TOKEN_VOLUME = "vault-token";
/** The kubelet refreshes a projected token at 80% of this; one hour is the usual lifetime of a bound token. */
const TOKEN_VOLUME_SECONDS = 3600;
/** What a role requires when the consumer names no audience: tokens minted for Vault, never replayable to the API server. */
export const DEFAULT_AUDIENCE = "vault";

/** A projected service-account token for `audience`, for the pod spec's volumes. */
export function projectedTokenVolume(audience: string): ProjectedTokenVolume {
  return { name: TOKEN_VOLUME, projected: { sources: [{ serviceAccountToken: { path: "token", audience, expirationSeconds: TOKEN_VOLUME_SECONDS } }] } };
}
const HELM_REPOSITORY = "https://helm.releases.hashicorp.com";

/** The vault-agent injector annotations for a role. */
export function injectorAnnotations(role: string, authPath: string, withCa: boolean): Record<string, string> {
  return {
    "vault.hashicorp.com/agent-inject": "true",
    "vault.hashicorp.com/role": role,
    "vault.hashicorp.com/auth-path": `auth/${authPath}`,
    // The pod's default token is for the API server's audience, which the role refuses: the agent uses the projected one.
    "vault.hashicorp.com/agent-service-account-token-volume-name": TOKEN_VOLUME,
    ...(withCa ? { "vault.hashicorp.com/tls-secret": CA_SECRET, "vault.hashicorp.com/ca-cert": `/vault/tls/ca.crt` } : {}),
  };
}

function decoded(data: pulumi.Output<Record<string, string>>, key: string): pulumi.Output<string> {
  return data.apply((values) => Buffer.from(values[key] ?? "", "base64").toString("utf8"));
}

/**
 * Kubernetes auth: a token-reviewer service account (bound to system:auth-delegator, with a long-lived
 * token Secret whose JWT and CA configure the mount), a role per workload bound to its service account
 * and namespace, the workloads' service accounts, and optionally the vault-agent injector. With an
 * external reviewer (`kubernetes.reviewer`) only the Vault side is declared: its JWT and CA come from config.
 */
export class KubernetesBindings extends pulumi.ComponentResource {
  readonly roles: Record<string, KubernetesRole> = {};

  constructor(name: string, args: KubernetesBindingsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "KubernetesBindings", name, opts));
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    const { settings } = args;
    const kube = args.externalReviewer ? undefined : { parent: this, provider: args.kubernetesProvider! };
    const reviewer = kube ? this.createReviewer(name, settings, kube) : {
      caCertificate: pulumi.output(args.externalReviewer!.caCertificate),
      jwt: pulumi.secret(args.externalReviewer!.jwt.reveal()),
      namespace: undefined,
    };

    // Protected: disabling the mount revokes every token its roles ever issued.
    const auth = new vault.AuthBackend(`${name}-auth`, { type: "kubernetes", path: settings.authPath, description: "Kubernetes service accounts (vault-platform)" }, { ...child, protect: true });
    new vault.kubernetes.AuthBackendConfig(`${name}-config`, {
      backend: auth.path,
      kubernetesHost: settings.host!,
      kubernetesCaCert: reviewer.caCertificate,
      tokenReviewerJwt: reviewer.jwt,
    }, child);

    const caNamespaces = new Set<string>();
    for (const consumer of args.consumers) {
      const binding = consumer.kubernetes!;
      const audience = binding.audience ?? DEFAULT_AUDIENCE;
      if (kube) new k8s.core.v1.ServiceAccount(`${name}-${consumer.name}`, { metadata: { name: binding.serviceAccount, namespace: binding.namespace } }, kube);
      new vault.kubernetes.AuthBackendRole(`${name}-${consumer.name}`, {
        backend: auth.path,
        roleName: consumer.name,
        boundServiceAccountNames: [binding.serviceAccount],
        boundServiceAccountNamespaces: [binding.namespace],
        tokenPolicies: args.policyNames[consumer.name],
        tokenTtl: seconds(binding.tokenTtl),
        tokenPeriod: seconds(binding.tokenPeriod),
        audience,
      }, child);
      if (kube && args.caCertificate !== undefined && !caNamespaces.has(binding.namespace)) {
        caNamespaces.add(binding.namespace);
        new k8s.core.v1.Secret(`${name}-ca-${binding.namespace}`, {
          metadata: { name: CA_SECRET, namespace: binding.namespace },
          stringData: { "ca.crt": args.caCertificate },
        }, kube);
      }
      this.roles[consumer.name] = {
        role: consumer.name,
        namespace: binding.namespace,
        serviceAccount: binding.serviceAccount,
        audience,
        annotations: injectorAnnotations(consumer.name, settings.authPath, args.caCertificate !== undefined),
        tokenVolume: projectedTokenVolume(audience),
      };
    }

    if (kube && settings.injector) {
      new k8s.helm.v3.Release(`${name}-injector`, {
        chart: "vault",
        version: settings.injectorChartVersion,
        namespace: reviewer.namespace,
        repositoryOpts: { repo: HELM_REPOSITORY },
        values: {
          global: { externalVaultAddr: args.vaultAddress },
          server: { enabled: false },
          injector: { enabled: true, authPath: `auth/${settings.authPath}` },
        },
      }, kube);
    }
    this.registerOutputs({ roles: this.roles });
  }

  /** The token reviewer: a service account bound to system:auth-delegator, with a long-lived token Secret. */
  private createReviewer(name: string, settings: KubernetesConfig, kube: { parent: pulumi.Resource; provider: k8s.Provider }) {
    const reviewerNamespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: settings.reviewerNamespace } }, kube);
    const namespace = reviewerNamespace.metadata.name;
    const reviewer = new k8s.core.v1.ServiceAccount(`${name}-reviewer`, { metadata: { name: "vault-token-reviewer", namespace } }, kube);
    new k8s.rbac.v1.ClusterRoleBinding(`${name}-reviewer`, {
      metadata: { name: "vault-token-reviewer" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [{ kind: "ServiceAccount", name: reviewer.metadata.name, namespace }],
    }, kube);
    const reviewerToken = new k8s.core.v1.Secret(`${name}-reviewer-token`, {
      metadata: { name: "vault-token-reviewer", namespace, annotations: { "kubernetes.io/service-account.name": reviewer.metadata.name } },
      type: "kubernetes.io/service-account-token",
    }, { ...kube, additionalSecretOutputs: ["data"] });
    return { caCertificate: decoded(reviewerToken.data, "ca.crt"), jwt: pulumi.secret(decoded(reviewerToken.data, "token")), namespace };
  }
}
