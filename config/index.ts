/**
 * The stack configuration: every `vault-platform:*` key, parsed and validated here once, before any
 * resource is registered. A bad value fails with one ConfigError whose message names the key and the fix.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AuthConfig, authSchema, LoginConfig, loginSchema } from "./authMethods";
import { ClusterConfig, clusterSchema, DisabledCluster, disabledClusterSchema, isDisabledCluster } from "./cluster";
import { checkCrossKeyRules } from "./crossKeyRules";
import { EnginesConfig, enginesSchema } from "./engines";
import { defaultIssueText, describeIssue, didYouMean, failOnProblems, firstIssuePerPath, PROJECT } from "./messages";
import { POLICY_DIR } from "./policyFiles";
import type { RawConfig } from "./stackFile";
import { deriveVaultLayer, VaultLayerModel } from "./vaultModel";
import {
  AuditConfig, auditSchema, ConsumerConfig, consumerSchema, KubernetesConfig, kubernetesSchema, MountConfig, mountSchema, VaultConfig, vaultSchema,
} from "./vaultLayer";

export { ConfigError, consumerKey, PROJECT } from "./messages";
export type { ClusterConfig, DisabledCluster } from "./cluster";
export { BINDING_KINDS } from "./vaultLayer";
export type { AuditConfig, BindingKind, ConsumerConfig, KubernetesConfig, MountConfig, VaultConfig } from "./vaultLayer";
export { availablePolicies, consumerPolicy, POLICY_DIR, PROJECT_ROOT, PROVISIONER_DIR, PROVISIONER_POLICY, readProvisionerFile, RESERVED_POLICY_NAMES } from "./policyFiles";
export type { ConsumerPolicy } from "./policyFiles";
export { encodeConfig, stackConfig, stackFileConfig } from "./stackFile";
export type { RawConfig } from "./stackFile";
export type { BoundConsumer, VaultLayerModel } from "./vaultModel";
export { attachedPolicies } from "./vaultModel";
export type { AuthConfig, LdapConfig, LoginConfig, OidcConfig } from "./authMethods";
export { ldapDirectorySettings, oidcProviderSettings, oidcRoleSettings } from "./authMethods";
export type { AuthSetting } from "./authMethods";
export type { AwsEngineConfig, DatabaseConfig, EnginesConfig, Grantable, PkiConfig, TransitConfig } from "./engines";
export { engineMounts, GRANTABLE, grantableNames } from "./engines";
export { grantPolicyName, grantRules } from "./grants";

/** Every key in the `vault-platform:` namespace, with its schema. */
const SCHEMAS = {
  // Parsed with clusterSchema or disabledClusterSchema, depending on `enabled` (see parseConfig).
  cluster: z.unknown(),
  vault: vaultSchema.prefault({}),
  vaultToken: z.string().min(1, { error: "must not be empty" }).optional(),
  mounts: z.array(mountSchema).default([]),
  consumers: z.array(consumerSchema).default([]),
  // prefault: an absent key is parsed as {}, so each default is written once, in its schema.
  kubernetes: kubernetesSchema.prefault({}),
  audit: auditSchema.prefault({}),
  engines: enginesSchema.prefault({}),
  auth: authSchema.prefault({}),
  /**
   * Named secret values the other keys refer to (a database's root password, the LDAP bind password, the
   * provisioner's password): `pulumi config set --secret --path 'vault-platform:secrets.<name>' <value>`.
   */
  secrets: z.record(z.string(), z.string().min(1, { error: "must not be empty" })).default({}),
} as const;

/** A `vault-platform:` key. */
export type ConfigKey = keyof typeof SCHEMAS;

export interface PlatformConfig {
  /** `aws:region`: where the cluster lives. */
  region: string;
  cluster: ClusterConfig | DisabledCluster;
  vault: VaultConfig;
  /** The provisioning token, from `vault-platform:vaultToken` or VAULT_TOKEN, always a Pulumi secret. */
  vaultToken?: pulumi.Output<string>;
  mounts: MountConfig[];
  consumers: ConsumerConfig[];
  kubernetes: KubernetesConfig;
  audit: AuditConfig;
  engines: EnginesConfig;
  auth: AuthConfig;
  /** The Vault layer derived from the keys above: what the Vault components and the access checks read. */
  vaultLayer: VaultLayerModel;
}

export interface ParseOptions {
  /** Source of VAULT_TOKEN when `vaultToken` is not in the stack config. */
  env?: NodeJS.ProcessEnv;
  /** Where the policy files are (tests point it at fixtures). */
  policyDir?: string;
  /**
   * Values used instead of the stack's, before validation (so they are validated like the stack's): an
   * object is merged key by key onto the stack's object, anything else replaces it.
   */
  overrides?: Partial<Record<ConfigKey, unknown>>;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The decoded value of one key: JSON when it parses, the text otherwise (Pulumi hands objects over as JSON). */
function decoded(raw: RawConfig, key: ConfigKey, override: unknown): unknown {
  const text = raw[`${PROJECT}:${key}`];
  let value: unknown = text;
  if (text !== undefined && key !== "vaultToken") {
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  return withOverride(value, override);
}

/** A key's value with an override applied: an object is merged key by key onto the stack's object, anything else replaces it. */
export function withOverride(value: unknown, override: unknown): unknown {
  if (override === undefined) return value;
  const isObject = (candidate: unknown) => typeof candidate === "object" && candidate !== null && !Array.isArray(candidate);
  return isObject(override) && isObject(value) ? { ...(value as object), ...(override as object) } : override;
}

/**
 * The provisioner's login the configuration declares (`vault.login`, defaults filled in), or undefined
 * (none, or one the full parse reports): read before that parse, which needs the login's password among the
 * secrets (`npm start` makes it, `npm run bootstrap-login` checks the config without it).
 */
export function declaredLogin(raw: RawConfig, overrides: Partial<Record<ConfigKey, unknown>> = {}): LoginConfig | undefined {
  const vault = decoded(raw, "vault", overrides.vault) as { login?: unknown } | undefined;
  const login = loginSchema.safeParse(vault?.login);
  return login.success ? login.data : undefined;
}

/**
 * The overrides with a placeholder for the login's password, for tools that only check the declarations
 * (the generated policies, the offline plan, the bootstrap commands): the placeholder goes nowhere. The
 * real password is the stack's secret (or, for `npm start`, the local folder's).
 */
export function withPasswordPlaceholder(raw: RawConfig, overrides: Partial<Record<ConfigKey, unknown>> = {}): Partial<Record<ConfigKey, unknown>> {
  const login = declaredLogin(raw, overrides);
  return login === undefined ? overrides : { ...overrides, secrets: { ...(overrides.secrets as object | undefined), [login.passwordSecret]: "checked-only" } };
}

/**
 * Validates the raw configuration. Throws one ConfigError listing every problem, each naming its key.
 * `env` supplies VAULT_TOKEN when `vaultToken` is not in the stack config.
 */
export function parseConfig(raw: RawConfig, { env = process.env, policyDir = POLICY_DIR, overrides = {} }: ParseOptions = {}): PlatformConfig {
  const problems: string[] = [];
  const known = Object.keys(SCHEMAS) as ConfigKey[];
  for (const key of Object.keys(raw)) {
    const [namespace, name] = key.split(":");
    if (namespace === PROJECT && !known.includes(name as ConfigKey)) {
      problems.push(`${key} is not a setting of this project${didYouMean(name, known)}; known keys: ${known.join(", ")}`);
    }
  }
  const region = raw["aws:region"];
  if (region === undefined || !REGION_PATTERN.test(region)) {
    problems.push(`aws:region ${region === undefined ? "is required" : `must be an AWS region such as eu-west-1 (got ${JSON.stringify(region)})`}: \`pulumi config set aws:region eu-west-1\``);
  }
  const parsed: Record<string, unknown> = {};
  for (const key of known) {
    const value = decoded(raw, key, overrides[key]);
    if (key === "cluster" && value === undefined) {
      problems.push(`${PROJECT}:cluster is required; set at least vaultVersion and availabilityZones (see Pulumi.dev.yaml)`);
      continue;
    }
    const schema = key !== "cluster" ? SCHEMAS[key] : isDisabledCluster(value) ? disabledClusterSchema : clusterSchema;
    const result = schema.safeParse(value, { reportInput: true, error: defaultIssueText });
    if (result.success) parsed[key] = result.data;
    else problems.push(...firstIssuePerPath(result.error.issues).map((issue) => describeIssue(key, issue, value)));
  }
  failOnProblems(problems);

  const config = parsed as Omit<PlatformConfig, "vaultToken" | "region" | "vaultLayer"> & { vaultToken?: string; secrets: Record<string, string> };
  const token = config.vaultToken ?? env.VAULT_TOKEN;
  // The secret values live only in the model, wrapped (a logged config shows no password).
  const { secrets: _secrets, ...settings } = config;
  const platform: PlatformConfig = {
    ...settings,
    region: region!,
    vaultToken: token ? pulumi.secret(token) : undefined,
    vaultLayer: deriveVaultLayer(config, policyDir),
  };
  checkCrossKeyRules(platform);
  return platform;
}

/**
 * The same configuration with the Vault layer turned on, checked again (the plan shows the layer of a
 * stack that has not turned it on yet). `placeholderToken` stands in only when the stack names none.
 */
export function withVaultLayerOn(config: PlatformConfig, placeholderToken: string): PlatformConfig {
  const turnedOn: PlatformConfig = {
    ...config,
    vault: { ...config.vault, configure: true },
    vaultToken: config.vaultToken ?? pulumi.secret(placeholderToken),
  };
  checkCrossKeyRules(turnedOn);
  return turnedOn;
}

/** Reads and validates this program's configuration; the only entry point index.ts needs. */
export function loadConfig(): PlatformConfig {
  return parseConfig(pulumi.runtime.allConfig());
}
