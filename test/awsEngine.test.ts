/**
 * The AWS secrets engine, offline: its declaration (defaults and one message per bad key), what the
 * program registers (mount, root configuration, roles; the nodes' IAM grants), the provider's calls the
 * stand-in makes for it, and the provisioner's rules on a real ACL evaluation.
 */
import { strict as assert } from "assert";
import { Acl, parsePolicy } from "../acl";
import { awsEngineRules } from "../access/rules/aws";
import { provisionerPolicyText } from "../access";
import { AWS_ENGINE_USER_ACTIONS, awsEnginePolicyDocument } from "../components/cluster/identity";
import { AWS_TYPES, VAULT_TYPES } from "../components/resourceTypes";
import { AwsEngineConfig, encodeConfig, parseConfig, VaultLayerModel } from "../config";
import { RESOURCE_CALLS } from "../local/provider/vaultCalls";
import { isSecretInput, runProgram, unwrapSecret } from "../offline/runtime";
import { checkInvalidCases } from "./config.test";
import { devWithVault, layerWith } from "./fixtures";
import { Config } from "./invalidConfigs";
import { ofType, onlyOfType } from "./programRun";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
const DEPLOY_ROLE = "arn:aws:iam::123456789012:role/deploy";

const engines = (config: Config) => config["vault-platform:engines"];
const awsRoles = (config: Config) => engines(config).aws.roles;

/** The dev stack with an engine that holds its own access key, an iam_user and an assumed_role role. */
function withAccessKey(config: Config): void {
  config["vault-platform:engines"] = {
    aws: {
      region: "eu-west-1",
      accessKey: { id: "AKIAVAULTROOTKEY0001", secretKeySecret: "awsRootSecretKey" },
      iamEndpoint: "http://127.0.0.1:4566",
      stsEndpoint: "http://127.0.0.1:4566",
      leaseTtl: "30m",
      roles: [
        { name: "reader", credentialType: "iam_user", policyArns: [READ_ONLY] },
        { name: "deployer", credentialType: "assumed_role", roleArns: [DEPLOY_ROLE], defaultStsTtl: "15m", maxStsTtl: "1h" },
      ],
    },
  };
  config["vault-platform:secrets"] = { awsRootSecretKey: "root-secret-key-value" };
}

const AWS_CASES = [
  { title: "an iam_user role without policy ARNs", mutate: (c: Config) => { awsRoles(c)[0].policyArns = []; }, message: /^vault-platform:engines\.aws\.roles\[0\]\.policyArns must name at least one policy ARN for an iam_user role/ },
  { title: "a policy ARN that is not one", mutate: (c: Config) => { awsRoles(c)[0].policyArns = ["AdministratorAccess"]; }, message: /^vault-platform:engines\.aws\.roles\[0\]\.policyArns\[0\] must be an IAM policy ARN/ },
  { title: "an STS TTL on an iam_user role", mutate: (c: Config) => { awsRoles(c)[0].defaultStsTtl = "1h"; }, message: /^vault-platform:engines\.aws\.roles\[0\]\.defaultStsTtl only applies to assumed_role/ },
  { title: "an STS default TTL beyond its maximum", mutate: (c: Config) => { awsRoles(c).push({ name: "deployer", credentialType: "assumed_role", roleArns: [DEPLOY_ROLE], defaultStsTtl: "2h", maxStsTtl: "1h" }); }, message: /^vault-platform:engines\.aws\.roles\[1\]\.defaultStsTtl must not be longer than maxStsTtl/ },
  { title: "a lease TTL beyond its maximum", mutate: (c: Config) => { engines(c).aws.leaseTtl = "48h"; }, message: /^vault-platform:engines\.aws\.leaseTtl must not be longer than maxLeaseTtl/ },
  { title: "an access key whose secret is not declared", mutate: (c: Config) => { engines(c).aws.accessKey = { id: "AKIAVAULTROOTKEY0001", secretKeySecret: "missing" }; }, message: /^vault-platform:engines\.aws\.accessKey\.secretKeySecret names "missing", which vault-platform:secrets does not hold; set it with/ },
];

describe("AWS engine: declaration", () => {
  it("fills in the defaults: the instance role (no access key), a 1h lease of at most 24h", () => {
    const aws = parseConfig(encodeConfig(devWithVault()), { env: {} }).vaultLayer.engines.aws!;
    assert.equal(aws.path, "aws");
    assert.equal(aws.accessKey, undefined);
    assert.equal(aws.leaseTtl, "1h");
    assert.equal(aws.maxLeaseTtl, "24h");
  });

  describe("one message per bad key", () => checkInvalidCases(AWS_CASES, devWithVault));
});

describe("AWS engine: what the program registers", () => {
  it("the dev stack: a protected mount that signs with the instance role, one iam_user role under /vault/", async () => {
    const run = await runProgram(encodeConfig(devWithVault()));
    const backend = onlyOfType(run, VAULT_TYPES.awsSecretBackend);
    assert.equal(backend.protect, true);
    assert.deepEqual(backend.inputs, {
      path: "aws", description: "AWS credentials on demand, managed by vault-platform", region: "eu-west-1", defaultLeaseTtlSeconds: 3600, maxLeaseTtlSeconds: 86400,
    });
    const role = onlyOfType(run, VAULT_TYPES.awsSecretBackendRole);
    assert.deepEqual(role.inputs, { backend: "aws", name: "artifacts-reader", credentialType: "iam_user", policyArns: [READ_ONLY], userPath: "/vault/" });
    assert.equal(role.protect, false);
    assert.ok(role.dependencies.includes(backend.urn), "each role waits for the mount and its root configuration");
  });

  it("with an access key: the secret key from vault-platform:secrets as a secret, the emulator's endpoints, STS TTLs in seconds", async () => {
    const config = devWithVault();
    withAccessKey(config);
    const run = await runProgram(encodeConfig(config));
    const backend = onlyOfType(run, VAULT_TYPES.awsSecretBackend).inputs;
    // The provider marks access_key sensitive too.
    assert.equal(unwrapSecret(backend.accessKey), "AKIAVAULTROOTKEY0001");
    assert.ok(isSecretInput(backend.secretKey), "the secret key goes to the engine as a secret");
    assert.equal(unwrapSecret(backend.secretKey), "root-secret-key-value");
    assert.equal(backend.iamEndpoint, "http://127.0.0.1:4566");
    assert.equal(backend.defaultLeaseTtlSeconds, 1800);
    const roles = Object.fromEntries(ofType(run, VAULT_TYPES.awsSecretBackendRole).map((role) => [role.inputs.name, role.inputs]));
    assert.deepEqual(roles.deployer, { backend: "aws", name: "deployer", credentialType: "assumed_role", roleArns: [DEPLOY_ROLE], defaultStsTtl: 900, maxStsTtl: 3600 });
    // Vault has a key of its own: the nodes' role gets no IAM power for the engine.
    assert.equal(ofType(run, AWS_TYPES.rolePolicy).filter((policy) => policy.name.endsWith("-aws-engine")).length, 0);
  });

  it("gives the nodes' role the engine's IAM calls, on users under /vault/ and the declared policies only", async () => {
    const run = await runProgram(encodeConfig(devWithVault()));
    const policy = ofType(run, AWS_TYPES.rolePolicy).find((registration) => registration.name.endsWith("-aws-engine"))!;
    const bySid = Object.fromEntries(JSON.parse(policy.inputs.policy).Statement.map((statement: any) => [statement.Sid, statement]));
    assert.deepEqual(Object.keys(bySid), ["VaultAwsEngineUsers", "VaultAwsEngineDeclaredPolicies"]);
    assert.equal(bySid.VaultAwsEngineUsers.Resource, "arn:aws:iam::123456789012:user/vault/*");
    assert.deepEqual(bySid.VaultAwsEngineUsers.Action, AWS_ENGINE_USER_ACTIONS);
    assert.ok(!AWS_ENGINE_USER_ACTIONS.includes("iam:AttachUserPolicy") && !AWS_ENGINE_USER_ACTIONS.includes("iam:PutUserPolicy"), "no unconditioned attach, no inline policy");
    assert.deepEqual(bySid.VaultAwsEngineDeclaredPolicies.Condition, { ArnEquals: { "iam:PolicyARN": [READ_ONLY] } });
  });

  it("lets the nodes assume only the declared roles", () => {
    const engine: AwsEngineConfig = {
      path: "aws", region: "eu-west-1", leaseTtl: "1h", maxLeaseTtl: "24h",
      roles: [{ name: "deployer", credentialType: "assumed_role", roleArns: [DEPLOY_ROLE], policyArns: [] }],
    };
    const document = JSON.parse(awsEnginePolicyDocument(engine, "arn:aws-us-gov:iam::210987654321:role/nodes"));
    assert.deepEqual(document.Statement, [{ Sid: "VaultAwsEngineDeclaredRoles", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: [DEPLOY_ROLE] }]);
  });

  it("registers no engine on the prod stack, which declares none", async () => {
    const prod = devWithVault();
    delete prod["vault-platform:engines"];
    const run = await runProgram(encodeConfig(prod));
    assert.equal(ofType(run, VAULT_TYPES.awsSecretBackend).length, 0);
    assert.equal(ofType(run, AWS_TYPES.rolePolicy).length, 1);
  });
});

describe("AWS engine: the provider's calls", () => {
  const backend = RESOURCE_CALLS[VAULT_TYPES.awsSecretBackend];
  const role = RESOURCE_CALLS[VAULT_TYPES.awsSecretBackendRole];
  const instanceRole = { path: "aws", description: "d", region: "eu-west-1", defaultLeaseTtlSeconds: 3600, maxLeaseTtlSeconds: 86400 };

  it("mounts, then writes config/root: access_key and secret_key always (empty for the instance role), endpoints only when set", () => {
    assert.deepEqual(backend.create(instanceRole), [
      {
        method: "POST", path: "sys/mounts/aws",
        body: {
          type: "aws", description: "d", config: { options: null, default_lease_ttl: "3600s", max_lease_ttl: "86400s", force_no_cache: false }, local: false,
          seal_wrap: false, external_entropy_access: false, options: null,
        },
      },
      { method: "PUT", path: "aws/config/root", body: { access_key: "", secret_key: "", region: "eu-west-1" } },
    ]);
    const withKey = backend.create({ ...instanceRole, accessKey: "AKIA1", secretKey: "s", iamEndpoint: "http://127.0.0.1:1" });
    assert.deepEqual(withKey[1].body, { access_key: "AKIA1", secret_key: "s", iam_endpoint: "http://127.0.0.1:1", region: "eu-west-1" });
    assert.deepEqual(backend.read(instanceRole, {}), [{ method: "GET", path: "sys/mounts/aws" }, { method: "GET", path: "aws/config/root" }]);
  });

  it("updates by tuning the mount for a TTL, by writing config/root again for a root field, never both for one of them", () => {
    const tableUpdate = backend.update as (i: object, previous: object, changed: string[]) => Array<{ method: string; path: string; body?: unknown }>;
    const update = (i: object, changed: string[]) => tableUpdate(i, i, changed);
    assert.deepEqual(update(instanceRole, ["defaultLeaseTtlSeconds"]).map((call) => `${call.method} ${call.path}`), ["POST sys/mounts/aws/tune"]);
    assert.deepEqual(update(instanceRole, ["defaultLeaseTtlSeconds"])[0].body, { options: null, default_lease_ttl: "3600s", max_lease_ttl: "86400s", force_no_cache: false, description: "d" });
    assert.deepEqual(update(instanceRole, ["iamEndpoint"]).map((call) => `${call.method} ${call.path}`), ["PUT aws/config/root"]);
    assert.deepEqual(backend.replaceOn, ["local"]);
    assert.deepEqual(backend.unmodelled, ["path"]);
    assert.deepEqual(backend.remove(instanceRole, {}), [{ method: "DELETE", path: "sys/mounts/aws" }]);
  });

  it("reads the root configuration back: a different access key or region fails the write", () => {
    const mount = { status: 200, body: { data: { type: "aws" } } };
    const root = (fields: object) => ({ status: 200, body: { data: fields } });
    assert.equal(backend.record!(instanceRole, [mount, root({ access_key: "", region: "eu-west-1" })] as never), undefined);
    assert.match(String(backend.record!(instanceRole, [mount, root({ access_key: "AKIAOTHER", region: "eu-west-1" })] as never)), /another access_key/);
    assert.match(String(backend.record!(instanceRole, [mount, root({ access_key: "", region: "us-east-1" })] as never)), /region is us-east-1/);
  });

  it("writes a role with credential_type, the set fields, and STS TTLs as strings for STS types only", () => {
    assert.deepEqual(role.create({ backend: "aws", name: "reader", credentialType: "iam_user", policyArns: [READ_ONLY], userPath: "/vault/" }), [{
      method: "PUT", path: "aws/roles/reader", body: { credential_type: "iam_user", policy_arns: [READ_ONLY], user_path: "/vault/" },
    }]);
    assert.deepEqual(role.create({ backend: "aws", name: "deployer", credentialType: "assumed_role", roleArns: [DEPLOY_ROLE], defaultStsTtl: 900, maxStsTtl: 3600 })[0].body, {
      credential_type: "assumed_role", role_arns: [DEPLOY_ROLE], default_sts_ttl: "900", max_sts_ttl: "3600",
    });
    assert.equal(role.id({ backend: "aws", name: "reader" }, {}), "aws/roles/reader");
    assert.deepEqual(role.replaceOn, ["name", "backend", "roleArns"]);
    assert.equal(role.update, "changed");
    assert.deepEqual(role.remove({ backend: "aws", name: "reader" }, {}), [{ method: "DELETE", path: "aws/roles/reader" }]);
    const answer = (fields: object) => [{ status: 200, body: { data: fields } }] as never;
    assert.match(String(role.record!({ credentialType: "iam_user", policyArns: [READ_ONLY] }, answer({ credential_type: "iam_user", policy_arns: [ADMIN] }))), /policy_arns read back/);
  });
});

describe("AWS engine: the provisioner's rules", () => {
  let layer: VaultLayerModel;
  let acl: Acl;
  const write = (path: string, data: Record<string, unknown>) => acl.allows("update", path, { data });
  before(() => {
    layer = layerWith(withAccessKey);
    acl = new Acl([parsePolicy(provisionerPolicyText(layer, "dev"), "provisioner")]);
  });

  it("allows exactly what the provider sends for the declarations", () => {
    const calls = [
      ...RESOURCE_CALLS[VAULT_TYPES.awsSecretBackend].create({
        path: "aws", region: "eu-west-1", accessKey: "AKIAVAULTROOTKEY0001", secretKey: "any", iamEndpoint: "http://127.0.0.1:4566", stsEndpoint: "http://127.0.0.1:4566",
        defaultLeaseTtlSeconds: 1800, maxLeaseTtlSeconds: 86400, description: "d",
      }),
      ...RESOURCE_CALLS[VAULT_TYPES.awsSecretBackendRole].create({ backend: "aws", name: "reader", credentialType: "iam_user", policyArns: [READ_ONLY], userPath: "/vault/" }),
      ...RESOURCE_CALLS[VAULT_TYPES.awsSecretBackendRole].create({ backend: "aws", name: "deployer", credentialType: "assumed_role", roleArns: [DEPLOY_ROLE], defaultStsTtl: 900, maxStsTtl: 3600 }),
    ];
    for (const call of calls) assert.ok(acl.allows(call.method === "POST" ? "create" : "update", call.path, { data: call.body }), `${call.method} ${call.path} ${JSON.stringify(call.body)}`);
  });

  it("refuses a role that would hand out more: AdministratorAccess, another role, an inline policy, groups, another path or type", () => {
    const reader = { credential_type: "iam_user", policy_arns: [READ_ONLY], user_path: "/vault/" };
    assert.ok(write("aws/roles/reader", reader));
    assert.ok(!write("aws/roles/reader", { ...reader, policy_arns: [READ_ONLY, ADMIN] }));
    assert.ok(!write("aws/roles/reader", { ...reader, policy_document: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' }));
    assert.ok(!write("aws/roles/reader", { ...reader, iam_groups: ["admins"] }));
    assert.ok(!write("aws/roles/reader", { ...reader, user_path: "/" }));
    assert.ok(!write("aws/roles/reader", { ...reader, credential_type: "federation_token" }));
    assert.ok(!write("aws/roles/deployer", { credential_type: "assumed_role", role_arns: ["arn:aws:iam::123456789012:role/admin"] }));
    assert.ok(!write("aws/roles/undeclared", reader), "only declared role names");
  });

  it("refuses to point Vault's IAM calls elsewhere or at another key, and never unmounts the engine", () => {
    const root = { access_key: "AKIAVAULTROOTKEY0001", secret_key: "x", region: "eu-west-1", iam_endpoint: "http://127.0.0.1:4566", sts_endpoint: "http://127.0.0.1:4566" };
    assert.ok(write("aws/config/root", root));
    assert.ok(!write("aws/config/root", { ...root, iam_endpoint: "https://attacker.example" }));
    assert.ok(!write("aws/config/root", { ...root, access_key: "AKIAOTHERACCOUNT0001" }));
    assert.ok(!write("aws/config/root", { ...root, username_template: "x" }));
    assert.ok(!acl.allows("delete", "sys/mounts/aws"));
    assert.ok(acl.allows("delete", "aws/roles/reader"), "roles are not protected: a removed role is deleted");
    assert.ok(!acl.allows("create", "sys/mounts/aws", { data: { type: "kv" } }), "the mount only as the aws engine");
  });

  it("has no rules without the engine, and does not pin an empty list (the provider sends none)", () => {
    assert.deepEqual(awsEngineRules(layerWith((config) => { delete config["vault-platform:engines"]; })), []);
    const deployer = awsEngineRules(layer).find((rule) => rule.path === "aws/roles/deployer")!;
    assert.deepEqual(deployer.allowedParameters, { credential_type: ["assumed_role"], role_arns: [DEPLOY_ROLE], default_sts_ttl: ["900"], max_sts_ttl: ["3600"] });
  });
});
