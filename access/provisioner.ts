/**
 * What the provisioning token needs for `pulumi up`, the policy generated from that (named paths only,
 * explicit denies on the policies that would make it an administrator), and how a given policy compares.
 */
import * as path from "path";
import { Acl, Capability, parsePolicy, Policy, ruleText, WrittenRule } from "../acl";
import { attachedPolicies, PROVISIONER_POLICY, readProvisionerFile, VaultLayerModel } from "../config";
import { DEFAULT, grants, PathIndex, ruleAcl, staticPrefix } from "./model";
import { peopleRules } from "./rules/people";
import { awsEngineRules } from "./rules/aws";
import { loginDenied } from "./rules/login";
import { pkiRules } from "./rules/pki";
import { transitRules } from "./rules/transit";
import { AccessStatement } from "./statements";
import { databaseRules } from "./rules/database";

/**
 * One path of the provisioner's policy. Parameters are pinned where a free value would let the token
 * reach beyond the declarations: a role's policies (else it could bind any policy in Vault to a role it
 * controls and log in with it) and a policy's text (else it could write `path "*"` into a consumer's
 * policy and mint that consumer a token).
 */
export type ProvisionerRule = WrittenRule;

/** Tune parameters that would put secrets into the audit log in clear or pass request headers to a backend. */
export const LEAKY_TUNE_PARAMETERS = { audit_non_hmac_request_keys: [], audit_non_hmac_response_keys: [], passthrough_request_headers: [] };

/**
 * What `pulumi up` of these declarations needs, path by path, in the order the resources are applied.
 * Protected resources (mounts, auth methods, the audit device) are never deleted by `pulumi up`, so no
 * delete is granted on them: unmounting a KV engine or disabling the audit log stays an administrator's act.
 */
export function provisionerRules(layer: VaultLayerModel): ProvisionerRule[] {
  const rules: ProvisionerRule[] = [];
  const add = (path: string, capabilities: Capability[], parameters: Omit<ProvisionerRule, "path" | "capabilities"> = {}) => rules.push({ path, capabilities, ...parameters });
  // A list parameter passes when each of its items is an allowed value (Vault splits it as a comma list).
  const pinned = (names: string[], values: string[]) => ({ allowedParameters: { ...Object.fromEntries(names.map((name) => [name, values])), "*": [] } });
  const policyOf = new Map(layer.consumers.map((bound) => [bound.consumer.name, attachedPolicies(bound)]));
  add("auth/token/create", ["update"]);
  for (const { name, text } of [...layer.policies, ...layer.operatorPolicies]) add(`sys/policies/acl/${name}`, ["create", "read", "update", "delete"], { allowedParameters: { policy: [text] } });
  for (const mount of layer.mounts) {
    rules.push(...secretsMountRules(mount.path));
    // The KV v2 settings go with the mount: the provider's delete makes no call.
    if (mount.version === 2 && mount.maxVersions !== undefined) add(`${mount.path}/config`, ["create", "read", "update"]);
  }
  const authMount = (path: string) => rules.push(...authMountRules(path));
  const { approle, kubernetes } = layer.authPaths;
  if (approle !== undefined) {
    authMount(approle);
    for (const { name } of layer.bindings.approle) {
      // `policies` is the role's deprecated alias of token_policies.
      add(`auth/${approle}/role/${name}`, ["create", "read", "update", "delete"], pinned(["token_policies", "policies"], policyOf.get(name)!));
      add(`auth/${approle}/role/${name}/role-id`, ["read"]);
      add(`auth/${approle}/role/${name}/secret-id`, ["update"]);
      add(`auth/${approle}/role/${name}/secret-id-accessor/lookup`, ["update"]);
      add(`auth/${approle}/role/${name}/secret-id-accessor/destroy`, ["update"]);
    }
  }
  if (kubernetes !== undefined) {
    authMount(kubernetes);
    // Written again on update; the provider's delete makes no call (the plugin has none on config).
    add(`auth/${kubernetes}/config`, ["create", "read", "update"]);
    for (const { name } of layer.bindings.kubernetes) {
      add(`auth/${kubernetes}/role/${name}`, ["create", "read", "update", "delete"], pinned(["token_policies", "policies"], policyOf.get(name)!));
    }
  }
  for (const { name } of layer.bindings.token) {
    add(`auth/token/roles/${name}`, ["create", "read", "update", "delete"], pinned(["allowed_policies", "allowed_policies_glob", "token_policies"], policyOf.get(name)!));
    add(`auth/token/create/${name}`, ["update"], pinned(["policies"], policyOf.get(name)!));
  }
  if (layer.bindings.token.length > 0) {
    add("auth/token/lookup-accessor", ["update"]);
    add("auth/token/revoke-accessor", ["update"]);
  }
  rules.push(...pkiRules(layer));
  rules.push(...peopleRules(layer));
  rules.push(...awsEngineRules(layer));
  rules.push(...transitRules(layer));
  if (layer.audit.enabled) {
    add("sys/audit", ["read", "sudo"]);
    add("sys/audit/file", ["create", "update", "sudo"]);
    if (layer.audit.socket) add("sys/audit/socket", ["create", "update", "sudo"]);
  }
  rules.push(...databaseRules(layer));
  return rules;
}

/**
 * A secrets engine's mount: enabled, read back and tuned (never with the tune parameters that leak
 * secrets). No delete: mounts are protected, and unmounting destroys their data or revokes their leases.
 */
export function secretsMountRules(path: string, mountParameters: Pick<ProvisionerRule, "allowedParameters"> = {}): ProvisionerRule[] {
  return [
    { path: `sys/mounts/${path}`, capabilities: ["create", "read", "update"], ...mountParameters },
    { path: `sys/mounts/${path}/tune`, capabilities: ["read", "update"], deniedParameters: LEAKY_TUNE_PARAMETERS },
  ];
}

/** An auth method's mount: enabling it needs sudo; the provider reads it back through sys/mounts/auth/<path>, which needs none. No delete: it is protected. */
export function authMountRules(path: string): ProvisionerRule[] {
  return [{ path: `sys/auth/${path}`, capabilities: ["create", "update", "sudo"] }, { path: `sys/mounts/auth/${path}`, capabilities: ["read"] }];
}

/** Every (capability, path) the provisioning token needs for `pulumi up` of these declarations. */
export function provisionerRequirements(layer: VaultLayerModel): AccessStatement[] {
  return provisionerRules(layer).flatMap(({ path, capabilities }) => capabilities.map((capability) => ({ capability, path })));
}

/** Policies the provisioner must never write, whatever a rule elsewhere says: its own (it would raise itself) and `default` (every token's). */
export const PROVISIONER_DENIED = [`sys/policies/acl/${PROVISIONER_POLICY}`, "sys/policies/acl/default"];

/** Every path the provisioner's policy denies for these declarations: the above, and its own login's user and auth method. */
export function provisionerDenied(layer: VaultLayerModel): string[] {
  return [...PROVISIONER_DENIED, ...loginDenied(layer)];
}

/** The policy text for a stack's declarations: the denies, then each rule on its named path. */
export function provisionerPolicyText(layer: VaultLayerModel, stack: string): string {
  return [
    `# The provisioning token's policy for the ${stack} stack, generated from Pulumi.${stack}.yaml and policies/:`,
    `# \`npm run provisioner-policy -- --stack ${stack} --write\`. Do not edit: regenerate, review the diff, and have`,
    "# an administrator write it to Vault (the provisioner cannot: see the denies).",
    "# Exactly what `pulumi up` of the Vault layer needs, each on a named path, with each role's policies and",
    "# each policy's text pinned. It can still issue the declared consumers' credentials, so whoever holds",
    "# this token can reach what those consumers reach: keep it short-lived and out of pull-request jobs.",
    ...provisionerDenied(layer).map((path) => ruleText({ path, capabilities: ["deny"] })),
    ...provisionerRules(layer).map(ruleText),
    "",
  ].join("\n");
}

/** The read-only planner's policy name in Vault: the token `pulumi preview` runs with in pull requests. */
export const PLANNER_POLICY = "planner";

/**
 * The planner's rules: read (and, where Vault wants it for a read, sudo) on exactly the paths the
 * provisioner manages, and the child token the provider makes at start-up (it can only carry the
 * planner's own read-only policy). Nothing it can write.
 */
export function plannerRules(layer: VaultLayerModel): ProvisionerRule[] {
  const readOnly = provisionerRules(layer)
    .filter((rule) => rule.capabilities.includes("read"))
    .map((rule) => ({ path: rule.path, capabilities: rule.capabilities.filter((capability) => capability === "read" || capability === "sudo") }));
  return [{ path: "auth/token/create", capabilities: ["update"] }, ...readOnly];
}

/** The planner's policy text for a stack. */
export function plannerPolicyText(layer: VaultLayerModel, stack: string): string {
  return [
    `# The read-only planner's policy for the ${stack} stack (pull-request previews), generated with the provisioner's:`,
    `# \`npm run provisioner-policy -- --stack ${stack} --write\`. Do not edit. Read on the paths the provisioner manages;`,
    "# auth/token/create only for the provider's child token, which can carry no more than this policy.",
    ...plannerRules(layer).map(ruleText),
    "",
  ].join("\n");
}

/** policies/provisioner/<stack>.hcl against the generated text: what to fix before the token is made from it. */
export function provisionerFileProblems(layer: VaultLayerModel, stack: string, dir?: string): string[] {
  const committed = readProvisionerFile(stack, dir);
  const fix = `write it with \`npm run provisioner-policy -- --stack ${stack} --write\``;
  const planner = readProvisionerFile(stack, dir === undefined ? undefined : path.join(dir, "..", PLANNER_POLICY), PLANNER_POLICY);
  const plannerProblems = planner?.text === plannerPolicyText(layer, stack) ? [] : [`provisioner: policies/${PLANNER_POLICY}/${stack}.hcl is ${planner === undefined ? "missing" : "stale"}; ${fix}`];
  if (committed === undefined) return [`provisioner: policies/provisioner/${stack}.hcl is missing; ${fix}`, ...plannerProblems];
  if (committed.text === provisionerPolicyText(layer, stack)) return plannerProblems;
  const coverage = provisionerCoverage(layer, parsePolicy(committed.text, committed.file));
  return [
    `provisioner: ${committed.file} is not what these declarations need; ${fix}, review the diff, and have an administrator write it to Vault`,
    ...coverage.missing.map((statement) => `provisioner: ${committed.file} does not allow "${statement.capability} ${statement.path}", which pulumi up needs`),
    ...coverage.beyond.map((extra) => `provisioner: ${committed.file} allows beyond what pulumi up needs: ${extra}`),
    ...plannerProblems,
  ];
}

export interface ProvisionerCoverage {
  required: AccessStatement[];
  /** Required statements the provisioner policy does not allow. */
  missing: AccessStatement[];
  /**
   * What the policy grants beyond the requirements ("source:line ..."): a capability no requirement uses,
   * or a rule wider than the named paths the requirements are on (a `*` or `+` reaches undeclared ones).
   */
  beyond: string[];
}

export function provisionerCoverage(layer: VaultLayerModel, provisioner: Policy): ProvisionerCoverage {
  const required = provisionerRequirements(layer);
  const acl = new Acl([provisioner, DEFAULT]);
  const missing = required.filter((statement) => !acl.allows(statement.capability, statement.path));
  const capabilitiesByPath = new Map<string, Set<Capability>>();
  for (const { capability, path } of required) capabilitiesByPath.set(path, (capabilitiesByPath.get(path) ?? new Set()).add(capability));
  const requiredPaths = new PathIndex(capabilitiesByPath);
  const beyond: string[] = [];
  for (const rule of provisioner.rules.filter(grants)) {
    if (rule.isPrefix || rule.hasSegmentWildcards) {
      beyond.push(`${provisioner.source}:${rule.line} ${rule.written}: wider than the named paths pulumi up needs`);
    }
    const single = ruleAcl(rule);
    const reached = [...requiredPaths.startingWith(staticPrefix(rule))];
    for (const capability of rule.capabilities) {
      const used = reached.some(([path, capabilities]) => capabilities.has(capability) && single.allows(capability, path));
      if (!used) beyond.push(`${provisioner.source}:${rule.line} ${capability} ${rule.written}`);
    }
  }
  return { required, missing, beyond };
}
