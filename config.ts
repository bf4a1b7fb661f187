/**
 * The stack configuration: every `vault-platform:*` key, parsed and validated here once, before any
 * resource is registered. A bad value fails with one ConfigError whose message names the key and the fix.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isVaultDuration } from "./acl/duration";
import { PolicyError } from "./acl/policy";
import { ConsumerPolicy, consumerPolicy, POLICY_DIR, RESERVED_POLICY_NAMES } from "./components/vault/policies";

export const PROJECT = "vault-platform";

/** The one error a user sees for bad configuration: a RunError, so Pulumi prints it without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

/** IPv4 CIDR whose host bits are zero, so AWS stores exactly what was written. */
const cidr = z.cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" }).refine(isNetworkAddress, {
  error: "has host bits set; use the network address (e.g. 10.20.0.0/16, not 10.20.0.1/16)",
});

function isNetworkAddress(value: string): boolean {
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value)) return true; // the format check reports it
  const [address, prefix] = value.split("/");
  const bits = address.split(".").reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
  const hostBits = 32n - BigInt(Number(prefix));
  return (bits & ((1n << hostBits) - 1n)) === 0n;
}

const duration = z
  .union([z.string(), z.number()])
  .refine((value) => isVaultDuration(value), {
    error: 'must be a Vault duration such as "30s", "5m", "768h" or "7d", or whole seconds',
  });

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    error: "must be lowercase DNS-style: a-z, 0-9 and '-', starting and ending with a letter or digit, at most 63 characters",
  });

const mountPath = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/, {
    error: "must be a mount path such as kv or team/secrets: lowercase letters, digits, '-' and '_', no leading or trailing '/'",
  });

const clusterSchema = z
  .strictObject({
    enabled: z.literal(true, { error: "must be true or false" }).default(true),
    nodeCount: z.number().int({ error: "must be a whole number" }).min(2, { error: "must be at least 2 for HA" }).max(9, {
      error: "must be at most 9 (more nodes only add DynamoDB lock contention)",
    }).default(3),
    availabilityZones: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { error: "must be an availability zone name such as eu-west-1a" }))
      .min(2, { error: "must list at least 2 availability zones for HA" })
      .max(6, { error: "must list at most 6 availability zones" })
      .refine((zones) => new Set(zones).size === zones.length, { error: "must not repeat an availability zone" }),
    instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as t3.small" }).default("t3.small"),
    vaultVersion: z.string().regex(/^\d+\.\d+\.\d+$/, {
      error: 'must be a pinned Vault release such as "1.21.1" (no ranges, no "latest")',
    }),
    vpcCidr: cidr.optional(),
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC id such as vpc-0123456789abcdef0" }).optional(),
    subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "must be a subnet id such as subnet-0123456789abcdef0" })).optional(),
    singleNatGateway: z.boolean().default(false),
    allowedCidrs: z.array(cidr).default([]),
    allowAnyCidr: z.boolean().default(false),
    healthCheck: z.enum(["active", "unsealed"], { error: 'must be "active" or "unsealed"' }).default("unsealed"),
    domain: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: "must be a DNS name such as vault.example.com" })
      .optional(),
    rootVolumeSizeGb: z.number().int({ error: "must be a whole number" }).min(8, { error: "must be at least 8" }).max(1024, { error: "must be at most 1024" }).default(20),
  })
  .superRefine((cluster, ctx) => {
    // Judged only against a valid node count, so one mistake gives one message.
    if (cluster.nodeCount >= 2 && cluster.availabilityZones.length > cluster.nodeCount) {
      ctx.addIssue({
        code: "custom",
        path: ["availabilityZones"],
        input: cluster.availabilityZones.length,
        message: `must not list more zones than nodeCount (${cluster.nodeCount}); an empty zone adds cost and no availability`,
      });
    }
    const newNetwork = cluster.vpcCidr !== undefined;
    const existingNetwork = cluster.vpcId !== undefined || cluster.subnetIds !== undefined;
    if (newNetwork === existingNetwork) {
      ctx.addIssue({
        code: "custom",
        path: newNetwork ? ["vpcId"] : ["vpcCidr"],
        message: "set either vpcCidr (a new VPC) or vpcId with subnetIds (an existing network), not both and not neither",
      });
    }
    if (newNetwork) {
      const prefix = Number(cluster.vpcCidr!.split("/")[1]);
      if (prefix < 16 || prefix > 24) {
        ctx.addIssue({ code: "custom", path: ["vpcCidr"], input: cluster.vpcCidr, message: "must have a prefix from /16 to /24 (AWS allows /16 to /28; subnets are carved 4 bits deeper)" });
      }
    }
    if (existingNetwork) {
      if (cluster.vpcId === undefined) ctx.addIssue({ code: "custom", path: ["vpcId"], message: "is required with subnetIds" });
      if (cluster.subnetIds === undefined) {
        ctx.addIssue({ code: "custom", path: ["subnetIds"], message: "is required with vpcId: one private subnet per availability zone" });
      } else if (cluster.subnetIds.length !== cluster.availabilityZones.length) {
        ctx.addIssue({
          code: "custom",
          path: ["subnetIds"],
          input: cluster.subnetIds.length,
          message: `must list one private subnet per availability zone, in the same order (${cluster.availabilityZones.length} zones)`,
        });
      }
    }
    cluster.allowedCidrs.forEach((value, index) => {
      if (OPEN_CIDRS.has(value) && !cluster.allowAnyCidr) {
        ctx.addIssue({
          code: "custom",
          path: ["allowedCidrs", index],
          input: value,
          message: "opens the Vault API to every address; list your client networks, or set allowAnyCidr: true if that is really meant",
        });
      }
    });
  });

/** A disabled cluster: the Vault layer then talks to an existing Vault at vault.address. Other keys are kept but unused. */
const disabledClusterSchema = z.looseObject({ enabled: z.literal(false) }).transform(() => ({ enabled: false as const }));

const vaultSchema = z.strictObject({
  configure: z.boolean().default(false),
  address: z.url({ protocol: /^https$/, error: "must be an https:// URL such as https://vault.example.com:8200" }).optional(),
  caCertFile: z.string().min(1).optional(),
  providerTokenTtlSeconds: z.number().int().min(300, { error: "must be at least 300" }).max(86400, { error: "must be at most 86400" }).default(1200),
});

const mountSchema = z
  .strictObject({
    path: mountPath,
    version: z.union([z.literal(1), z.literal(2)], { error: "must be 1 or 2 (the KV secrets engine version)" }),
    description: z.string().optional(),
    maxVersions: z.number().int().min(0, { error: "must be 0 (unlimited) or more" }).optional(),
  })
  .superRefine((mount, ctx) => {
    if (mount.version === 1 && mount.maxVersions !== undefined) {
      ctx.addIssue({ code: "custom", path: ["maxVersions"], message: "only applies to KV version 2 mounts; remove it or set version: 2" });
    }
  });

const approleSchema = z.strictObject({
  tokenPeriod: duration.optional(),
  tokenTtl: duration.optional(),
  tokenMaxTtl: duration.optional(),
  tokenNumUses: z.number().int().min(0, { error: "must be 0 (unlimited) or more" }).default(0),
  secretIdNumUses: z.number().int().min(0, { error: "must be 0 (unlimited) or more" }).default(0),
  secretIdTtl: duration.optional(),
  cidrs: z.array(cidr).default([]),
});

const kubernetesBindingSchema = z.strictObject({
  namespace: dnsLabel,
  serviceAccount: z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, { error: "must be a Kubernetes service account name" }),
  tokenTtl: duration.optional(),
  tokenPeriod: duration.optional(),
  audience: z.string().min(1).optional(),
});

const tokenBindingSchema = z.strictObject({
  ttl: duration.optional(),
  period: duration.optional(),
  renewable: z.boolean().default(true),
  numUses: z.number().int().min(0, { error: "must be 0 (unlimited) or more" }).default(0),
});

const accessStatement = z.string().regex(/^(create|read|update|patch|delete|list|sudo|subscribe|recover) \S+$/, {
  error: 'must be "<capability> <path>", e.g. "read kv/apisix/consumer/jack/jwt-auth"',
});

const consumerSchema = z
  .strictObject({
    name: dnsLabel,
    policy: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "must name a file policies/<policy>.hcl (lowercase, digits, '-' and '_')" }),
    approle: approleSchema.optional(),
    kubernetes: kubernetesBindingSchema.optional(),
    token: tokenBindingSchema.optional(),
    client: z
      .strictObject({
        kind: z.enum(["apisix", "kes"], { error: 'must be "apisix" or "kes"' }),
        mount: mountPath.default("kv"),
      })
      .optional(),
    expect: z.strictObject({ allow: z.array(accessStatement).default([]), deny: z.array(accessStatement).default([]) }).optional(),
  })
  .superRefine((consumer, ctx) => {
    const bindings = (["approle", "kubernetes", "token"] as const).filter((kind) => consumer[kind] !== undefined);
    if (bindings.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `needs exactly one binding of approle, kubernetes or token (has ${bindings.length === 0 ? "none" : bindings.join(" and ")})`,
      });
    }
    const exclusive: Array<[string, unknown, unknown, string, string]> = [
      ["kubernetes", consumer.kubernetes?.tokenTtl, consumer.kubernetes?.tokenPeriod, "tokenTtl", "tokenPeriod"],
      ["token", consumer.token?.ttl, consumer.token?.period, "ttl", "period"],
      ["approle", consumer.approle?.tokenTtl, consumer.approle?.tokenPeriod, "tokenTtl", "tokenPeriod"],
    ];
    for (const [binding, ttl, period, ttlKey, periodKey] of exclusive) {
      if (ttl !== undefined && period !== undefined) {
        ctx.addIssue({ code: "custom", path: [binding, periodKey], message: `and ${ttlKey} are exclusive: a periodic token ignores its TTL; keep one` });
      }
    }
    const clientBinding = { apisix: "token", kes: "approle" } as const;
    if (consumer.client && consumer[clientBinding[consumer.client.kind]] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["client", "kind"],
        input: consumer.client.kind,
        message: `needs a ${clientBinding[consumer.client.kind]} binding (that is how ${consumer.client.kind} authenticates to Vault)`,
      });
    }
  });

const kubernetesSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    host: z.url({ protocol: /^https$/, error: "must be the https:// URL of the Kubernetes API server" }).optional(),
    context: z.string().min(1).optional(),
    authPath: mountPath.default("kubernetes"),
    reviewerNamespace: dnsLabel.default("vault-auth"),
    injector: z.boolean().default(false),
    injectorChartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'must be a pinned chart version such as "0.30.1"' }).default("0.30.1"),
  })
  .superRefine((kubernetes, ctx) => {
    if (kubernetes.enabled && kubernetes.host === undefined) {
      ctx.addIssue({ code: "custom", path: ["host"], message: "is required when kubernetes.enabled is true (the API server URL Vault calls for TokenReview)" });
    }
  });

const auditSchema = z.strictObject({
  enabled: z.boolean().default(true),
  path: z.string().regex(/^\/[^\0]*[^/]$/, { error: "must be an absolute file path such as /var/log/vault/audit.log" }).default("/var/log/vault/audit.log"),
});

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
} as const;

type Schemas = typeof SCHEMAS;
export type ClusterConfig = z.output<typeof clusterSchema>;
export type DisabledCluster = z.output<typeof disabledClusterSchema>;
export type MountConfig = z.output<typeof mountSchema>;
export type ConsumerConfig = z.output<typeof consumerSchema>;
export type KubernetesConfig = z.output<typeof kubernetesSchema>;
export type VaultConfig = z.output<typeof vaultSchema>;
export type AuditConfig = z.output<typeof auditSchema>;

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
  /** Each consumer's policy, read from policies/, substituted and validated, by consumer name. */
  consumerPolicies: Record<string, ConsumerPolicy>;
}

export interface ParseOptions {
  /** Source of VAULT_TOKEN when `vaultToken` is not in the stack config. */
  env?: NodeJS.ProcessEnv;
  /** Where the policy files are (tests point it at broken copies). */
  policyDir?: string;
}

/** The stack's configuration as Pulumi hands it over: "namespace:key" to string, objects JSON-encoded. */
export type RawConfig = Record<string, string>;

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Validates the raw configuration. Throws one ConfigError listing every problem, each naming its key.
 * `env` supplies VAULT_TOKEN when `vaultToken` is not in the stack config.
 */
export function parseConfig(raw: RawConfig, { env = process.env, policyDir = POLICY_DIR }: ParseOptions = {}): PlatformConfig {
  const problems: string[] = [];
  const known = Object.keys(SCHEMAS);
  for (const key of Object.keys(raw)) {
    const [namespace, name] = key.split(":");
    if (namespace === PROJECT && !known.includes(name)) {
      problems.push(`${key} is not a setting of this project; known keys: ${known.join(", ")}`);
    }
  }
  const region = raw["aws:region"];
  if (region === undefined || !REGION_PATTERN.test(region)) {
    problems.push(`aws:region ${region === undefined ? "is required" : `must be an AWS region such as eu-west-1 (got ${JSON.stringify(region)})`}: \`pulumi config set aws:region eu-west-1\``);
  }
  const parsed: Record<string, unknown> = {};
  for (const key of known as Array<keyof Schemas>) {
    const text = raw[`${PROJECT}:${key}`];
    let value: unknown = text;
    if (text !== undefined && key !== "vaultToken") {
      try {
        value = JSON.parse(text);
      } catch {
        value = text;
      }
    }
    if (key === "cluster" && value === undefined) {
      problems.push(`${PROJECT}:cluster is required; set at least vaultVersion and availabilityZones (see Pulumi.dev.yaml)`);
      continue;
    }
    const schema = key !== "cluster" ? SCHEMAS[key] : isDisabled(value) ? disabledClusterSchema : clusterSchema;
    const result = schema.safeParse(value, { reportInput: true, error: defaultIssueText });
    if (result.success) parsed[key] = result.data;
    else problems.push(...firstIssuePerPath(result.error.issues).map((issue) => describeIssue(key, issue, value)));
  }
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));

  const config = parsed as Omit<PlatformConfig, "vaultToken" | "region" | "consumerPolicies"> & { vaultToken?: string };
  const token = config.vaultToken ?? env.VAULT_TOKEN;
  const platform: PlatformConfig = {
    ...config,
    region: region!,
    vaultToken: token ? pulumi.secret(token) : undefined,
    consumerPolicies: loadConsumerPolicies(config.consumers, policyDir),
  };
  checkCrossKeyRules(platform);
  return platform;
}

/** Reads and validates every consumer's policy file; one message lists every broken one. */
function loadConsumerPolicies(consumers: ConsumerConfig[], policyDir: string): Record<string, ConsumerPolicy> {
  const problems: string[] = [];
  const policies: Record<string, ConsumerPolicy> = {};
  const firstByName = new Map<string, { policy: ConsumerPolicy; where: string }>();
  consumers.forEach((consumer, index) => {
    const where = consumerKey(index, consumer.name);
    try {
      const policy = consumerPolicy(consumer.policy, consumer.name, policyDir);
      policies[consumer.name] = policy;
      if (RESERVED_POLICY_NAMES.includes(policy.name)) {
        problems.push(`${where}.policy "${policy.name}" is reserved (${RESERVED_POLICY_NAMES.join(", ")}) and cannot be a consumer's policy; give the file another name`);
      }
      const first = firstByName.get(policy.name);
      if (first === undefined) firstByName.set(policy.name, { policy, where });
      else if (first.policy.text !== policy.text) {
        problems.push(`${where}.policy would upload Vault policy "${policy.name}" from ${policy.file}, but ${first.where}.policy uploads a different "${policy.name}" from ${first.policy.file}; rename one of the files`);
      }
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      problems.push(`${where}.policy ${error.message}`);
    }
  });
  if (problems.length > 0) throw new ConfigError([...new Set(problems)].join("\n"));
  return policies;
}

/** Rules that span several keys. */
function checkCrossKeyRules(config: PlatformConfig): void {
  const problems: string[] = [];
  const { vault, cluster, consumers, mounts, kubernetes, region } = config;
  const zones = cluster.enabled ? cluster.availabilityZones : [];
  zones.forEach((zone, index) => {
    if (!zone.startsWith(region)) {
      problems.push(`${PROJECT}:cluster.availabilityZones[${index}] "${zone}" is not in aws:region ${region}; use zones such as ${region}a`);
    }
  });
  if (vault.configure && config.vaultToken === undefined) {
    problems.push(
      `${PROJECT}:vaultToken is required when ${PROJECT}:vault.configure is true: set it with ` +
        "`pulumi config set --secret vault-platform:vaultToken <provisioning token>` or export VAULT_TOKEN " +
        "(the Vault layer is never skipped silently: a skipped layer would be deleted by `pulumi up`)",
    );
  }
  if (vault.configure && !cluster.enabled && vault.address === undefined) {
    problems.push(`${PROJECT}:vault.address is required when cluster.enabled is false: the https:// URL of the existing Vault`);
  }
  duplicates(mounts.map((mount) => mount.path)).forEach((path) => problems.push(`${PROJECT}:mounts declares path "${path}" twice; each mount path must be unique`));
  duplicates(consumers.map((consumer) => consumer.name)).forEach((name) => problems.push(`${PROJECT}:consumers declares name "${name}" twice; consumer names must be unique`));
  const mountByPath = new Map(mounts.map((mount) => [mount.path, mount]));
  consumers.forEach((consumer, index) => {
    if (consumer.kubernetes && !kubernetes.enabled) {
      problems.push(`${consumerKey(index, consumer.name)}.kubernetes needs ${PROJECT}:kubernetes.enabled true with its host`);
    }
    if (consumer.client && !mountByPath.has(consumer.client.mount)) {
      problems.push(`${consumerKey(index, consumer.name)}.client.mount "${consumer.client.mount}" is not a declared mount; add it to ${PROJECT}:mounts`);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
}

function isDisabled(cluster: unknown): boolean {
  return typeof cluster === "object" && cluster !== null && (cluster as { enabled?: unknown }).enabled === false;
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

/** Zod keeps checking a value after its first failure; the first issue is the one that explains it. */
function firstIssuePerPath(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify(issue.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `vault-platform:consumers[2] (billing)`: the index says where in the list, the name says who. */
function consumerKey(index: number, name: unknown): string {
  return `${PROJECT}:consumers[${index}]${typeof name === "string" && name !== "" ? ` (${name})` : ""}`;
}

function describeIssue(rootKey: string, issue: z.core.$ZodIssue, value: unknown): string {
  const [first, ...rest] = issue.path;
  const consumer = rootKey === "consumers" && typeof first === "number" && Array.isArray(value) ? value[first] : undefined;
  const start = consumer !== undefined ? consumerKey(first as number, (consumer as { name?: unknown }).name) : `${PROJECT}:${rootKey}`;
  const parts = consumer !== undefined ? rest : issue.path;
  const location = `${start}${parts.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("")}`;
  return `${location} ${issue.message}${gotSuffix(issue)}`;
}

/** Plain-language text for the issues whose schema gives no message of its own. */
function defaultIssueText(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${article(issue.expected)}`;
    case "unrecognized_keys":
      return `has unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}; check the spelling against the README's configuration reference`;
    case "too_small":
      if (issue.origin === "array") return `must have at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`;
      return issue.origin === "string" ? "must not be empty" : `must be at least ${issue.minimum}`;
    case "too_big":
      return `must be at most ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function gotSuffix(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined || issue.code === "unrecognized_keys") return "";
  // A refinement of a whole object says what is wrong in its message; the object itself adds nothing.
  if (issue.code === "custom" && typeof input === "object") return "";
  if (typeof input === "object" && input !== null) return Array.isArray(input) ? ` (got a list of ${input.length})` : " (got an object)";
  return ` (got ${JSON.stringify(input)})`;
}

/** Reads and validates this program's configuration; the only entry point index.ts needs. */
export function loadConfig(): PlatformConfig {
  return parseConfig(pulumi.runtime.allConfig());
}
