/**
 * The Vault layer as the stack will build it, derived once from validated config: which consumer binds
 * how, the distinct policies with their final names and texts, the mounts, the auth paths and audit.
 * The Vault components, the access checks and the provisioner requirements all read this model.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyError } from "../acl";
import { Secret } from "../lib/secret";
import { parsePolicy } from "../acl";
import type { AuthConfig, LoginConfig } from "./authMethods";
import { EnginesConfig, grantableNames } from "./engines";
import { grantPolicyName, grantPolicyText, undeclaredGrants } from "./grants";
import { consumerKey, failOnProblems, PROJECT } from "./messages";
import { ConsumerPolicy, consumerPolicy, PROJECT_ROOT, RESERVED_POLICY_NAMES } from "./policyFiles";
import { AuditConfig, BINDING_KINDS, BindingKind, ConsumerConfig, KubernetesConfig, MountConfig } from "./vaultLayer";

/** Where the AppRole auth method is mounted. */
export const APPROLE_AUTH_PATH = "approle";

/** A consumer with the policies Vault will attach to its tokens. */
export interface BoundConsumer {
  consumer: ConsumerConfig;
  policy: ConsumerPolicy;
  /** The policy generated from its grants (config/grants.ts), when it has any. */
  grants?: ConsumerPolicy;
}

export interface VaultLayerModel {
  /** KV mounts, in declaration order. */
  mounts: MountConfig[];
  /** Every consumer with its policy, in declaration order. */
  consumers: BoundConsumer[];
  /** The consumers of each binding kind, in declaration order. */
  bindings: Record<BindingKind, ConsumerConfig[]>;
  /** Each distinct consumer policy once (files, then generated grants), in first-use order; one name never stands for two texts. */
  policies: ConsumerPolicy[];
  /** The policies people get through LDAP groups and OIDC roles, each once; uploaded, but not linted as consumers' (operators may need sys/). */
  operatorPolicies: ConsumerPolicy[];
  /** Mount paths of the auth methods the layer enables (absent when the layer has none of that kind). */
  authPaths: { approle?: string; kubernetes?: string; ldap?: string; oidc?: string };
  /** `vault-platform:engines`: database, AWS, PKI and transit. */
  engines: EnginesConfig;
  /** `vault-platform:auth`: LDAP and OIDC for people. */
  auth: AuthConfig;
  /** `vault.login`: the provider's own login, when it is not a token. */
  login?: LoginConfig;
  /** `vault-platform:secrets`: the named secret values the config refers to. */
  secrets: Record<string, Secret>;
  /** `vault-platform:kubernetes`: the Kubernetes auth method and the injector. */
  kubernetes: KubernetesConfig;
  /** The reviewer's JWT and the API server's CA, read from `kubernetes.reviewer`'s files when it is set. */
  externalReviewer?: { jwt: Secret; caCertificate: string };
  /** The LDAP directory's CA certificate, read from `auth.ldap.caCertFile` when it is set. */
  ldapCaCertificate?: string;
  /** The identity provider's CA certificate, read from `auth.oidc.caCertFile` when it is set. */
  oidcCaCertificate?: string;
  audit: AuditConfig;
}

export interface VaultLayerInput {
  mounts: MountConfig[];
  consumers: ConsumerConfig[];
  kubernetes: KubernetesConfig;
  audit: AuditConfig;
  engines: EnginesConfig;
  auth: AuthConfig;
  vault: { login?: LoginConfig };
  secrets: Record<string, string>;
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
    const undeclared = undeclaredGrants(consumer, where, input.engines, (engine) => grantableNames(input.engines, engine));
    problems.push(...undeclared);
    const grants = undeclared.length === 0 ? generatedGrants(consumer, where, input.engines) : undefined;
    consumers.push({ consumer, policy, grants });
    if (RESERVED_POLICY_NAMES.includes(policy.name)) {
      problems.push(`${where}.policy "${policy.name}" is reserved (${RESERVED_POLICY_NAMES.join(", ")}) and cannot be a consumer's policy; give the file another name`);
    }
    for (const uploaded of grants ? [policy, grants] : [policy]) addPolicy(policies, uploaded, uploaded === grants ? `${where}.grants` : `${where}.policy`, problems);
  });
  const operators = new Map<string, { policy: ConsumerPolicy; where: string }>();
  for (const [where, names] of operatorPolicyNames(input.auth)) {
    names.forEach((name, index) => {
      const policy = operatorPolicy(name, `${where}[${index}]`, policyDir, problems);
      if (policy === undefined) return;
      if (policies.has(policy.name)) {
        problems.push(`${where}[${index}] "${name}" is also a consumer's policy; people and services get separate policy files`);
        return;
      }
      addPolicy(operators, policy, `${where}[${index}]`, problems);
    });
  }
  const externalReviewer = input.kubernetes.enabled && input.kubernetes.reviewer ? readReviewer(input.kubernetes.reviewer, problems) : undefined;
  const ldapCaCertificate = input.auth.ldap?.caCertFile !== undefined
    ? readAuthCa("auth.ldap.caCertFile", input.auth.ldap.caCertFile, "the directory's", problems) : undefined;
  const oidcCaCertificate = input.auth.oidc?.caCertFile !== undefined
    ? readAuthCa("auth.oidc.caCertFile", input.auth.oidc.caCertFile, "the identity provider's", problems) : undefined;
  failOnProblems(problems);
  const bindings = Object.fromEntries(BINDING_KINDS.map((kind) => [kind, input.consumers.filter((consumer) => consumer[kind] !== undefined)])) as Record<BindingKind, ConsumerConfig[]>;
  return {
    mounts: input.mounts,
    consumers,
    bindings,
    policies: [...policies.values()].map(({ policy }) => policy),
    operatorPolicies: [...operators.values()].map(({ policy }) => policy),
    authPaths: {
      approle: bindings.approle.length > 0 ? APPROLE_AUTH_PATH : undefined,
      kubernetes: input.kubernetes.enabled || bindings.kubernetes.length > 0 ? input.kubernetes.authPath : undefined,
      ldap: input.auth.ldap?.path,
      oidc: input.auth.oidc?.path,
    },
    kubernetes: input.kubernetes,
    externalReviewer,
    ldapCaCertificate,
    oidcCaCertificate,
    audit: input.audit,
    engines: input.engines,
    auth: input.auth,
    login: input.vault.login,
    secrets: Object.fromEntries(Object.entries(input.secrets).map(([name, value]) => [name, new Secret(value)])),
  };
}

/** The policies a consumer's tokens carry, by name: its own, then its generated grants. */
export function attachedPolicies({ policy, grants }: BoundConsumer): string[] {
  return grants ? [policy.name, grants.name] : [policy.name];
}

/** Adds a policy to be uploaded; one name never stands for two texts. */
function addPolicy(policies: Map<string, { policy: ConsumerPolicy; where: string }>, policy: ConsumerPolicy, where: string, problems: string[]): void {
  const first = policies.get(policy.name);
  if (first === undefined) policies.set(policy.name, { policy, where });
  else if (first.policy.text !== policy.text) {
    problems.push(`${where} would upload Vault policy "${policy.name}" from ${policy.file}, but ${first.where} uploads a different "${policy.name}" from ${first.policy.file}; rename one of the files`);
  }
}

/** A consumer's generated grant policy, when it has grants. */
function generatedGrants(consumer: ConsumerConfig, where: string, engines: EnginesConfig): ConsumerPolicy | undefined {
  const text = grantPolicyText(consumer, where, engines);
  if (text === undefined) return undefined;
  const name = grantPolicyName(consumer.name);
  return { name, file: `${where}.grants`, text, parsed: parsePolicy(text, name) };
}

/** The policy lists of the people's auth methods, by the key that names them. */
function operatorPolicyNames(auth: AuthConfig): Array<[string, string[]]> {
  return [
    ...(auth.ldap?.groups ?? []).map((group, index): [string, string[]] => [`${PROJECT}:auth.ldap.groups[${index}].policies`, group.policies]),
    ...(auth.oidc?.roles ?? []).map((role, index): [string, string[]] => [`${PROJECT}:auth.oidc.roles[${index}].policies`, role.policies]),
  ];
}

/** A person's policy file: read and parsed like a consumer's, but never a per-consumer template. */
function operatorPolicy(name: string, where: string, policyDir: string, problems: string[]): ConsumerPolicy | undefined {
  try {
    const policy = consumerPolicy(name, "operator", policyDir);
    if (policy.name !== name) {
      problems.push(`${where} "${name}" is a per-consumer template (it uses \${name}); give people a policy file of their own`);
      return undefined;
    }
    if (RESERVED_POLICY_NAMES.includes(name)) {
      problems.push(`${where} "${name}" is reserved (${RESERVED_POLICY_NAMES.join(", ")}); give the file another name`);
      return undefined;
    }
    return policy;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    problems.push(`${where} ${error.message}`);
    return undefined;
  }
}

/** What a file that a key names must hold. */
interface FileContent { looksRight: (text: string) => boolean; what: string }
const JWT_FILE: FileContent = { looksRight: (text) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(text), what: "a JWT (three base64url parts joined by dots)" };
const PEM_CERTIFICATE_FILE: FileContent = { looksRight: (text) => /-----BEGIN CERTIFICATE-----\s*[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/.test(text), what: "a PEM certificate" };

/** The trimmed text of the file `key` names (relative to the project folder), or a problem naming the key. */
function readKeyFile(key: string, file: string, content: FileContent, problems: string[], fix: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(PROJECT_ROOT, file), "utf8").trim();
  } catch (error) {
    problems.push(`${PROJECT}:${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error}); ${fix}`);
    return undefined;
  }
  if (content.looksRight(text)) return text;
  problems.push(`${PROJECT}:${key}: ${file} does not hold ${content.what}`);
  return undefined;
}

/** The reviewer's files, checked for what they must hold; each problem names its key. */
function readReviewer(files: { jwtFile: string; caCertFile: string }, problems: string[]): VaultLayerModel["externalReviewer"] {
  const fix = "point it at the file (relative to the project folder), or run `npm start` first for the local stack";
  const jwt = readKeyFile("kubernetes.reviewer.jwtFile", files.jwtFile, JWT_FILE, problems, fix);
  const caCertificate = readKeyFile("kubernetes.reviewer.caCertFile", files.caCertFile, PEM_CERTIFICATE_FILE, problems, fix);
  return jwt !== undefined && caCertificate !== undefined ? { jwt: new Secret(jwt), caCertificate: `${caCertificate}\n` } : undefined;
}

/** The directory's CA certificate (`auth.ldap.caCertFile`), which Vault verifies the LDAP server with. */
/** A login method's CA certificate (`key` names it in errors; `whose` says whose CA it is). */
function readAuthCa(key: string, file: string, whose: string, problems: string[]): string | undefined {
  const text = readKeyFile(key, file, PEM_CERTIFICATE_FILE, problems, `point it at ${whose} CA certificate (relative to the project folder)`);
  return text === undefined ? undefined : `${text}\n`;
}
