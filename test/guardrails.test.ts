import { strict as assert } from "assert";
import { evaluate, GuardedResource, RESOURCE_RULES, STACK_RULES } from "../guardrails/rules";
import { ProgramRun, Registration, runProgram, unwrapSecret } from "../offline/runtime";
import { stackConfig } from "../config";
import { devWithVault, encodeConfig } from "./fixtures";

/** The mocked registrations as the pack sees resources (secret markers unwrapped, provider by name). */
export function guardedResources(run: ProgramRun): GuardedResource[] {
  return run.registrations.filter((registration) => registration.custom).map((registration: Registration) => ({
    type: registration.type,
    name: registration.name,
    props: Object.fromEntries(Object.entries(registration.inputs).map(([key, value]) => [key, unwrapSecret(value)])),
    protect: registration.protect,
    providerName: registration.provider ? registration.provider.split("::")[3] : undefined,
  }));
}

const resource = (type: string, props: Record<string, any>, extra: Partial<GuardedResource> = {}): GuardedResource =>
  ({ type, name: "r", props, protect: false, providerName: "aws", ...extra });

const statementPolicy = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

/** A compliant and a violating resource for each rule. */
const FIXTURES: Record<string, [GuardedResource, GuardedResource, string?]> = {
  "kms-key-rotation": [resource("aws:kms/key:Key", { enableKeyRotation: true }), resource("aws:kms/key:Key", { enableKeyRotation: false })],
  "kms-key-deletion-window": [resource("aws:kms/key:Key", { deletionWindowInDays: 30 }), resource("aws:kms/key:Key", { deletionWindowInDays: 7 })],
  "kms-key-protected": [resource("aws:kms/key:Key", {}, { protect: true }), resource("aws:kms/key:Key", {})],
  "dynamodb-point-in-time-recovery": [resource("aws:dynamodb/table:Table", { pointInTimeRecovery: { enabled: true } }), resource("aws:dynamodb/table:Table", {})],
  "dynamodb-encryption": [resource("aws:dynamodb/table:Table", { serverSideEncryption: { enabled: true } }), resource("aws:dynamodb/table:Table", { serverSideEncryption: { enabled: false } })],
  "dynamodb-deletion-protection": [resource("aws:dynamodb/table:Table", { deletionProtectionEnabled: true }), resource("aws:dynamodb/table:Table", {})],
  "dynamodb-protected": [resource("aws:dynamodb/table:Table", {}, { protect: true }), resource("aws:dynamodb/table:Table", {})],
  "dynamodb-on-demand": [resource("aws:dynamodb/table:Table", { billingMode: "PAY_PER_REQUEST" }), resource("aws:dynamodb/table:Table", { billingMode: "PROVISIONED" })],
  "launch-template-imdsv2": [resource("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "required" } }), resource("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "optional" } })],
  "launch-template-encrypted-volumes": [resource("aws:ec2/launchTemplate:LaunchTemplate", { blockDeviceMappings: [{ ebs: { encrypted: "true" } }] }), resource("aws:ec2/launchTemplate:LaunchTemplate", { blockDeviceMappings: [{ ebs: { encrypted: "false" } }] })],
  "launch-template-no-public-ip": [resource("aws:ec2/launchTemplate:LaunchTemplate", { networkInterfaces: [{ associatePublicIpAddress: "false" }] }), resource("aws:ec2/launchTemplate:LaunchTemplate", { networkInterfaces: [{ associatePublicIpAddress: "true" }] })],
  "launch-template-no-ssh-key": [resource("aws:ec2/launchTemplate:LaunchTemplate", {}), resource("aws:ec2/launchTemplate:LaunchTemplate", { keyName: "ops" })],
  "load-balancer-internal": [resource("aws:lb/loadBalancer:LoadBalancer", { internal: true }), resource("aws:lb/loadBalancer:LoadBalancer", { internal: false })],
  "no-open-ingress": [resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv4: "10.0.0.0/8" }), resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv6: "::/0" })],
  "security-rules-described": [resource("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", { description: "why" }), resource("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", {})],
  "iam-no-wildcard-resource-on-data": [
    resource("aws:iam/rolePolicy:RolePolicy", { policy: statementPolicy({ Sid: "Kms", Effect: "Allow", Action: ["kms:Decrypt"], Resource: "arn:aws:kms:eu-west-1:1:key/x" }) }),
    resource("aws:iam/rolePolicy:RolePolicy", { policy: statementPolicy({ Sid: "Kms", Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*" }) }),
  ],
  "iam-no-wildcard-action": [
    resource("aws:iam/policy:Policy", { policy: statementPolicy({ Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" }) }),
    resource("aws:iam/policy:Policy", { policy: statementPolicy({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b" }) }),
  ],
  "asg-ec2-health-check": [resource("aws:autoscaling/group:Group", { healthCheckType: "EC2" }), resource("aws:autoscaling/group:Group", { healthCheckType: "ELB" })],
  "vault-consumer-policy-no-sudo": [
    resource("vault:index/policy:Policy", { name: "app", policy: 'path "kv/app/*" { capabilities = ["read"] }' }, { providerName: "vault" }),
    resource("vault:index/policy:Policy", { name: "app", policy: 'path "kv/app/*" { capabilities = ["read", "sudo"] }' }, { providerName: "vault" }),
  ],
  "approle-secret-id-bounded-in-prod": [
    resource("vault:appRole/authBackendRole:AuthBackendRole", { secretIdTtl: 86400 }, { providerName: "vault" }),
    resource("vault:appRole/authBackendRole:AuthBackendRole", { secretIdNumUses: 0 }, { providerName: "vault" }),
    "prod",
  ],
  "auth-role-tokens-bounded": [resource("vault:kubernetes/authBackendRole:AuthBackendRole", { tokenPeriod: 3600 }, { providerName: "vault" }), resource("vault:kubernetes/authBackendRole:AuthBackendRole", {}, { providerName: "vault" })],
  "vault-token-bounded": [resource("vault:index/token:Token", { ttl: "768h" }, { providerName: "vault" }), resource("vault:index/token:Token", {}, { providerName: "vault" })],
  "token-role-scoped": [resource("vault:tokenauth/authBackendRole:AuthBackendRole", { allowedPolicies: ["apisix"] }, { providerName: "vault" }), resource("vault:tokenauth/authBackendRole:AuthBackendRole", { allowedPolicies: ["root"] }, { providerName: "vault" })],
  "kubernetes-role-bound": [
    resource("vault:kubernetes/authBackendRole:AuthBackendRole", { boundServiceAccountNames: ["app"], boundServiceAccountNamespaces: ["default"] }, { providerName: "vault" }),
    resource("vault:kubernetes/authBackendRole:AuthBackendRole", { boundServiceAccountNames: ["*"], boundServiceAccountNamespaces: ["default"] }, { providerName: "vault" }),
  ],
  "vault-explicit-provider": [resource("vault:index/mount:Mount", {}, { providerName: "vault" }), resource("vault:index/mount:Mount", {}, { providerName: "default_7_8_0" })],
};

describe("guardrails: each rule", () => {
  it(`has at least 20 mandatory rules (${RESOURCE_RULES.length + STACK_RULES.length})`, () => {
    assert.ok(RESOURCE_RULES.length + STACK_RULES.length >= 20);
    for (const rule of [...RESOURCE_RULES, ...STACK_RULES]) assert.ok(rule.description.length > 20, `${rule.name} needs a rationale`);
  });

  for (const rule of RESOURCE_RULES) {
    it(`${rule.name}: passes a compliant resource and fails a violating one`, () => {
      const fixture = FIXTURES[rule.name];
      assert.ok(fixture, `no fixture for ${rule.name}`);
      const [good, bad, stack = "dev"] = fixture;
      assert.equal(rule.check(good, { stack }), undefined);
      assert.equal(typeof rule.check(bad, { stack }), "string");
    });
  }

  it("nodes-in-two-zones: fails a group in one subnet and subnets in one zone", () => {
    const [rule] = STACK_RULES;
    const subnets = (...zones: string[]) => zones.map((zone, index) => resource("aws:ec2/subnet:Subnet", { availabilityZone: zone }, { name: `net-private-${index}` }));
    assert.deepEqual(rule.check([resource("aws:autoscaling/group:Group", { vpcZoneIdentifiers: ["a", "b"] }), ...subnets("x-1a", "x-1b")], { stack: "dev" }), []);
    assert.equal(rule.check([resource("aws:autoscaling/group:Group", { vpcZoneIdentifiers: ["a"] }), ...subnets("x-1a", "x-1a")], { stack: "dev" }).length, 2);
  });

  it("vault-audit-enabled: fails a Vault layer without an audit device", () => {
    const rule = STACK_RULES[1];
    const mount = resource("vault:index/mount:Mount", {}, { providerName: "vault" });
    assert.deepEqual(rule.check([mount, resource("vault:index/audit:Audit", {}, { providerName: "vault" })], { stack: "dev" }), []);
    assert.equal(rule.check([mount], { stack: "dev" }).length, 1);
  });
});

describe("guardrails: the whole pack on the mocked stacks", () => {
  it("passes every resource of the dev stack with the Vault layer on", async () => {
    assert.deepEqual(evaluate(guardedResources(await runProgram(encodeConfig(devWithVault()))), { stack: "dev" }), []);
  });

  it("passes every resource of the prod stack", async () => {
    const run = await runProgram(stackConfig("prod"), "prod");
    assert.ok(run.registrations.length > 50);
    assert.deepEqual(evaluate(guardedResources(run), { stack: "prod" }), []);
  });

  it("fails a deliberately broken config with the rule's name", async () => {
    const config = devWithVault();
    config["vault-platform:cluster"].allowedCidrs = ["0.0.0.0/0"];
    config["vault-platform:cluster"].allowAnyCidr = true;
    const violations = evaluate(guardedResources(await runProgram(encodeConfig(config))), { stack: "prod" });
    assert.deepEqual(violations, [
      "no-open-ingress: vault-firewall-lb-api-0-0-0-0-0: ingress from 0.0.0.0/0 is not allowed",
      "approle-secret-id-bounded-in-prod: vault-config-approle-kes: set secretIdTtl or secretIdNumUses for production stacks",
    ]);
  });
});
