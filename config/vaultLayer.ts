/** The Vault layer's keys: `vault`, `mounts`, `consumers` (with their bindings), `kubernetes`, `audit`. */
import { z } from "zod";
import { loginSchema } from "./authMethods";
import { cidr, dnsLabel, duration, mountPath, unlimitedOrCount } from "./primitives";

/** A SecretID's lifetime unless the consumer sets one: 30 days, renewed by `pulumi up --refresh` (see the README). */
export const APPROLE_SECRET_ID_TTL_DEFAULT = "720h";

/** How a consumer authenticates to Vault: exactly one of these per consumer. */
export const BINDING_KINDS = ["approle", "kubernetes", "token"] as const;
export type BindingKind = (typeof BINDING_KINDS)[number];

export const vaultSchema = z.strictObject({
  configure: z.boolean().default(false),
  address: z.url({ protocol: /^https$/, error: "must be an https:// URL such as https://vault.example.com:8200" }).optional(),
  caCertFile: z.string().min(1).optional(),
  providerTokenTtlSeconds: z.number().int().min(300, { error: "must be at least 300" }).max(86400, { error: "must be at most 86400" }).default(1200),
  /** How the provider logs in; unset, with vault-platform:vaultToken. */
  login: loginSchema.optional(),
});

/** Vault's own mounts: it refuses a secrets engine at or under them ("cannot mount ..."). */
export const RESERVED_MOUNT_ROOTS = ["sys", "auth", "identity", "cubbyhole", "audit"];

export const mountSchema = z
  .strictObject({
    path: mountPath.refine((path) => !RESERVED_MOUNT_ROOTS.includes(path.split("/")[0]), {
      error: `is Vault's own (${RESERVED_MOUNT_ROOTS.map((root) => `${root}/`).join(", ")} and below cannot be mounted); choose another path such as kv`,
    }),
    version: z.union([z.literal(1), z.literal(2)], { error: "must be 1 or 2 (the KV secrets engine version)" }),
    description: z.string().optional(),
    maxVersions: unlimitedOrCount.optional(),
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
  tokenNumUses: unlimitedOrCount.default(0),
  secretIdNumUses: unlimitedOrCount.default(0),
  /** A SecretID expires by default, so a leaked one does not work forever ("0" would make it unlimited; the guardrails refuse that). */
  secretIdTtl: duration.default(APPROLE_SECRET_ID_TTL_DEFAULT),
  /** Networks the SecretID and the tokens it logs in to are bound to. */
  cidrs: z.array(cidr).default([]),
});

const kubernetesBindingSchema = z.strictObject({
  namespace: dnsLabel,
  serviceAccount: z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, { error: "must be a Kubernetes service account name" }),
  tokenTtl: duration.optional(),
  tokenPeriod: duration.optional(),
  audience: z.string().min(1).optional(),
  /** How the workload's secrets reach its pods, generated from this declaration (see components/vault/delivery.ts). */
  delivery: z.strictObject({
    /** injector: vault-agent annotations; csi: a SecretProviderClass for the Vault CSI provider; vso: VaultAuth and Vault*Secret for the Vault Secrets Operator. */
    via: z.enum(["injector", "csi", "vso"], { error: 'must be "injector", "csi" or "vso"' }).default("injector"),
    /**
     * KV secrets to deliver, each as its mount and path within it; the consumer's policy must let it read them.
     * `name` names the file (CSI) or Kubernetes Secret (VSO); `key`, for CSI, writes that one value instead of the whole secret as JSON.
     */
    secrets: z.array(z.strictObject({
      name: dnsLabel,
      mount: mountPath,
      path: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, { error: "must be a secret's path within its mount, such as my-app/config" }),
      key: z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: "must be a key of the secret's data, such as password" }).optional(),
    })).default([]),
    /** A cert-manager Issuer of kind Vault in the namespace, signing with the consumer's granted PKI role. */
    certificates: z.boolean().default(false),
  }).optional(),
});

const tokenBindingSchema = z.strictObject({
  ttl: duration.optional(),
  period: duration.optional(),
  renewable: z.boolean().default(true),
  numUses: unlimitedOrCount.default(0),
});

const accessStatement = z.string().regex(/^(create|read|update|patch|delete|list|sudo|subscribe|recover) \S+$/, {
  error: 'must be "<capability> <path>", e.g. "read kv/apisix/consumer/jack/jwt-auth"',
});

const grantName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "must name a role or key declared in vault-platform:engines" });

export const consumerSchema = z
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
    /** Engine objects this consumer may use, by name: database roles, AWS roles, PKI roles, transit keys (the paths they open: ./grants.ts). */
    grants: z.strictObject({
      database: z.array(grantName).default([]),
      aws: z.array(grantName).default([]),
      pki: z.array(grantName).default([]),
      transit: z.array(grantName).default([]),
    }).prefault({}),
    /** Consumers whose paths this one may read by design (e.g. a gateway reading a service's keys); any other cross-tenant read fails the verdict. */
    shares: z.array(dnsLabel).default([]),
  })
  .superRefine((consumer, ctx) => {
    const bindings = BINDING_KINDS.filter((kind) => consumer[kind] !== undefined);
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

export const kubernetesSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    host: z.url({ protocol: /^https$/, error: "must be the https:// URL of the Kubernetes API server" }).optional(),
    /** Where the API server is, for the nodes' egress rule to its port (TokenReview); narrow it to the cluster endpoint's range. */
    apiServerCidrs: z.array(cidr).min(1, { error: "must name at least one network (the API server's), e.g. 10.60.0.0/16" }).default(["0.0.0.0/0"]),
    context: z.string().min(1).optional(),
    authPath: mountPath.default("kubernetes"),
    reviewerNamespace: dnsLabel.default("vault-auth"),
    injector: z.boolean().default(false),
    injectorChartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'must be a pinned chart version such as "0.30.1"' }).default("0.30.1"),
    /**
     * A token reviewer managed outside this stack: its JWT and the API server's CA, read from these files
     * (relative to the project folder). Set, the stack creates nothing in Kubernetes.
     */
    reviewer: z.strictObject({ jwtFile: z.string().min(1), caCertFile: z.string().min(1) }).optional(),
  })
  .superRefine((kubernetes, ctx) => {
    if (kubernetes.enabled && kubernetes.host === undefined) {
      ctx.addIssue({ code: "custom", path: ["host"], message: "is required when kubernetes.enabled is true (the API server URL Vault calls for TokenReview)" });
    }
    if (kubernetes.reviewer !== undefined && kubernetes.injector) {
      ctx.addIssue({
        code: "custom", path: ["injector"], input: kubernetes.injector,
        message: "must be false with kubernetes.reviewer: a stack whose reviewer is managed elsewhere creates nothing in Kubernetes; install the injector where the reviewer is managed",
      });
    }
  });

/** A file directly in /var/log/vault/: no spaces, newlines, quotes or "..", nothing logrotate would read as a directive. */
const AUDIT_FILE = /^\/var\/log\/vault\/(?!\.{1,2}$)[A-Za-z0-9._-]+$/;

export const auditSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * A file in /var/log/vault/ (the folder the nodes create for Vault, and the only one their logrotate rule
   * may name: the path is written into that root-run file verbatim), or "stdout" (Vault's name for its own
   * standard output: the local stack's Vault writes it to a file).
   */
  path: z.string().refine((path) => path === "stdout" || AUDIT_FILE.test(path), {
    error: 'must be a file in /var/log/vault/ named with letters, digits, ".", "_" and "-" (such as /var/log/vault/audit.log), or "stdout"',
  }).default("/var/log/vault/audit.log"),
  /**
   * A second device that sends every entry off the node to a collector (e.g. a syslog or log-shipper TCP
   * input): the trail survives an instance replacement, and a full disk no longer leaves Vault with no
   * working device (Vault refuses requests only when every device fails).
   */
  socket: z.strictObject({
    address: z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { error: 'must be "host:port" of the collector, e.g. logs.internal:5170' }),
    socketType: z.enum(["tcp", "udp"], { error: 'must be "tcp" or "udp"' }).default("tcp"),
  }).optional(),
});

export type VaultConfig = z.output<typeof vaultSchema>;
export type MountConfig = z.output<typeof mountSchema>;
export type ConsumerConfig = z.output<typeof consumerSchema>;
export type KubernetesConfig = z.output<typeof kubernetesSchema>;
export type AuditConfig = z.output<typeof auditSchema>;
