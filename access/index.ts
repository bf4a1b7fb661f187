/**
 * Least privilege, checked before deploy: each consumer's effective ACL (its policy plus Vault's
 * default policy) against its declared expectations, lints on every consumer policy, an isolation
 * report, and the provisioner policy against what the declarations need from it.
 */
import { Acl, Capability, parsePolicy, PathRule, Policy } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";
import type { ConsumerConfig, PlatformConfig } from "../config";
import { consumerPolicy } from "../components/vault/policies";

export interface AccessStatement { capability: Capability; path: string }

export function parseStatement(text: string): AccessStatement {
  const [capability, path] = text.split(" ");
  return { capability: capability as Capability, path };
}

export function formatStatement(statement: AccessStatement): string {
  return `${statement.capability} ${statement.path}`;
}

const DEFAULT = parsePolicy(DEFAULT_POLICY, "default");

/** A consumer's effective ACL: its own policy plus `default`, which every binding here keeps. */
export interface ConsumerAccess {
  consumer: ConsumerConfig;
  policy: Policy;
  acl: Acl;
}

export function consumerAccess(config: PlatformConfig): ConsumerAccess[] {
  return config.consumers.map((consumer) => {
    const policy = config.consumerPolicies[consumer.name].parsed;
    return { consumer, policy, acl: new Acl([policy, DEFAULT]) };
  });
}

/** What the rule that decides `path` says, for messages. */
function describeDecision(acl: Acl, statement: AccessStatement): string {
  const rule = acl.winningRule(statement.path, statement.capability === "list");
  if (!rule) return "no rule matches that path";
  const capabilities = [...rule.capabilities].join(", ");
  return `the winning rule (${rule.origins.join(", ")}) grants [${capabilities}]`;
}

/** Every declared expectation that the consumer's ACL contradicts, or that only the token's identity decides. */
export function expectationMismatches(access: ConsumerAccess[]): string[] {
  const mismatches: string[] = [];
  for (const { consumer, acl } of access) {
    for (const [expected, statements] of [["allowed", consumer.expect?.allow ?? []], ["denied", consumer.expect?.deny ?? []]] as const) {
      for (const statement of statements.map(parseStatement)) {
        const dependence = acl.identityDependence(statement.path);
        if (dependence.length > 0) {
          mismatches.push(`${consumer.name}: "${formatStatement(statement)}" depends on identity (${dependence.join(", ")} fill in the token's entity), so it cannot be checked offline`);
          continue;
        }
        if (acl.allows(statement.capability, statement.path) !== (expected === "allowed")) {
          mismatches.push(`${consumer.name}: expected "${formatStatement(statement)}" to be ${expected}, but ${describeDecision(acl, statement)}`);
        }
      }
    }
  }
  return mismatches;
}

/** Areas no consumer policy may reach, with probe paths that a rule reaching them would match. */
const FORBIDDEN_AREAS: Array<{ area: string; why: string; probes: string[] }> = [
  { area: "sys/", why: "system backend (mounts, policies, audit, seal)", probes: ["sys/mounts/x", "sys/policies/acl/x", "sys/auth/x", "sys/audit/x", "sys/seal", "sys/raw/x"] },
  { area: "auth/token/create*", why: "token creation (a consumer could mint itself new tokens)", probes: ["auth/token/create", "auth/token/create-orphan", "auth/token/create/x"] },
  { area: "identity/", why: "identity store (entities, groups, OIDC keys)", probes: ["identity/entity/x", "identity/group/x", "identity/oidc/key/x"] },
];

/** KV v2 paths under a mount: the first segment after the mount is one of these. */
const KV2_SEGMENTS = new Set(["data", "metadata", "delete", "undelete", "destroy", "subkeys", "config", "+"]);

function ruleAcl(rule: PathRule): Acl {
  return new Acl([{ source: "", rules: [rule] }]);
}

function grants(rule: PathRule): boolean {
  return !rule.capabilities.includes("deny") && rule.capabilities.length > 0;
}

/** The literal start of a rule, before its first wildcard (a plain prefix rule's path has no "*" left). */
function staticPrefix(rule: PathRule): string {
  const plus = rule.path.indexOf("+");
  return plus === -1 ? rule.path : rule.path.slice(0, plus);
}

/** Built-in paths every token may use (its own token, cubbyhole); not typos. */
const BUILTIN_PREFIXES = ["cubbyhole", "auth/token/lookup-self", "auth/token/renew-self", "auth/token/revoke-self", "sys/"];

/** Lints on each distinct consumer policy. */
export function policyLints(config: PlatformConfig): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const mounts = [...config.mounts].sort((a, b) => b.path.length - a.path.length);
  for (const consumer of config.consumers) {
    const { name, parsed } = config.consumerPolicies[consumer.name];
    if (seen.has(name)) continue;
    seen.add(name);
    for (const rule of parsed.rules.filter(grants)) {
      const where = `${parsed.source}:${rule.line}: path "${rule.written}" (policy ${name})`;
      if (rule.capabilities.includes("sudo")) problems.push(`${where} grants sudo; consumers never need root-protected paths`);
      if (rule.path === "" && rule.isPrefix) problems.push(`${where} is a bare "*": it grants everything in Vault`);
      const single = ruleAcl(rule);
      for (const area of FORBIDDEN_AREAS) {
        if (area.probes.some((probe) => single.capabilities(probe).length > 0)) problems.push(`${where} reaches ${area.area}, the ${area.why}`);
      }
      const prefix = staticPrefix(rule);
      const mount = mounts.find((candidate) => prefix.startsWith(`${candidate.path}/`) || prefix === candidate.path);
      if (mount?.version === 2) {
        const segment = prefix.slice(mount.path.length + 1).split("/")[0];
        const rest = rule.written.replace(/^\//, "").slice(mount.path.length + 1);
        if (segment !== "" && !KV2_SEGMENTS.has(segment) && !rest.startsWith("+")) {
          problems.push(`${where} is written v1-style on KV v2 mount "${mount.path}" and grants nothing there; use ${mount.path}/data/${rest} (and ${mount.path}/metadata/${rest} to list)`);
        }
      }
      const underMount = mount !== undefined || mounts.some((candidate) => candidate.path.startsWith(prefix) && prefix !== "");
      if (!underMount && prefix !== "" && !BUILTIN_PREFIXES.some((builtin) => prefix.startsWith(builtin))) {
        problems.push(`${where} is under no declared mount (declared: ${config.mounts.map((m) => m.path).join(", ") || "none"}); a typo?`);
      }
    }
  }
  return problems;
}

/** Stands for "any name" in a path derived from a wildcard rule (matches "+" and "*" alike). */
export const ANY_SEGMENT = "<any>";

/** A concrete path a rule is about: wildcards filled with ANY_SEGMENT. */
function probePath(rule: PathRule): string {
  const filled = rule.path.split("/").map((segment) => (segment === "+" ? ANY_SEGMENT : segment)).join("/");
  return rule.isPrefix ? `${filled.replace(/\*$/, "")}${ANY_SEGMENT}` : filled;
}

/** The concrete paths a policy grants something on: what its consumer owns, for the isolation report. */
export function pathsGranted(policy: Policy): string[] {
  return [...new Set(policy.rules.filter(grants).map(probePath))];
}

export interface IsolationFinding { reader: string; owner: string; path: string }

/**
 * Paths sorted once, so that the paths under a rule's literal prefix are found by binary search:
 * the checks below then cost what the rules reach, not consumers x paths.
 */
class PathIndex<T> {
  private readonly entries: Array<[string, T]>;

  constructor(entries: Iterable<[string, T]>) {
    this.entries = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Every entry whose path starts with `prefix`, in path order. */
  *startingWith(prefix: string): Generator<[string, T]> {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle][0] < prefix) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < this.entries.length && this.entries[index][0].startsWith(prefix); index++) yield this.entries[index];
  }
}

/**
 * Which consumers can read a path another consumer's policy is about. A path the ACL lets a reader
 * read is matched by one of the reader's rules that grants read, so it starts with that rule's literal
 * prefix: only those paths are asked.
 */
export function isolationFindings(access: ConsumerAccess[]): IsolationFinding[] {
  const order = new Map(access.map(({ consumer }, index) => [consumer.name, index]));
  const ownersByPath = new Map<string, string[]>();
  for (const { consumer, policy } of access) {
    for (const path of pathsGranted(policy)) {
      const owners = ownersByPath.get(path) ?? [];
      owners.push(consumer.name);
      ownersByPath.set(path, owners);
    }
  }
  const owned = new PathIndex(ownersByPath);
  const findings: IsolationFinding[] = [];
  for (const { consumer, policy, acl } of access) {
    const readable = new Map<string, string[]>();
    for (const rule of [...policy.rules, ...DEFAULT.rules].filter((candidate) => candidate.capabilities.includes("read"))) {
      for (const [path, owners] of owned.startingWith(staticPrefix(rule))) readable.set(path, owners);
    }
    const found: IsolationFinding[] = [];
    for (const [path, owners] of readable) {
      const others = owners.filter((owner) => owner !== consumer.name);
      if (others.length > 0 && acl.allows("read", path)) others.forEach((owner) => found.push({ reader: consumer.name, owner, path }));
    }
    findings.push(...found.sort((a, b) => order.get(a.owner)! - order.get(b.owner)! || (a.path < b.path ? -1 : 1)));
  }
  return findings;
}

/** Every (capability, path) the provisioning token needs for `pulumi up` of these declarations. */
export function provisionerRequirements(config: PlatformConfig): AccessStatement[] {
  const needs: AccessStatement[] = [];
  const add = (capabilities: Capability[], path: string) => capabilities.forEach((capability) => needs.push({ capability, path }));
  const crud: Capability[] = ["create", "read", "update", "delete"];
  add(["update"], "auth/token/create");
  for (const name of new Set(config.consumers.map((consumer) => config.consumerPolicies[consumer.name].name))) add(crud, `sys/policies/acl/${name}`);
  for (const mount of config.mounts) {
    add(crud, `sys/mounts/${mount.path}`);
    add(["read", "update"], `sys/mounts/${mount.path}/tune`);
    if (mount.version === 2 && mount.maxVersions !== undefined) add(crud, `${mount.path}/config`);
  }
  const authMount = (path: string) => {
    add(["create", "update", "delete", "sudo"], `sys/auth/${path}`);
    add(["read"], `sys/mounts/auth/${path}`);
  };
  const bound = (kind: "approle" | "kubernetes" | "token") => config.consumers.filter((consumer) => consumer[kind] !== undefined);
  if (bound("approle").length > 0) authMount("approle");
  for (const { name } of bound("approle")) {
    add(crud, `auth/approle/role/${name}`);
    add(["read"], `auth/approle/role/${name}/role-id`);
    add(["update"], `auth/approle/role/${name}/secret-id`);
    add(["update"], `auth/approle/role/${name}/secret-id-accessor/lookup`);
    add(["update"], `auth/approle/role/${name}/secret-id-accessor/destroy`);
  }
  if (config.kubernetes.enabled || bound("kubernetes").length > 0) {
    authMount(config.kubernetes.authPath);
    add(crud, `auth/${config.kubernetes.authPath}/config`);
  }
  for (const { name } of bound("kubernetes")) add(crud, `auth/${config.kubernetes.authPath}/role/${name}`);
  for (const { name } of bound("token")) {
    add(crud, `auth/token/roles/${name}`);
    add(["update"], `auth/token/create/${name}`);
  }
  if (bound("token").length > 0) {
    add(["update"], "auth/token/lookup-accessor");
    add(["update"], "auth/token/revoke-accessor");
  }
  if (config.audit.enabled) {
    add(["read", "sudo"], "sys/audit");
    add(["create", "update", "delete", "sudo"], "sys/audit/file");
  }
  return needs;
}

export interface ProvisionerCoverage {
  required: AccessStatement[];
  /** Required statements the provisioner policy does not allow. */
  missing: AccessStatement[];
  /** Capabilities the provisioner policy grants that no requirement uses ("source:line capability path"). */
  beyond: string[];
}

export function provisionerCoverage(config: PlatformConfig, provisioner: Policy): ProvisionerCoverage {
  const required = provisionerRequirements(config);
  const acl = new Acl([provisioner, DEFAULT]);
  const missing = required.filter((statement) => !acl.allows(statement.capability, statement.path));
  const capabilitiesByPath = new Map<string, Set<Capability>>();
  for (const { capability, path } of required) capabilitiesByPath.set(path, (capabilitiesByPath.get(path) ?? new Set()).add(capability));
  const requiredPaths = new PathIndex(capabilitiesByPath);
  const beyond: string[] = [];
  for (const rule of provisioner.rules.filter(grants)) {
    const single = ruleAcl(rule);
    const reached = [...requiredPaths.startingWith(staticPrefix(rule))];
    for (const capability of rule.capabilities) {
      const used = reached.some(([path, capabilities]) => capabilities.has(capability) && single.allows(capability, path));
      if (!used) beyond.push(`${provisioner.source}:${rule.line} ${capability} ${rule.written}`);
    }
  }
  return { required, missing, beyond };
}

export interface AccessReport {
  /** Everything that must stop a deploy: mismatched expectations, lint findings, provisioner gaps. */
  problems: string[];
  isolation: IsolationFinding[];
  provisioner: ProvisionerCoverage;
  access: ConsumerAccess[];
}

export function verifyAccess(config: PlatformConfig): AccessReport {
  const access = consumerAccess(config);
  const provisionerPolicy = consumerPolicy("provisioner", "provisioner").parsed;
  const provisioner = provisionerCoverage(config, provisionerPolicy);
  const problems = [
    ...expectationMismatches(access),
    ...policyLints(config),
    ...provisioner.missing.map((statement) => `provisioner: policies/provisioner.hcl does not allow "${formatStatement(statement)}", which pulumi up needs`),
  ];
  return { problems, isolation: isolationFindings(access), provisioner, access };
}

/** consumer x path -> capabilities, for every path named in a policy or an expectation. */
export function accessMatrix(access: ConsumerAccess[]): { paths: string[]; rows: Array<{ consumer: string; cells: Capability[][] }> } {
  const paths = new Set<string>();
  for (const { consumer, policy } of access) {
    policy.rules.forEach((rule) => paths.add(probePath(rule)));
    [...(consumer.expect?.allow ?? []), ...(consumer.expect?.deny ?? [])].forEach((statement) => paths.add(parseStatement(statement).path));
  }
  const sorted = [...paths].sort();
  return { paths: sorted, rows: access.map(({ consumer, acl }) => ({ consumer: consumer.name, cells: sorted.map((path) => acl.capabilities(path)) })) };
}
