/**
 * `vault-platform:engines`: the secrets engines beyond KV. Database and AWS generate credentials on
 * demand (leased, revoked); PKI issues the certificates of the mTLS chain; transit encrypts as a service.
 * Consumers are granted a database role, an AWS role, a PKI role or a transit key by name
 * (`consumers[].grants`); the paths those grants open are in ./grants.ts.
 */
import { z } from "zod";
import { parseVaultDuration } from "../lib/vaultDuration";
import { duration, mountPath, secretName } from "./primitives";
import { RESERVED_MOUNT_ROOTS } from "./vaultLayer";

/** Where an engine is mounted: a mount path that is not Vault's own. */
const enginePath = (fallback: string) => mountPath.refine((path) => !RESERVED_MOUNT_ROOTS.includes(path.split("/")[0]), {
  error: `is Vault's own; choose another path such as ${fallback}`,
}).default(fallback);

/** Role and key names become path segments (`database/creds/<role>`): lowercase, digits, '-' and '_'. */
const objectName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: "must be a name of lowercase letters, digits, '-' and '_' (it becomes a path segment)" });

const statements = z.array(z.string().min(1, { error: "must not be empty" })).min(1, { error: "must have at least one SQL statement" });

const databaseRoleSchema = z.strictObject({
  name: objectName,
  /** SQL run to create the user; Vault fills {{name}}, {{password}} and {{expiration}}. */
  creationStatements: statements,
  /** SQL run when the lease ends; without it the PostgreSQL plugin drops the role with its own statements. */
  revocationStatements: z.array(z.string().min(1)).default([]),
  defaultTtl: duration.default("1h"),
  maxTtl: duration.default("24h"),
}).superRefine((role, ctx) => {
  // Vault refuses the role ("ttl cannot be greater than max_ttl") when pulumi up writes it.
  const [ttl, max] = [parseVaultDuration(role.defaultTtl), parseVaultDuration(role.maxTtl)];
  if (ttl !== undefined && max !== undefined && ttl > max) {
    ctx.addIssue({ code: "custom", path: ["defaultTtl"], message: `is longer than maxTtl (${role.maxTtl}); Vault refuses such a role: shorten it or raise maxTtl` });
  }
});

const databaseConnectionSchema = z.strictObject({
  name: objectName,
  plugin: z.literal("postgresql", { error: 'must be "postgresql" (the one database plugin this project declares and proves)' }),
  /** The connection URL with Vault's placeholders: postgresql://{{username}}:{{password}}@host:5432/db?sslmode=verify-full */
  connectionUrl: z.string().regex(/^postgres(ql)?:\/\/\{\{username\}\}:\{\{password\}\}@[^/\s]+\/\S+$/, {
    error: "must be postgresql://{{username}}:{{password}}@<host>:<port>/<database>[?sslmode=...] (Vault fills the placeholders from username and the password)",
  }),
  /** The root user Vault connects as. */
  username: z.string().min(1),
  /** The entry of vault-platform:secrets that holds the root user's first password. */
  passwordSecret: secretName,
  /** Rotate the root password right after configuring the connection, so only Vault knows it (default). */
  rotateRoot: z.boolean().default(true),
  roles: z.array(databaseRoleSchema).default([]),
});

const databaseSchema = z.strictObject({
  path: enginePath("database"),
  connections: z.array(databaseConnectionSchema).min(1, { error: "must declare at least one connection" }),
}).superRefine((database, ctx) => {
  // Connections live at <path>/config/<name> and roles at <path>/roles/<name>, whichever connection they use.
  const seen = new Set<string>();
  database.connections.forEach((connection, index) => {
    if (seen.has(connection.name)) ctx.addIssue({ code: "custom", path: ["connections", index, "name"], message: `"${connection.name}" is declared twice; connection names must be unique` });
    seen.add(connection.name);
  });
  const roles = new Map<string, string>();
  database.connections.forEach((connection, index) => connection.roles.forEach((role, position) => {
    const first = roles.get(role.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom", path: ["connections", index, "roles", position, "name"],
        message: `"${role.name}" is already a role of connection ${first}; role names must be unique in the mount (${database.path}/roles/<name>)`,
      });
    } else roles.set(role.name, connection.name);
  }));
});

/** Whether one valid duration is longer than another (an invalid one has its own message and compares as never longer). */
const longer = (duration: string | number, than: string | number) => (parseVaultDuration(duration) ?? 0) > (parseVaultDuration(than) ?? Infinity);

const awsRoleSchema = z.strictObject({
  name: objectName,
  /** iam_user: Vault creates an IAM user per lease and deletes it on revocation; assumed_role: STS credentials of a role. */
  credentialType: z.enum(["iam_user", "assumed_role"], { error: 'must be "iam_user" or "assumed_role"' }),
  /** Managed policies attached to each IAM user (iam_user). */
  policyArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/\S+$/, { error: "must be an IAM policy ARN" })).default([]),
  /** Roles Vault may assume for this role (assumed_role). */
  roleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, { error: "must be an IAM role ARN" })).default([]),
  /** TTL of the STS credentials (assumed_role); Vault's default is 1h. */
  defaultStsTtl: duration.optional(),
  maxStsTtl: duration.optional(),
}).superRefine((role, ctx) => {
  if (role.credentialType === "iam_user" && role.policyArns.length === 0) {
    ctx.addIssue({ code: "custom", path: ["policyArns"], message: "must name at least one policy ARN for an iam_user role (the user would have no permissions)" });
  }
  if (role.credentialType === "assumed_role" && role.roleArns.length === 0) {
    ctx.addIssue({ code: "custom", path: ["roleArns"], message: "must name at least one role ARN for an assumed_role role" });
  }
  if (role.credentialType === "iam_user" && role.roleArns.length > 0) {
    ctx.addIssue({ code: "custom", path: ["roleArns"], message: "only applies to assumed_role; remove it or set credentialType: assumed_role" });
  }
  if (role.defaultStsTtl !== undefined && role.maxStsTtl !== undefined && longer(role.defaultStsTtl, role.maxStsTtl)) {
    ctx.addIssue({ code: "custom", path: ["defaultStsTtl"], message: "must not be longer than maxStsTtl (Vault refuses the role)" });
  }
  // terraform-provider-vault refuses STS TTLs on an iam_user role (an IAM user lives as long as its lease).
  for (const key of ["defaultStsTtl", "maxStsTtl"] as const) {
    if (role.credentialType === "iam_user" && role[key] !== undefined) {
      ctx.addIssue({ code: "custom", path: [key], message: "only applies to assumed_role (an IAM user lives as long as its lease: set engines.aws.leaseTtl); remove it" });
    }
  }
});

/**
 * The IAM path of every user the AWS engine creates (iam_user roles): the nodes' instance role may
 * create and delete users under this path only, and the provisioner may write no other.
 */
export const AWS_USER_PATH = "/vault/";

const awsSchema = z.strictObject({
  path: enginePath("aws"),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region such as eu-west-1" }),
  /**
   * The access key Vault uses, with its secret key in vault-platform:secrets. Unset, Vault uses the
   * credentials of the node it runs on (the instance role): no key to leak or rotate.
   */
  accessKey: z.strictObject({
    id: z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{12,}$/, { error: "must be an AWS access key ID (AKIA...)" }),
    secretKeySecret: secretName,
  }).optional(),
  /** IAM and STS endpoints, for an emulator; unset for AWS itself. */
  iamEndpoint: z.url({ error: "must be a URL" }).optional(),
  stsEndpoint: z.url({ error: "must be a URL" }).optional(),
  /**
   * How long an IAM user's lease lasts before Vault deletes the user (the mount's default lease TTL;
   * unset, Vault's 768h would apply), and the longest a renewal may keep it.
   */
  leaseTtl: duration.default("1h"),
  maxLeaseTtl: duration.default("24h"),
  roles: z.array(awsRoleSchema).default([]),
}).superRefine((engine, ctx) => {
  if (longer(engine.leaseTtl, engine.maxLeaseTtl)) {
    ctx.addIssue({ code: "custom", path: ["leaseTtl"], message: "must not be longer than maxLeaseTtl (Vault refuses the mount)" });
  }
});

const keyType = z.enum(["rsa", "ec", "ed25519"], { error: 'must be "rsa", "ec" or "ed25519"' });
/** Bits that go with each key type (0 for ed25519). */
export const KEY_BITS: Record<z.output<typeof keyType>, number[]> = { rsa: [2048, 3072, 4096], ec: [256, 384, 521], ed25519: [0] };

const pkiRoleSchema = z.strictObject({
  name: objectName,
  /** Domains a certificate of this role may name. */
  allowedDomains: z.array(z.string().regex(/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, { error: "must be a DNS domain such as svc.cluster.local" })).min(1, { error: "must name at least one domain" }),
  allowSubdomains: z.boolean().default(true),
  allowBareDomains: z.boolean().default(false),
  ttl: duration.default("72h"),
  maxTtl: duration.default("720h"),
  keyType: keyType.default("ec"),
  keyBits: z.number().int().optional(),
  serverFlag: z.boolean().default(true),
  clientFlag: z.boolean().default(true),
});

export type PkiRoleConfig = z.output<typeof pkiRoleSchema>;

/**
 * A PKI role as it is written to Vault (@pulumi/vault's input names): every flag set, none left to a
 * default. The component declares exactly this and the provisioner's policy pins each field to it, so
 * the provisioner cannot widen a role (any name, a wildcard, localhost, an IP, code signing) beyond the
 * declaration. A consumer granted the role gets names under the declared domains only.
 */
export function pkiRoleSettings(role: PkiRoleConfig) {
  return {
    allowedDomains: role.allowedDomains,
    allowSubdomains: role.allowSubdomains,
    allowBareDomains: role.allowBareDomains,
    // A declared "*.example.com" only matches as a glob.
    allowGlobDomains: role.allowedDomains.some((domain) => domain.startsWith("*.")),
    allowAnyName: false,
    allowLocalhost: false,
    allowIpSans: false,
    allowWildcardCertificates: false,
    allowedUriSansTemplate: false,
    enforceHostnames: true,
    requireCn: true,
    useCsrCommonName: true,
    useCsrSans: true,
    serverFlag: role.serverFlag,
    clientFlag: role.clientFlag,
    codeSigningFlag: false,
    emailProtectionFlag: false,
    basicConstraintsValidForNonCa: false,
    // Leases and stored certificates: revocation and the CRL need the record.
    generateLease: false,
    noStore: false,
    ttl: String(role.ttl),
    maxTtl: String(role.maxTtl),
    keyType: role.keyType,
    keyBits: pkiKeyBits(role.keyType, role.keyBits),
  };
}

/** The key size to send: the declared one, else the usual one of the type (the provider would send 2048 whatever the type). */
export function pkiKeyBits(type: keyof typeof KEY_BITS, declared: number | undefined): number {
  return declared ?? KEY_BITS[type][0];
}

const pkiSchema = z.strictObject({
  /** The root CA's mount; its key never leaves Vault (generated) or comes in once (imported). */
  rootPath: enginePath("pki"),
  /** The intermediate that signs every leaf. */
  intermediatePath: enginePath("pki_int"),
  root: z.union([
    z.strictObject({ commonName: z.string().min(1), ttl: duration.default("87600h"), keyType: keyType.default("ec"), keyBits: z.number().int().optional() }),
    z.strictObject({ importedBundleSecret: secretName }),
  ], { error: "must be { commonName, ttl, keyType } for a root Vault generates, or { importedBundleSecret } naming the PEM bundle (certificate and key) in vault-platform:secrets" }),
  intermediate: z.strictObject({ commonName: z.string().min(1), ttl: duration.default("43800h"), keyType: keyType.default("ec"), keyBits: z.number().int().optional() }),
  roles: z.array(pkiRoleSchema).default([]),
});

/** Vault's shortest auto_rotate_period (transit path_config_keys.go): one hour. */
const MIN_AUTO_ROTATE_SECONDS = 3600;

const transitKeySchema = z.strictObject({
  name: objectName,
  type: z.enum(["aes256-gcm96", "aes128-gcm96", "chacha20-poly1305", "ecdsa-p256", "ed25519", "rsa-2048", "rsa-4096"], {
    error: 'must be a transit key type such as "aes256-gcm96"',
  }).default("aes256-gcm96"),
  /** Vault rotates the key this often (0 or unset: only by hand); old versions keep decrypting. */
  autoRotatePeriod: duration.refine((value) => {
    // An unreadable duration is reported by the duration check alone.
    const seconds = parseVaultDuration(value) ?? 0;
    return seconds === 0 || seconds >= MIN_AUTO_ROTATE_SECONDS;
  }, {
    error: "must be 0 (rotate by hand only) or at least 1h (Vault refuses a shorter auto_rotate_period)",
  }).optional(),
});

const transitSchema = z.strictObject({
  path: enginePath("transit"),
  keys: z.array(transitKeySchema).min(1, { error: "must declare at least one key" }).superRefine((keys, ctx) => {
    keys.forEach((key, index) => {
      if (keys.findIndex((other) => other.name === key.name) < index) ctx.addIssue({ code: "custom", path: [index, "name"], input: key.name, message: "is declared twice; give each key its own name" });
    });
  }),
});

export const enginesSchema = z.strictObject({
  database: databaseSchema.optional(),
  aws: awsSchema.optional(),
  pki: pkiSchema.optional(),
  transit: transitSchema.optional(),
});

export type EnginesConfig = z.output<typeof enginesSchema>;
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type AwsEngineConfig = z.output<typeof awsSchema>;
export type PkiConfig = z.output<typeof pkiSchema>;
export type TransitConfig = z.output<typeof transitSchema>;

/** What a consumer may be granted, by engine: the names it is granted must be declared there. */
export const GRANTABLE = ["database", "aws", "pki", "transit"] as const;
export type Grantable = (typeof GRANTABLE)[number];

/** The grantable names an engine declares (database roles of every connection, AWS and PKI roles, transit keys). */
export function grantableNames(engines: EnginesConfig, engine: Grantable): string[] {
  switch (engine) {
    case "database": return engines.database?.connections.flatMap((connection) => connection.roles.map((role) => role.name)) ?? [];
    case "aws": return engines.aws?.roles.map((role) => role.name) ?? [];
    case "pki": return engines.pki?.roles.map((role) => role.name) ?? [];
    case "transit": return engines.transit?.keys.map((key) => key.name) ?? [];
  }
}

/** The mount paths the engines take, with the key that declares each. */
export function engineMounts(engines: EnginesConfig): Array<{ path: string; key: string }> {
  return [
    ...(engines.database ? [{ path: engines.database.path, key: "engines.database.path" }] : []),
    ...(engines.aws ? [{ path: engines.aws.path, key: "engines.aws.path" }] : []),
    ...(engines.pki ? [{ path: engines.pki.rootPath, key: "engines.pki.rootPath" }, { path: engines.pki.intermediatePath, key: "engines.pki.intermediatePath" }] : []),
    ...(engines.transit ? [{ path: engines.transit.path, key: "engines.transit.path" }] : []),
  ];
}
