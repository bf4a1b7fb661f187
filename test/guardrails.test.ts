import { strict as assert } from "assert";
import * as fs from "fs";
import { evaluate, GuardedResource, RESOURCE_RULES, STACK_RULES } from "../guardrails/rules";
import { ProgramRun, Registration, runProgram, unwrapSecret } from "../offline/runtime";
import { stackConfig } from "../config";
import { devWithVault, encodeConfig } from "./fixtures";
import { AWS_TYPES, VAULT_TYPES } from "../components/resourceTypes";
import { consumer } from "./invalidConfigs";

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

const stackRule = (name: string) => STACK_RULES.find((rule) => rule.name === name)!;

const statementPolicy = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

/** A compliant and a violating resource for each rule. */
const FIXTURES: Record<string, [GuardedResource, GuardedResource, string?]> = {
  "kms-key-rotation": [resource(AWS_TYPES.kmsKey, { enableKeyRotation: true }), resource(AWS_TYPES.kmsKey, { enableKeyRotation: false })],
  "kms-key-deletion-window": [resource(AWS_TYPES.kmsKey, { deletionWindowInDays: 30 }), resource(AWS_TYPES.kmsKey, { deletionWindowInDays: 7 })],
  "kms-key-protected": [resource(AWS_TYPES.kmsKey, {}, { protect: true }), resource(AWS_TYPES.kmsKey, {})],
  "dynamodb-point-in-time-recovery": [resource(AWS_TYPES.table, { pointInTimeRecovery: { enabled: true } }), resource(AWS_TYPES.table, {})],
  "dynamodb-encryption": [resource(AWS_TYPES.table, { serverSideEncryption: { enabled: true } }), resource(AWS_TYPES.table, { serverSideEncryption: { enabled: false } })],
  "dynamodb-deletion-protection": [resource(AWS_TYPES.table, { deletionProtectionEnabled: true }), resource(AWS_TYPES.table, {})],
  "dynamodb-protected": [resource(AWS_TYPES.table, {}, { protect: true }), resource(AWS_TYPES.table, {})],
  "dynamodb-on-demand": [resource(AWS_TYPES.table, { billingMode: "PAY_PER_REQUEST" }), resource(AWS_TYPES.table, { billingMode: "PROVISIONED" })],
  "backup-vault-protected": [resource(AWS_TYPES.backupVault, { forceDestroy: false }, { protect: true }), resource(AWS_TYPES.backupVault, {})],
  "launch-template-imdsv2": [resource(AWS_TYPES.launchTemplate, { metadataOptions: { httpTokens: "required" } }), resource(AWS_TYPES.launchTemplate, { metadataOptions: { httpTokens: "optional" } })],
  "launch-template-encrypted-volumes": [resource(AWS_TYPES.launchTemplate, { blockDeviceMappings: [{ ebs: { encrypted: "true" } }] }), resource(AWS_TYPES.launchTemplate, { blockDeviceMappings: [{ ebs: { encrypted: "false" } }] })],
  "launch-template-no-public-ip": [resource(AWS_TYPES.launchTemplate, { networkInterfaces: [{ associatePublicIpAddress: "false" }] }), resource(AWS_TYPES.launchTemplate, { networkInterfaces: [{ associatePublicIpAddress: "true" }] })],
  "launch-template-no-ssh-key": [resource(AWS_TYPES.launchTemplate, {}), resource(AWS_TYPES.launchTemplate, { keyName: "ops" })],
  "load-balancer-internal": [resource(AWS_TYPES.loadBalancer, { internal: true }), resource(AWS_TYPES.loadBalancer, { internal: false })],
  "no-open-ingress": [resource(AWS_TYPES.ingressRule, { cidrIpv4: "10.0.0.0/8" }), resource(AWS_TYPES.ingressRule, { cidrIpv6: "::/0" })],
  "security-rules-described": [resource(AWS_TYPES.egressRule, { description: "why" }), resource(AWS_TYPES.egressRule, {})],
  "iam-no-wildcard-resource-on-data": [
    resource(AWS_TYPES.rolePolicy, { policy: statementPolicy({ Sid: "Kms", Effect: "Allow", Action: ["kms:Decrypt"], Resource: "arn:aws:kms:eu-west-1:1:key/x" }) }),
    resource(AWS_TYPES.rolePolicy, { policy: statementPolicy({ Sid: "Kms", Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*" }) }),
  ],
  "iam-no-wildcard-action": [
    resource(AWS_TYPES.iamPolicy, { policy: statementPolicy({ Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" }) }),
    resource(AWS_TYPES.iamPolicy, { policy: statementPolicy({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b" }) }),
  ],
  "secret-readers-restricted": [
    resource(AWS_TYPES.secretPolicy, { blockPublicPolicy: true, policy: statementPolicy({ Effect: "Deny", Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::1:role/node"] } } }) }),
    resource(AWS_TYPES.secretPolicy, { blockPublicPolicy: true, policy: statementPolicy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:role/node" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }) }),
  ],
  "asg-ec2-health-check": [resource(AWS_TYPES.autoScalingGroup, { healthCheckType: "EC2" }), resource(AWS_TYPES.autoScalingGroup, { healthCheckType: "ELB" })],
  "vault-consumer-policy-no-sudo": [
    resource(VAULT_TYPES.policy, { name: "app", policy: 'path "kv/app/*" { capabilities = ["read"] }' }, { providerName: "vault" }),
    resource(VAULT_TYPES.policy, { name: "app", policy: 'path "kv/app/*" { capabilities = ["read", "sudo"] }' }, { providerName: "vault" }),
  ],
  "approle-secret-id-bounded": [
    resource(VAULT_TYPES.approleRole, { secretIdTtl: 30 * 86400 }, { providerName: "vault" }),
    resource(VAULT_TYPES.approleRole, { secretIdTtl: 31 * 86400 }, { providerName: "vault" }),
    "prod",
  ],
  "auth-role-tokens-bounded": [resource(VAULT_TYPES.kubernetesRole, { tokenPeriod: 3600 }, { providerName: "vault" }), resource(VAULT_TYPES.kubernetesRole, {}, { providerName: "vault" })],
  "vault-token-bounded": [resource(VAULT_TYPES.token, { ttl: "768h" }, { providerName: "vault" }), resource(VAULT_TYPES.token, {}, { providerName: "vault" })],
  "token-role-scoped": [resource(VAULT_TYPES.tokenRole, { allowedPolicies: ["apisix"] }, { providerName: "vault" }), resource(VAULT_TYPES.tokenRole, { allowedPolicies: ["root"] }, { providerName: "vault" })],
  "kubernetes-role-bound": [
    resource(VAULT_TYPES.kubernetesRole, { boundServiceAccountNames: ["app"], boundServiceAccountNamespaces: ["default"] }, { providerName: "vault" }),
    resource(VAULT_TYPES.kubernetesRole, { boundServiceAccountNames: ["*"], boundServiceAccountNamespaces: ["default"] }, { providerName: "vault" }),
  ],
  "vault-explicit-provider": [resource(VAULT_TYPES.mount, {}, { providerName: "vault" }), resource(VAULT_TYPES.mount, {}, { providerName: "default_7_8_0" })],
  "transit-key-kept": [
    resource(VAULT_TYPES.transitKey, { deletionAllowed: false, exportable: false, allowPlaintextBackup: false }, { providerName: "vault", protect: true }),
    resource(VAULT_TYPES.transitKey, { deletionAllowed: false, exportable: true }, { providerName: "vault", protect: true }),
  ],
  "pki-ca-key-internal": [
    resource(VAULT_TYPES.pkiRootCert, { type: "internal" }, { providerName: "vault" }),
    resource(VAULT_TYPES.pkiIntermediateCertRequest, { type: "exported" }, { providerName: "vault" }),
  ],
};

describe("guardrails: each rule", () => {
  it(`has at least 20 mandatory rules (${RESOURCE_RULES.length + STACK_RULES.length})`, () => {
    assert.ok(RESOURCE_RULES.length + STACK_RULES.length >= 20);
    const stated = /CrossGuard policy pack \(`PulumiPolicy\.yaml`, own `package\.json`\) with (\d+)\s+mandatory rules/.exec(fs.readFileSync("README.md", "utf8"));
    assert.equal(Number(stated?.[1]), RESOURCE_RULES.length + STACK_RULES.length, "the README's count of rules");
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
    const rule = stackRule("nodes-in-two-zones");
    const subnets = (...zones: string[]) => zones.map((zone, index) => resource(AWS_TYPES.subnet, { availabilityZone: zone }, { name: `net-private-${index}` }));
    assert.deepEqual(rule.check([resource(AWS_TYPES.autoScalingGroup, { vpcZoneIdentifiers: ["a", "b"] }), ...subnets("x-1a", "x-1b")], { stack: "dev" }), []);
    assert.equal(rule.check([resource(AWS_TYPES.autoScalingGroup, { vpcZoneIdentifiers: ["a"] }), ...subnets("x-1a", "x-1a")], { stack: "dev" }).length, 2);
  });

  it("secrets-have-reader-policy: fails a secret without a resource policy", () => {
    const rule = stackRule("secrets-have-reader-policy");
    const secret = resource(AWS_TYPES.secret, {});
    assert.deepEqual(rule.check([secret, resource(AWS_TYPES.secretPolicy, { blockPublicPolicy: true })], { stack: "dev" }), []);
    assert.deepEqual(rule.check([secret], { stack: "dev" }), ["1 secret(s) but 0 aws:secretsmanager/secretPolicy:SecretPolicy"]);
  });

  it("backup-vault-protected: fails a protected vault that AWS may empty on delete", () => {
    const rule = RESOURCE_RULES.find((candidate) => candidate.name === "backup-vault-protected")!;
    assert.match(rule.check(resource(AWS_TYPES.backupVault, { forceDestroy: true }, { protect: true }), { stack: "dev" }) ?? "", /forceDestroy/);
  });

  it("storage-table-backed-up: fails a table without a backup selection on a plan", () => {
    const rule = stackRule("storage-table-backed-up");
    const table = resource(AWS_TYPES.table, {});
    const plan = resource(AWS_TYPES.backupPlan, {});
    assert.deepEqual(rule.check([table, plan, resource(AWS_TYPES.backupSelection, { resources: ["arn:aws:dynamodb:eu-west-1:1:table/t"] })], { stack: "dev" }), []);
    assert.equal(rule.check([table, plan], { stack: "dev" }).length, 1);
    assert.equal(rule.check([table, resource(AWS_TYPES.backupSelection, { resources: ["arn:t"] })], { stack: "dev" }).length, 1);
    assert.deepEqual(rule.check([plan], { stack: "dev" }), [], "no table, nothing to back up");
  });

  it("transit-key-kept: fails a deletable key, a plaintext backup and an unprotected key", () => {
    const rule = RESOURCE_RULES.find((candidate) => candidate.name === "transit-key-kept")!;
    const kept = { deletionAllowed: false, exportable: false, allowPlaintextBackup: false };
    assert.equal(rule.check(resource(VAULT_TYPES.transitKey, { ...kept, deletionAllowed: true }, { protect: true }), { stack: "dev" }), "deletionAllowed must not be true");
    assert.equal(rule.check(resource(VAULT_TYPES.transitKey, { ...kept, allowPlaintextBackup: "true" }, { protect: true }), { stack: "dev" }), "allowPlaintextBackup must not be true");
    assert.equal(rule.check(resource(VAULT_TYPES.transitKey, kept), { stack: "dev" }), "the transit key must have protect: true");
  });

  it("database-root-rotated: fails a production connection whose root password is never rotated, and leaves other stacks alone", () => {
    const connection = resource(VAULT_TYPES.databaseConnection, { name: "orders" }, { name: "db-orders", providerName: "vault" });
    const rotation = resource(VAULT_TYPES.genericEndpoint, { path: "database/rotate-root/orders" }, { providerName: "vault" });
    const otherRotation = resource(VAULT_TYPES.genericEndpoint, { path: "database/rotate-root/billing" }, { providerName: "vault" });
    const rule = stackRule("database-root-rotated");
    assert.deepEqual(rule.check([connection, rotation], { stack: "prod" }), []);
    assert.deepEqual(rule.check([connection, otherRotation], { stack: "prod" }), ["db-orders: no rotate-root write for connection orders (rotateRoot: false)"]);
    assert.deepEqual(rule.check([connection], { stack: "dev" }), []);
  });

  it("vault-audit-enabled: fails a Vault layer without an audit device", () => {
    const rule = stackRule("vault-audit-enabled");
    const mount = resource(VAULT_TYPES.mount, {}, { providerName: "vault" });
    assert.deepEqual(rule.check([mount, resource(VAULT_TYPES.audit, {}, { providerName: "vault" })], { stack: "dev" }), []);
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
    consumer(config, "kes").approle.secretIdTtl = "0";
    const violations = evaluate(guardedResources(await runProgram(encodeConfig(config))), { stack: "prod" });
    assert.deepEqual(violations, [
      "no-open-ingress: vault-firewall-lb-api-0-0-0-0-0: ingress from 0.0.0.0/0 is not allowed",
      "approle-secret-id-bounded: vault-config-approle-kes: set secretIdTtl: a SecretID without one never expires",
    ]);
  });

  it("bounds SecretIDs on every stack: the 30-day default passes, 91 days fails in dev, 31 days in prod", async () => {
    const withTtl = async (ttl: string | undefined, stack: string) => {
      const config = devWithVault();
      const kes = consumer(config, "kes");
      if (ttl === undefined) delete kes.approle.secretIdTtl;
      else kes.approle.secretIdTtl = ttl;
      return evaluate(guardedResources(await runProgram(encodeConfig(config))), { stack }).filter((violation) => violation.startsWith("approle-secret-id-bounded"));
    };
    assert.deepEqual(await withTtl(undefined, "prod"), []);
    assert.deepEqual(await withTtl("2160h", "dev"), []);
    assert.match((await withTtl("2184h", "dev")).join(), /secretIdTtl 7862400 s is longer than 90 days$/);
    assert.match((await withTtl("744h", "prod")).join(), /secretIdTtl 2678400 s is longer than 30 days \(production\)$/);
  });
});
