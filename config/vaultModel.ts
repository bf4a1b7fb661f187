/**
 * The Vault layer as the stack will build it, derived once from validated config: which consumer binds
 * how, the distinct policies with their final names and texts, the mounts, the auth paths and audit.
 * The Vault components, the access checks and the provisioner requirements all read this model.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyError } from "../acl";
import { Secret } from "../lib/secret";
import { consumerKey, failOnProblems, PROJECT } from "./messages";
import { ConsumerPolicy, consumerPolicy, PROJECT_ROOT, RESERVED_POLICY_NAMES } from "./policyFiles";
import { AuditConfig, BINDING_KINDS, BindingKind, ConsumerConfig, KubernetesConfig, MountConfig } from "./vaultLayer";

/** Where the AppRole auth method is mounted. */
export const APPROLE_AUTH_PATH = "approle";

/** A consumer with the policy Vault will attach to its tokens. */
export interface BoundConsumer {
  consumer: ConsumerConfig;
  policy: ConsumerPolicy;
}

export interface VaultLayerModel {
  /** KV mounts, in declaration order. */
  mounts: MountConfig[];
  /** Every consumer with its policy, in declaration order. */
  consumers: BoundConsumer[];
  /** The consumers of each binding kind, in declaration order. */
  bindings: Record<BindingKind, ConsumerConfig[]>;
  /** Each distinct policy once, in first-use order; one name never stands for two texts. */
  policies: ConsumerPolicy[];
  /** Mount paths of the auth methods the layer enables (absent when the layer has none of that kind). */
  authPaths: { approle?: string; kubernetes?: string };
  /** `vault-platform:kubernetes`: the Kubernetes auth method and the injector. */
  kubernetes: KubernetesConfig;
  /** The reviewer's JWT and the API server's CA, read from `kubernetes.reviewer`'s files when it is set. */
  externalReviewer?: { jwt: Secret; caCertificate: string };
  audit: AuditConfig;
}

export interface VaultLayerInput {
  mounts: MountConfig[];
  consumers: ConsumerConfig[];
  kubernetes: KubernetesConfig;
  audit: AuditConfig;
}

/** Derives the model; throws one ConfigError naming every broken, reserved or conflicting policy file. */
export function deriveVaultLayer(input: VaultLayerInput, policyDir: string): VaultLayerModel {
  const problems: string[] = [];
  const consumers: BoundConsumer[] = [];
  const policies = new Map<string, { policy: ConsumerPolicy; where: string }>();
  input.consumers.forEach((consumer, index) => {
    const where = consumerKey(index, consumer.name);
    let policy: ConsumerPolicy;
    try {
      policy = consumerPolicy(consumer.policy, consumer.name, policyDir);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      problems.push(`${where}.policy ${error.message}`);
      return;
    }
    consumers.push({ consumer, policy });
    if (RESERVED_POLICY_NAMES.includes(policy.name)) {
      problems.push(`${where}.policy "${policy.name}" is reserved (${RESERVED_POLICY_NAMES.join(", ")}) and cannot be a consumer's policy; give the file another name`);
    }
    const first = policies.get(policy.name);
    if (first === undefined) policies.set(policy.name, { policy, where });
    else if (first.policy.text !== policy.text) {
      problems.push(`${where}.policy would upload Vault policy "${policy.name}" from ${policy.file}, but ${first.where}.policy uploads a different "${policy.name}" from ${first.policy.file}; rename one of the files`);
    }
  });
  const externalReviewer = input.kubernetes.enabled && input.kubernetes.reviewer ? readReviewer(input.kubernetes.reviewer, problems) : undefined;
  failOnProblems(problems);
  const bindings = Object.fromEntries(BINDING_KINDS.map((kind) => [kind, input.consumers.filter((consumer) => consumer[kind] !== undefined)])) as Record<BindingKind, ConsumerConfig[]>;
  return {
    mounts: input.mounts,
    consumers,
    bindings,
    policies: [...policies.values()].map(({ policy }) => policy),
    authPaths: {
      approle: bindings.approle.length > 0 ? APPROLE_AUTH_PATH : undefined,
      kubernetes: input.kubernetes.enabled || bindings.kubernetes.length > 0 ? input.kubernetes.authPath : undefined,
    },
    kubernetes: input.kubernetes,
    externalReviewer,
    audit: input.audit,
  };
}

/** The reviewer's files, checked for what they must hold; each problem names its key. */
function readReviewer(files: { jwtFile: string; caCertFile: string }, problems: string[]): VaultLayerModel["externalReviewer"] {
  const read = (key: "jwtFile" | "caCertFile", looksRight: (text: string) => boolean, what: string): string | undefined => {
    const file = path.resolve(PROJECT_ROOT, files[key]);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8").trim();
    } catch (error) {
      problems.push(`${PROJECT}:kubernetes.reviewer.${key}: cannot read ${files[key]} (${(error as NodeJS.ErrnoException).code ?? error}); ` +
        "point it at the file (relative to the project folder), or run `npm start` first for the local stack");
      return undefined;
    }
    if (looksRight(text)) return text;
    problems.push(`${PROJECT}:kubernetes.reviewer.${key}: ${files[key]} does not hold ${what}`);
    return undefined;
  };
  const jwt = read("jwtFile", (text) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(text), "a JWT (three base64url parts joined by dots)");
  const caCertificate = read("caCertFile", (text) => /-----BEGIN CERTIFICATE-----\s*[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/.test(text), "a PEM certificate");
  return jwt !== undefined && caCertificate !== undefined ? { jwt: new Secret(jwt), caCertificate: `${caCertificate}\n` } : undefined;
}
