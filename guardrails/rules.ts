/**
 * The security baseline of vault-platform as plain rules over resources, so they can be unit-tested
 * and run against the mocked program without the Pulumi CLI. index.ts turns them into a CrossGuard
 * policy pack for `pulumi preview --policy-pack guardrails`.
 */
import { parsePolicy } from "../acl";
import { AWS_TYPES, VAULT_TYPES } from "../components/resourceTypes";

/** What a rule sees of a resource: its type, name, inputs, options and provider. */
export interface GuardedResource {
  type: string;
  name: string;
  props: Record<string, any>;
  protect: boolean;
  /** Name of the provider resource; default providers are named "default" or "default_<version>". */
  providerName?: string;
}

export interface RuleContext {
  /** The stack being previewed; some rules are stricter for production stacks. */
  stack: string;
}

export interface ResourceRule {
  name: string;
  /** Why the rule exists, one line. */
  description: string;
  types: string[];
  /** The violation, or undefined when the resource complies. */
  check(resource: GuardedResource, context: RuleContext): string | undefined;
}

export interface StackRule {
  name: string;
  description: string;
  check(resources: GuardedResource[], context: RuleContext): string[];
}


const OPEN = ["0.0.0.0/0", "::/0"];
/** The longest a SecretID may live. */
const SECRET_ID_TTL_LIMIT_SECONDS = { production: 30 * 86400, other: 90 * 86400 };
const DATA_SERVICES = /^(dynamodb|kms|secretsmanager):/i;
const isTrue = (value: unknown) => value === true || value === "true";
const isSet = (value: unknown) => value !== undefined && value !== null && value !== "" && value !== 0;
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function statements(document: unknown): Array<Record<string, any>> {
  if (typeof document !== "string") return [];
  try {
    return list(JSON.parse(document).Statement);
  } catch {
    return [];
  }
}

export const RESOURCE_RULES: ResourceRule[] = [
  {
    name: "kms-key-rotation", types: [AWS_TYPES.kmsKey],
    description: "The seal key rotates yearly; rotation keeps old versions, so nothing is lost.",
    check: (r) => (isTrue(r.props.enableKeyRotation) ? undefined : "enableKeyRotation must be true"),
  },
  {
    name: "kms-key-deletion-window", types: [AWS_TYPES.kmsKey],
    description: "Deleting the seal key destroys every secret; the longest window (30 days) leaves time to cancel.",
    check: (r) => (r.props.deletionWindowInDays === 30 ? undefined : `deletionWindowInDays must be 30 (got ${r.props.deletionWindowInDays ?? "unset"})`),
  },
  {
    name: "kms-key-protected", types: [AWS_TYPES.kmsKey],
    description: "The seal key is protected in Pulumi so no update or destroy can delete it.",
    check: (r) => (r.protect ? undefined : "the seal key must have protect: true"),
  },
  {
    name: "dynamodb-point-in-time-recovery", types: [AWS_TYPES.table],
    description: "The storage table holds every secret; PITR allows recovery from a bad write or a bad operator.",
    check: (r) => (isTrue(r.props.pointInTimeRecovery?.enabled) ? undefined : "pointInTimeRecovery.enabled must be true"),
  },
  {
    name: "dynamodb-encryption", types: [AWS_TYPES.table],
    description: "Server-side encryption on the storage table, in addition to Vault's barrier.",
    check: (r) => (isTrue(r.props.serverSideEncryption?.enabled) ? undefined : "serverSideEncryption.enabled must be true"),
  },
  {
    name: "dynamodb-deletion-protection", types: [AWS_TYPES.table],
    description: "AWS refuses to delete the storage table while deletion protection is on.",
    check: (r) => (isTrue(r.props.deletionProtectionEnabled) ? undefined : "deletionProtectionEnabled must be true"),
  },
  {
    name: "dynamodb-protected", types: [AWS_TYPES.table],
    description: "The storage table is protected in Pulumi so no update or destroy can delete it.",
    check: (r) => (r.protect ? undefined : "the storage table must have protect: true"),
  },
  {
    name: "dynamodb-on-demand", types: [AWS_TYPES.table],
    description: "Throttled writes can block Vault's leader election; on-demand billing does not throttle at provisioned limits.",
    check: (r) => (r.props.billingMode === "PAY_PER_REQUEST" ? undefined : `billingMode must be PAY_PER_REQUEST (got ${r.props.billingMode ?? "unset"})`),
  },
  {
    name: "backup-vault-protected", types: [AWS_TYPES.backupVault],
    description: "The backup vault holds a copy of every secret: protected in Pulumi, and AWS may not empty it on delete.",
    check: (r) => {
      if (!r.protect) return "the backup vault must have protect: true";
      return isTrue(r.props.forceDestroy) ? "forceDestroy must not be true (it deletes every recovery point with the vault)" : undefined;
    },
  },
  {
    name: "launch-template-imdsv2", types: [AWS_TYPES.launchTemplate],
    description: "IMDSv2 only: instance credentials cannot be stolen through a server-side request forgery.",
    check: (r) => (r.props.metadataOptions?.httpTokens === "required" ? undefined : "metadataOptions.httpTokens must be \"required\""),
  },
  {
    name: "launch-template-encrypted-volumes", types: [AWS_TYPES.launchTemplate],
    description: "Node disks hold the audit log and swap of secret material; they are encrypted.",
    check: (r) => {
      const mappings = list(r.props.blockDeviceMappings);
      const bad = mappings.filter((mapping: any) => !isTrue(mapping.ebs?.encrypted));
      return mappings.length > 0 && bad.length === 0 ? undefined : "every block device must set ebs.encrypted";
    },
  },
  {
    name: "launch-template-no-public-ip", types: [AWS_TYPES.launchTemplate],
    description: "Vault nodes are never reachable from the internet.",
    check: (r) => (list(r.props.networkInterfaces).some((nic: any) => isTrue(nic.associatePublicIpAddress)) || isTrue(r.props.associatePublicIpAddress)
      ? "no network interface may associate a public IP" : undefined),
  },
  {
    name: "launch-template-no-ssh-key", types: [AWS_TYPES.launchTemplate],
    description: "Operators use SSM Session Manager; an SSH key is a credential nobody rotates.",
    check: (r) => (isSet(r.props.keyName) ? `keyName must not be set (got ${r.props.keyName})` : undefined),
  },
  {
    name: "load-balancer-internal", types: [AWS_TYPES.loadBalancer],
    description: "The Vault API is private; the load balancer has no internet-facing address.",
    check: (r) => (isTrue(r.props.internal) ? undefined : "internal must be true"),
  },
  {
    name: "no-open-ingress", types: [AWS_TYPES.ingressRule, AWS_TYPES.securityGroup, AWS_TYPES.legacySecurityGroupRule],
    description: "No security group accepts traffic from 0.0.0.0/0 or ::/0.",
    check: (r) => {
      const sources = r.type === AWS_TYPES.securityGroup
        ? list<Record<string, any>>(r.props.ingress).flatMap((rule) => [...list(rule.cidrBlocks), ...list(rule.ipv6CidrBlocks)])
        : r.type === AWS_TYPES.legacySecurityGroupRule && r.props.type !== "ingress" ? [] : [r.props.cidrIpv4, r.props.cidrIpv6, ...list(r.props.cidrBlocks), ...list(r.props.ipv6CidrBlocks)];
      const open = sources.filter((source) => OPEN.includes(source));
      return open.length > 0 ? `ingress from ${open.join(", ")} is not allowed` : undefined;
    },
  },
  {
    name: "security-rules-described", types: [AWS_TYPES.ingressRule, AWS_TYPES.egressRule, AWS_TYPES.securityGroup, AWS_TYPES.legacySecurityGroupRule],
    description: "Every security group and rule says why it exists, so a review can tell what is open and why.",
    check: (r) => {
      const undocumented = r.type === AWS_TYPES.securityGroup
        ? !isSet(r.props.description) || [...list(r.props.ingress), ...list(r.props.egress)].some((rule: any) => !isSet(rule.description))
        : !isSet(r.props.description);
      return undocumented ? "every security group and rule needs a description" : undefined;
    },
  },
  {
    name: "iam-no-wildcard-resource-on-data", types: [AWS_TYPES.rolePolicy, AWS_TYPES.iamPolicy],
    description: "DynamoDB, KMS and Secrets Manager grants are scoped to the table, the key and the secret, never Resource \"*\".",
    check: (r) => {
      const wide = statements(r.props.policy).filter((statement) => statement.Effect !== "Deny"
        && list(statement.Action).some((action: string) => DATA_SERVICES.test(action)) && list(statement.Resource).includes("*"));
      return wide.length > 0 ? `statement ${wide.map((s) => s.Sid ?? "(no Sid)").join(", ")} grants data-service actions on Resource "*"` : undefined;
    },
  },
  {
    name: "iam-no-wildcard-action", types: [AWS_TYPES.rolePolicy, AWS_TYPES.iamPolicy],
    description: "No IAM statement allows Action \"*\" or a whole service (\"kms:*\").",
    check: (r) => {
      const wide = statements(r.props.policy).filter((statement) => statement.Effect !== "Deny" && list(statement.Action).some((action: string) => action === "*" || action.endsWith(":*")));
      return wide.length > 0 ? "a statement allows a wildcard action" : undefined;
    },
  },
  {
    name: "secret-readers-restricted", types: [AWS_TYPES.secretPolicy],
    description: "A secret's resource policy denies GetSecretValue to every principal it does not name, and refuses public access.",
    check: (r) => {
      if (!isTrue(r.props.blockPublicPolicy)) return "set blockPublicPolicy: true";
      // Unknown until the node role exists (a first preview): judged on the update that sets it.
      if (typeof r.props.policy !== "string") return undefined;
      const fencesReaders = statements(r.props.policy).some((statement) => statement.Effect === "Deny" && statement.Principal === "*"
        && list(statement.Action).includes("secretsmanager:GetSecretValue")
        && list(statement.Condition?.ArnNotEquals?.["aws:PrincipalArn"]).length > 0);
      return fencesReaders ? undefined : "needs a Deny of secretsmanager:GetSecretValue to Principal \"*\" unless aws:PrincipalArn is a named reader (see components/cluster/tls.ts)";
    },
  },
  {
    name: "asg-ec2-health-check", types: [AWS_TYPES.autoScalingGroup],
    description: "Load-balancer health would replace standbys (429) and uninitialised nodes (501) in a loop; nodes use EC2 health.",
    check: (r) => (r.props.healthCheckType === "ELB" ? "healthCheckType must be EC2 (see components/cluster/nodes.ts)" : undefined),
  },
  {
    name: "vault-consumer-policy-no-sudo", types: [VAULT_TYPES.policy],
    description: "Consumer policies never grant sudo (root-protected paths); only the provisioner may.",
    check: (r) => {
      if (r.props.name === "provisioner" || typeof r.props.policy !== "string") return undefined;
      try {
        const sudo = parsePolicy(r.props.policy, `policy ${r.props.name}`).rules.filter((rule) => rule.capabilities.includes("sudo"));
        return sudo.length > 0 ? `grants sudo on ${sudo.map((rule) => rule.written).join(", ")}` : undefined;
      } catch (error) {
        return `does not parse: ${(error as Error).message}`;
      }
    },
  },
  {
    name: "approle-secret-id-bounded", types: [VAULT_TYPES.approleRole],
    description: "A SecretID expires (within 90 days; 30 in production), so a leaked one does not work forever.",
    check: (r, context) => {
      const limit = context.stack.startsWith("prod") ? SECRET_ID_TTL_LIMIT_SECONDS.production : SECRET_ID_TTL_LIMIT_SECONDS.other;
      const ttl = Number(r.props.secretIdTtl ?? 0);
      if (!(ttl > 0)) return "set secretIdTtl: a SecretID without one never expires";
      return ttl > limit ? `secretIdTtl ${ttl} s is longer than ${limit / 86400} days${context.stack.startsWith("prod") ? " (production)" : ""}` : undefined;
    },
  },
  {
    name: "auth-role-tokens-bounded", types: [VAULT_TYPES.approleRole, VAULT_TYPES.kubernetesRole],
    description: "Login tokens carry a TTL or a period, so they die when their holder stops renewing them.",
    check: (r) => (isSet(r.props.tokenTtl) || isSet(r.props.tokenPeriod) ? undefined : "set tokenTtl or tokenPeriod"),
  },
  {
    name: "vault-token-bounded", types: [VAULT_TYPES.token],
    description: "Issued tokens carry a TTL or a period.",
    check: (r) => (isSet(r.props.ttl) || isSet(r.props.period) ? undefined : "set ttl or period"),
  },
  {
    name: "token-role-scoped", types: [VAULT_TYPES.tokenRole],
    description: "Token roles issue orphans limited to named policies: never root, never a glob.",
    check: (r) => {
      const policies = list<string>(r.props.allowedPolicies);
      if (policies.length === 0) return "allowedPolicies must name the consumer's policy";
      if (policies.some((policy) => policy === "root" || policy.includes("*"))) return "allowedPolicies must not include root or a glob";
      return isSet(r.props.allowedPoliciesGlobs) ? "allowedPoliciesGlobs must not be used" : undefined;
    },
  },
  {
    name: "kubernetes-role-bound", types: [VAULT_TYPES.kubernetesRole],
    description: "A Kubernetes role is bound to named service accounts in named namespaces, never \"*\".",
    check: (r) => ([...list(r.props.boundServiceAccountNames), ...list(r.props.boundServiceAccountNamespaces)].some((name) => name === "*")
      || list(r.props.boundServiceAccountNamespaces).length === 0 ? "bind named service accounts and namespaces" : undefined),
  },
  {
    name: "transit-key-kept", types: [VAULT_TYPES.transitKey],
    description: "A transit key is the only way to decrypt what was encrypted with it: never deletable, exportable or backed up in clear, and protected in Pulumi.",
    check: (r) => {
      const loose = ["deletionAllowed", "exportable", "allowPlaintextBackup"].filter((field) => isTrue(r.props[field]));
      if (loose.length > 0) return `${loose.join(", ")} must not be true`;
      return r.protect ? undefined : "the transit key must have protect: true";
    },
  },
  {
    name: "pki-ca-key-internal", types: [VAULT_TYPES.pkiRootCert, VAULT_TYPES.pkiIntermediateCertRequest],
    description: "CA private keys are generated inside Vault and never returned: an \"exported\" key would sit in the Pulumi state.",
    check: (r) => (r.props.type === "internal" ? undefined : `type must be "internal" (got ${JSON.stringify(r.props.type ?? "unset")})`),
  },
  {
    name: "vault-explicit-provider", types: [],
    description: "Every Vault resource uses the program's explicit provider, never ambient VAULT_ADDR/VAULT_TOKEN.",
    check: (r) => (r.type.startsWith("vault:") && (r.providerName === undefined || r.providerName.startsWith("default"))
      ? "must use the explicit vault provider" : undefined),
  },
];

export const STACK_RULES: StackRule[] = [
  {
    name: "nodes-in-two-zones",
    description: "Vault nodes span at least two availability zones.",
    check: (resources) => {
      const problems: string[] = [];
      for (const group of resources.filter((r) => r.type === AWS_TYPES.autoScalingGroup)) {
        if (list(group.props.vpcZoneIdentifiers).length < 2) problems.push(`${group.name}: vpcZoneIdentifiers must list subnets in at least two zones`);
      }
      const zones = new Set(resources.filter((r) => r.type === AWS_TYPES.subnet && /private/.test(r.name)).map((r) => r.props.availabilityZone));
      if (resources.some((r) => r.type === AWS_TYPES.subnet) && zones.size < 2) problems.push(`private subnets span ${zones.size} zone(s); at least 2 are needed`);
      return problems;
    },
  },
  {
    name: "secrets-have-reader-policy",
    description: "Every Secrets Manager secret has a resource policy: IAM alone would let any broad reader of the account in.",
    check: (resources) => {
      const secrets = resources.filter((r) => r.type === AWS_TYPES.secret).length;
      const policies = resources.filter((r) => r.type === AWS_TYPES.secretPolicy).length;
      return policies < secrets ? [`${secrets} secret(s) but ${policies} aws:secretsmanager/secretPolicy:SecretPolicy`] : [];
    },
  },
  {
    name: "storage-table-backed-up",
    description: "When the stack declares the storage table, an AWS Backup selection backs a table up on a plan.",
    check: (resources) => (resources.some((r) => r.type === AWS_TYPES.table)
      && !(resources.some((r) => r.type === AWS_TYPES.backupPlan) && resources.some((r) => r.type === AWS_TYPES.backupSelection && list(r.props.resources).length > 0))
      ? ["the storage table has no aws:backup/selection:Selection on an aws:backup/plan:Plan"] : []),
  },
  {
    name: "database-root-rotated",
    description: "In production, Vault rotates each database connection's root password right after configuring it, so the one in the stack config stops working.",
    check: (resources, context) => {
      if (!context.stack.startsWith("prod")) return [];
      const rotated = resources.filter((r) => r.type === VAULT_TYPES.genericEndpoint).map((r) => String(r.props.path ?? ""));
      return resources.filter((r) => r.type === VAULT_TYPES.databaseConnection)
        .filter((connection) => !rotated.some((path) => path.endsWith(`/rotate-root/${connection.props.name}`)))
        .map((connection) => `${connection.name}: no rotate-root write for connection ${connection.props.name} (rotateRoot: false)`);
    },
  },
  {
    name: "vault-audit-enabled",
    description: "When the stack configures Vault, it also turns on an audit device.",
    check: (resources) => (resources.some((r) => r.type.startsWith("vault:")) && !resources.some((r) => r.type === VAULT_TYPES.audit)
      ? ["no vault:index/audit:Audit is declared"] : []),
  },
];

/** Runs every rule; each violation is "<rule>: <resource>: <message>". */
export function evaluate(resources: GuardedResource[], context: RuleContext): string[] {
  const violations: string[] = [];
  for (const resource of resources) {
    for (const rule of RESOURCE_RULES) {
      if (rule.types.length > 0 && !rule.types.includes(resource.type)) continue;
      const message = rule.check(resource, context);
      if (message) violations.push(`${rule.name}: ${resource.name}: ${message}`);
    }
  }
  for (const rule of STACK_RULES) violations.push(...rule.check(resources, context).map((message) => `${rule.name}: ${message}`));
  return violations;
}
