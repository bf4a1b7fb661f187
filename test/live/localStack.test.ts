/**
 * The local stack as `npm start` brings it up (local/localStack.ts), through the real Pulumi engine: the
 * CLI built from its Go module runs the program inline, with the Vault provider stand-in plugin
 * (local/provider/) calling a real Vault server, logged in as the provisioner's userpass user
 * (Pulumi.local.yaml's vault.login), whose tokens hold only the generated provisioner policy. Then the consumers' own flows against that server, every `expect` statement through
 * `sys/capabilities`, the audit log; and the stack's life through the engine: preview and refresh find
 * no changes, refresh finds drift and up repairs it, consumers added, changed and removed, a token
 * replaced, the guardrails pack run by the CLI, protected resources refused, a tenant stack destroyed.
 *
 * The suite declares its own consumers and mounts (the committed Pulumi.local.yaml is the user's to edit).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import { Acl, parsePolicy } from "../../acl";
import { DEFAULT_POLICY } from "../../acl/defaultPolicy";
import { PLANNER_POLICY, provisionerPolicyText } from "../../access";
import { ConfigKey, PROJECT, readProvisionerFile } from "../../config";
import { engineEnv, engineLayout, GUARDRAILS_PACK, stateFile, TOKEN_KEY } from "../../local/engine";
import { LOCAL_STACK, localDown, localEngineStack, LocalUp, localUp } from "../../local/localStack";
import { LocalLayout } from "../../local/localServers";
import { MadeCall } from "../../local/provider/standIn";
import { generatedTenants } from "../../scripts/generatedTenants";
import { toolPath } from "../../scripts/liveTools";
import { localStackRun } from "./localStackRun";
import { waitFor } from "./processes";
import { jsonRequest } from "../../local/jsonHttp";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";

const PASSPHRASE = "live-test-passphrase";
const TENANTS = 100;

/** The suite's own declarations: a gateway with a scoped token, a KMS with an AppRole, a microservice with Kubernetes auth. */
const MOUNTS = [
  { path: "kv", version: 1, description: "Gateway and KMS secrets (APISIX, MinIO KES)" },
  { path: "secret", version: 2, description: "Application secrets", maxVersions: 10 },
];
const CONSUMERS = [
  {
    name: "apisix", policy: "apisix", token: { ttl: "768h", renewable: true }, client: { kind: "apisix", mount: "kv" },
    expect: {
      allow: ["read kv/apisix/consumer/jack/jwt-auth"],
      deny: ["update kv/apisix/consumer/jack/jwt-auth", "create kv/apisix/consumer/jack/jwt-auth", "read kv/kes/key-1", "list kv/apisix/consumer/"],
    },
  },
  {
    name: "kes", policy: "kes", approle: { tokenPeriod: "5m", tokenNumUses: 0, secretIdNumUses: 0 }, client: { kind: "kes", mount: "kv" },
    expect: {
      allow: ["create kv/kes/key-1", "read kv/kes/key-1", "delete kv/kes/key-1"],
      deny: ["update kv/kes/key-1", "list kv/kes/", "read kv/apisix/consumer/jack/jwt-auth", "read kv/other/key-1"],
    },
  },
  {
    name: "my-app", policy: "my-app", kubernetes: { namespace: "default", serviceAccount: "my-app-account", tokenPeriod: "1h" },
    expect: {
      allow: ["read secret/data/my-app/config", "list secret/metadata/my-app/"],
      deny: ["update secret/data/my-app/config", "read secret/data/other/config", "read kv/apisix/consumer/jack/jwt-auth", "read kv/kes/key-1"],
    },
  },
];

/** The capability a call needs on its path (PUT and POST are create or update, as Vault decides). */
function neededCapabilities(call: MadeCall): string[] {
  return call.method === "GET" ? ["read"] : call.method === "DELETE" ? ["delete"] : ["create", "update"];
}

/** The audit device writes to Vault's stdout (`audit.path: stdout`), after Vault's banner. */
function auditEntries(layout: LocalLayout): any[] {
  return fs.readFileSync(layout.vault.stdout, "utf8").split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

/** What a run changed, as `<op> <name>`: every step but "same". */
const changes = (result: LocalUp) => result.steps.filter((step) => step.op !== "same").map((step) => `${step.op} ${step.name}`);

/** Each resource's calls in order, keyed `<name> (<type>)`: the engine runs independent resources in parallel. */
function callsByResource(calls: MadeCall[]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const call of calls) (grouped[`${call.resource} (${call.type.split(":").pop()})`] ??= []).push(`${call.phase} ${call.method} ${call.path} ${call.status}`);
  return grouped;
}

describe("live: the local stack (npm start) through the Pulumi engine, and the consumers using it", function () {
  let root: string;
  let layout: LocalLayout;
  let overrides: Partial<Record<ConfigKey, unknown>>;
  let up: LocalUp;
  let kesToken: string | undefined;
  let myAppToken: string | undefined;
  const observed: Record<string, string> = {};
  const endpoint = () => up.servers.vault.endpoint;
  const asRoot = () => ({ token: up.servers.vault.rootToken });
  const output = (name: string) => up.outputs[name]?.value as Record<string, any>;
  const start = (extra: Partial<Record<ConfigKey, unknown>> = {}) => localUp({ root, passphrase: PASSPHRASE, overrides: { ...overrides, ...extra } });
  /** The engine's CLI on this run's stack, as a user would type it. */
  const cli = (args: string[], stack = LOCAL_STACK) => spawnSync(pulumiBinary, [...args, "--stack", stack, "--non-interactive"], {
    cwd: engineLayout(root).projectDir, env: { ...process.env, ...engineEnv(engineLayout(root), PASSPHRASE) }, encoding: "utf8", timeout: 60_000,
  });
  let pulumiBinary: string;

  before(async function () {
    this.timeout(300_000);
    pulumiBinary = await toolPath("pulumi");
    const run = await localStackRun("local-stack");
    ({ root, layout } = run);
    // Never the user's own .local/ or ports: this run's folder and free ports, with the stack's files moved along.
    overrides = { ...run.overrides, mounts: MOUNTS, consumers: CONSUMERS };
    up = await start();
    observed.firstStart = `${up.seconds.toFixed(1)} s (servers started, ${up.steps.length} resources created through the engine)`;
  });

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    console.log(`local stack: ${Object.entries(observed).map(([key, value]) => `${key}: ${value}`).join("; ") || "nothing measured"}`);
  });

  describe("pulumi up as the provisioner, logged in with its userpass user", () => {
    it("created every resource the program registers, the vault: ones of every kind", () => {
      assert.deepEqual(changes(up).filter((step) => !step.startsWith("create ")), []);
      assert.deepEqual([...new Set(up.steps.filter((step) => step.type.startsWith("vault:")).map((step) => step.type))].sort(), [
        "vault:appRole/authBackendRole:AuthBackendRole",
        "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId",
        "vault:index/audit:Audit",
        "vault:index/authBackend:AuthBackend",
        "vault:index/mount:Mount",
        "vault:index/policy:Policy",
        "vault:index/token:Token",
        "vault:kubernetes/authBackendConfig:AuthBackendConfig",
        "vault:kubernetes/authBackendRole:AuthBackendRole",
        "vault:kv/secretBackendV2:SecretBackendV2",
        "vault:tokenauth/authBackendRole:AuthBackendRole",
      ]);
      assert.equal(up.steps.filter((step) => step.type.startsWith("vault:")).length, 15);
    });

    it("made each resource's create calls and read-back through the stand-in, as terraform-provider-vault does", () => {
      assert.deepEqual(callsByResource(up.calls), {
        // vault.login: the provider logs in as the provisioner's userpass user, then makes its child token from that login.
        "provider (vault)": [
          "configure PUT auth/userpass/login/pulumi-provisioner 200", "configure GET auth/token/lookup-self 200", "configure POST auth/token/create 200", "configure GET sys/seal-status 200",
        ],
        "vault-config-policies-apisix (Policy)": ["create PUT sys/policies/acl/apisix 204", "read GET sys/policies/acl/apisix 200"],
        "vault-config-policies-kes-kes (Policy)": ["create PUT sys/policies/acl/kes-kes 204", "read GET sys/policies/acl/kes-kes 200"],
        "vault-config-policies-my-app (Policy)": ["create PUT sys/policies/acl/my-app 204", "read GET sys/policies/acl/my-app 200"],
        "vault-config-approle-auth (AuthBackend)": ["create POST sys/auth/approle 204", "read GET sys/mounts/auth/approle 200"],
        "vault-config-kubernetes-auth (AuthBackend)": ["create POST sys/auth/kubernetes 204", "read GET sys/mounts/auth/kubernetes 200"],
        "vault-config-mounts-kv (Mount)": ["create POST sys/mounts/kv 204", "read GET sys/mounts/kv 200"],
        "vault-config-mounts-secret (Mount)": ["create POST sys/mounts/secret 204", "read GET sys/mounts/secret 200"],
        "vault-config-audit-file (Audit)": ["create PUT sys/audit/file 204", "read GET sys/audit 200"],
        "vault-config-mounts-secret-config (SecretBackendV2)": ["create PUT secret/config 204", "read GET secret/config 200"],
        "vault-config-tokens-apisix (AuthBackendRole)": ["create PUT auth/token/roles/apisix 204", "read GET auth/token/roles/apisix 200"],
        "vault-config-kubernetes-config (AuthBackendConfig)": ["create PUT auth/kubernetes/config 204", "read GET auth/kubernetes/config 200"],
        "vault-config-approle-kes (AuthBackendRole)": ["create PUT auth/approle/role/kes 204", "read GET auth/approle/role/kes 200", "read GET auth/approle/role/kes/role-id 200"],
        "vault-config-kubernetes-my-app (AuthBackendRole)": ["create PUT auth/kubernetes/role/my-app 204", "read GET auth/kubernetes/role/my-app 200"],
        "vault-config-tokens-apisix (Token)": ["create POST auth/token/create/apisix 200", "read POST auth/token/lookup-accessor 200"],
        "vault-config-approle-kes (AuthBackendRoleSecretId)": ["create PUT auth/approle/role/kes/secret-id 200", "read PUT auth/approle/role/kes/secret-id-accessor/lookup 200"],
      });
      assert.equal(up.calls[0].phase, "configure", "the provider is configured before any resource call");
    });

    it("ran with the provisioner policy generated from the declarations", async () => {
      const written = (await vaultCall(endpoint(), "GET", "sys/policies/acl/provisioner", asRoot())).data.policy;
      assert.equal(written, provisionerPolicyText(up.config.vaultLayer, LOCAL_STACK));
    });

    it("needed nothing the provisioner policy does not grant, and left only its deny, tune, destroy and revoke rules unused (updates and deletes use those)", async () => {
      // Vault's own answer for a token with exactly the provisioner policy on every path a call used.
      const provisionerToken = (await vaultCall(endpoint(), "POST", "auth/token/create-orphan", { ...asRoot(), body: { policies: ["provisioner"], ttl: "10m" } })).auth.client_token;
      const paths = [...new Set(up.calls.map((call) => call.path))];
      const answer = await vaultCall(endpoint(), "POST", "sys/capabilities", { ...asRoot(), body: { token: provisionerToken, paths } });
      const refused = up.calls.filter((call) => !neededCapabilities(call).some((capability) => (answer.data[call.path] ?? []).includes(capability)))
        .map((call) => `${call.method} ${call.path}`);
      // The login and seal-status need no token; lookup-self is in Vault's default policy.
      assert.deepEqual(refused, ["PUT auth/userpass/login/pulumi-provisioner", "GET sys/seal-status"]);
      // Which rules decided those calls (the offline evaluator, which agrees with Vault: test/live/acl.test.ts).
      const provisioner = parsePolicy(provisionerPolicyText(up.config.vaultLayer, LOCAL_STACK), "provisioner");
      const acl = new Acl([provisioner, parsePolicy(DEFAULT_POLICY, "default")]);
      const used = new Set(up.calls.flatMap((call) => acl.winningRule(call.path)?.origins ?? []));
      const unused = provisioner.rules.filter((rule) => !used.has(`provisioner:${rule.line}`)).map((rule) => rule.written);
      assert.deepEqual(unused, [
        "sys/policies/acl/provisioner",
        "sys/policies/acl/default",
        "auth/userpass/users/pulumi-provisioner",
        "auth/userpass/users/pulumi-provisioner/password",
        "auth/userpass/users/pulumi-provisioner/policies",
        "sys/auth/userpass",
        "sys/auth/userpass/tune",
        "sys/mounts/auth/userpass/tune",
        "sys/mounts/kv/tune",
        "sys/mounts/secret/tune",
        "auth/approle/role/kes/secret-id-accessor/destroy",
        "auth/token/revoke-accessor",
      ]);
    });

    it("logged in as the provisioner's user, holds exactly the generated policy, with the configured short TTL", async () => {
      const login = await vaultCall(endpoint(), "POST", "auth/userpass/login/pulumi-provisioner", { body: { password: fs.readFileSync(layout.vault.provisionerPasswordFile, "utf8") } });
      assert.deepEqual([...login.auth.policies].sort(), ["default", "provisioner"]);
      assert.equal(login.auth.lease_duration, up.config.vault.providerTokenTtlSeconds);
      assert.equal(fs.statSync(layout.vault.provisionerPasswordFile).mode & 0o777, 0o600);
      const user = (await vaultCall(endpoint(), "GET", "auth/userpass/users/pulumi-provisioner", asRoot())).data;
      assert.deepEqual([user.token_policies, user.token_ttl, user.token_max_ttl], [["provisioner"], 1200, 1200]);
      assert.equal((await vaultRequest(endpoint(), "POST", "auth/userpass/login/pulumi-provisioner", { body: { password: "not-the-password" } })).status, 400);
    });

    it("cannot make itself an administrator: Vault answers 403, to its logged-in token, on its own policy, default, its own login, anything undeclared, and a declared role or policy given another value", async () => {
      const password = fs.readFileSync(layout.vault.provisionerPasswordFile, "utf8");
      const token = { token: (await vaultCall(endpoint(), "POST", "auth/userpass/login/pulumi-provisioner", { body: { password } })).auth.client_token };
      const wide = 'path "*" {\n  capabilities = ["create", "read", "update", "delete", "list", "sudo"]\n}\n';
      const attempts: Array<[string, string, Record<string, unknown> | undefined]> = [
        ["PUT", "sys/policies/acl/provisioner", { policy: wide }],
        ["PUT", "sys/policies/acl/default", { policy: wide }],
        ["PUT", "sys/policies/acl/admin", { policy: wide }],
        ["PUT", "sys/policies/acl/apisix", { policy: wide }],
        ["PUT", "auth/approle/role/admin", { token_policies: ["provisioner"] }],
        ["PUT", "auth/approle/role/kes", { token_policies: ["kes-kes", "provisioner"] }],
        ["PUT", "auth/approle/role/kes", { policies: "provisioner" }],
        ["PUT", "auth/kubernetes/role/my-app", { token_policies: ["provisioner"] }],
        ["PUT", "auth/token/roles/apisix", { allowed_policies: ["apisix", "provisioner"] }],
        ["PUT", "auth/token/roles/apisix", { allowed_policies_glob: ["*"] }],
        ["POST", "auth/token/create/apisix", { policies: ["provisioner"] }],
        ["POST", "sys/mounts/transit", { type: "transit" }],
        ["POST", "sys/mounts/kv/tune", { audit_non_hmac_response_keys: ["key"] }],
        ["DELETE", "sys/mounts/kv", undefined],
        ["DELETE", "sys/audit/file", undefined],
        ["DELETE", "sys/auth/approle", undefined],
        ["POST", "auth/userpass/users/pulumi-provisioner", { password, token_policies: ["provisioner", "root"] }],
        ["POST", "auth/userpass/users/pulumi-provisioner/password", { password: "chosen-by-the-provisioner" }],
        ["POST", "auth/userpass/users/pulumi-provisioner/policies", { token_policies: ["provisioner", "admin"] }],
        ["DELETE", "auth/userpass/users/pulumi-provisioner", undefined],
        ["POST", "auth/userpass/users/someone-else", { password: "x", token_policies: ["provisioner"] }],
        ["DELETE", "sys/auth/userpass", undefined],
        ["POST", "sys/auth/userpass", { type: "userpass" }],
        ["POST", "sys/auth/userpass/tune", { default_lease_ttl: "768h" }],
        ["POST", "sys/mounts/auth/userpass/tune", { max_lease_ttl: "768h" }],
      ];
      const answers = await Promise.all(attempts.map(async ([method, apiPath, body]) => `${method} ${apiPath} ${JSON.stringify(body ?? {})} -> ${(await vaultRequest(endpoint(), method, apiPath, { ...token, body })).status}`));
      assert.deepEqual(answers.filter((answer) => !answer.endsWith("-> 403")), []);
      // The declared values pass: the pins are not simply closed doors.
      const apisixText = up.config.vaultLayer.policies.find((policy) => policy.name === "apisix")!.text;
      assert.equal((await vaultRequest(endpoint(), "PUT", "sys/policies/acl/apisix", { ...token, body: { policy: apisixText } })).status, 204);
      assert.equal((await vaultRequest(endpoint(), "PUT", "auth/approle/role/kes", { ...token, body: { token_policies: ["kes-kes"] } })).status, 204);
    });

    it("the read-only planner (policies/planner/local.hcl) reads what the stack manages and writes none of it", async () => {
      await vaultCall(endpoint(), "PUT", "sys/policies/acl/planner", { ...asRoot(), body: { policy: readProvisionerFile(LOCAL_STACK, undefined, PLANNER_POLICY)!.text } });
      const token = { token: (await vaultCall(endpoint(), "POST", "auth/token/create-orphan", { ...asRoot(), body: { policies: ["planner"], ttl: "10m" } })).auth.client_token };
      const reads = up.calls.filter((call) => call.phase === "read" && call.method === "GET");
      const refusedReads = (await Promise.all(reads.map(async (call) => [call.path, (await vaultRequest(endpoint(), "GET", call.path, token)).status] as const)))
        .filter(([, status]) => status !== 200);
      assert.deepEqual(refusedReads, []);
      assert.ok(reads.length >= 10, `only ${reads.length} reads`);
      const writes = up.calls.filter((call) => call.phase === "create").map((call) => call.path);
      const allowedWrites = (await Promise.all(writes.map(async (writePath) => [writePath, (await vaultRequest(endpoint(), "PUT", writePath, { ...token, body: {} })).status] as const)))
        .filter(([, status]) => status !== 403);
      assert.deepEqual(allowedWrites.map(([writePath]) => writePath), []);
      // Its one write is the provider's child token, which can carry only the planner's own policy.
      const child = await vaultCall(endpoint(), "POST", "auth/token/create", { ...token, body: { policies: ["planner"], ttl: "5m" } });
      assert.deepEqual([...child.auth.policies].sort(), ["default", "planner"]);
      assert.equal((await vaultRequest(endpoint(), "POST", "auth/token/create", { ...token, body: { policies: ["provisioner"], ttl: "5m" } })).status, 400);
    });

    it("was the provisioner's child token (policies default and provisioner) in every audited call, never root", () => {
      const audited = auditEntries(layout).filter((entry) => entry.type === "request");
      const afterAudit = up.calls.slice(up.calls.findIndex((call) => call.path === "sys/audit") + 1);
      assert.ok(afterAudit.length >= 10, `only ${afterAudit.length} calls after the audit device was enabled`);
      for (const call of afterAudit) {
        const entry = audited.find((candidate) => candidate.request?.path === call.path && candidate.auth?.display_name === "token-terraform");
        assert.ok(entry, `no audited request for ${call.method} ${call.path} by the child token`);
        assert.deepEqual([...entry.auth.policies].sort(), ["default", "provisioner"], `${call.path} audited with ${entry.auth.policies}`);
      }
    });

    it("APISIX's token lives on after the provider's child token: an orphan with its policy and the configured 768h TTL", async () => {
      const self = await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token: output("tokens").apisix });
      assert.equal(self.data.orphan, true);
      assert.deepEqual([...self.data.policies].sort(), ["apisix", "default"]);
      assert.equal(self.data.creation_ttl, 768 * 3600);
      assert.equal(self.data.renewable, true);
      assert.equal(self.data.display_name, "token-apisix");
    });
  });

  describe("KES (AppRole)", () => {
    before(async () => {
      const { roleId, secretId } = output("approles").kes;
      kesToken = (await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId } })).auth.client_token;
    });
    const kes = () => ({ token: kesToken! });

    it("the stack's KES settings point at kv, KV v1, prefix kes, with the role's real role ID", () => {
      const settings = output("kesKeystore").kes;
      assert.deepEqual({ engine: settings.engine, version: settings.version, prefix: settings.prefix }, { engine: "kv", version: "v1", prefix: "kes" });
      assert.equal(settings.approle.id, output("approles").kes.roleId);
    });

    it("logs in with its role ID and SecretID and gets its policy with the 5m period", async () => {
      const self = await vaultCall(endpoint(), "GET", "auth/token/lookup-self", kes());
      assert.deepEqual([...self.data.policies].sort(), ["default", "kes-kes"]);
      assert.equal(self.data.period, 300);
    });

    it("creates, reads and deletes kv/kes/key-1, and may not update it", async () => {
      const create = await vaultRequest(endpoint(), "PUT", "kv/kes/key-1", { ...kes(), body: { key: "c2VjcmV0LWtleS1tYXRlcmlhbA==" } });
      assert.equal(create.status, 204, `create: ${JSON.stringify(create.body)}`);
      const read = await vaultRequest(endpoint(), "GET", "kv/kes/key-1", kes());
      assert.equal(read.status, 200);
      assert.equal(read.body.data.key, "c2VjcmV0LWtleS1tYXRlcmlhbA==");
      // KV v1: a write to an existing key is an update, which KES's policy does not grant.
      assert.equal((await vaultRequest(endpoint(), "PUT", "kv/kes/key-1", { ...kes(), body: { key: "b3RoZXI=" } })).status, 403);
      assert.equal((await vaultRequest(endpoint(), "GET", "kv/kes/key-1", kes())).body.data.key, "c2VjcmV0LWtleS1tYXRlcmlhbA==");
      assert.equal((await vaultRequest(endpoint(), "DELETE", "kv/kes/key-1", kes())).status, 204);
      assert.equal((await vaultRequest(endpoint(), "GET", "kv/kes/key-1", kes())).status, 404);
    });

    it("may not read APISIX's secrets", async () => {
      await vaultCall(endpoint(), "PUT", "kv/apisix/consumer/jack/jwt-auth", { ...asRoot(), body: { key: "user-key", secret: "jack-hs256-secret" } });
      assert.equal((await vaultRequest(endpoint(), "GET", "kv/apisix/consumer/jack/jwt-auth", kes())).status, 403);
    });
  });

  describe("APISIX (scoped token)", () => {
    const apisix = () => ({ token: output("tokens").apisix as string });
    before(async () => {
      await vaultCall(endpoint(), "PUT", "kv/apisix/consumer/jack/jwt-auth", { ...asRoot(), body: { key: "user-key", secret: "jack-hs256-secret" } });
      await vaultCall(endpoint(), "PUT", "kv/kes/key-2", { ...asRoot(), body: { key: "a2V5LTI=" } });
    });

    it("the stack's APISIX settings use prefix kv/apisix and its token", () => {
      assert.equal(output("apisixVault").apisix.prefix, "kv/apisix");
      assert.equal(output("apisixVault").apisix.token, output("tokens").apisix);
    });

    it("reads kv/apisix/consumer/jack/jwt-auth", async () => {
      const read = await vaultRequest(endpoint(), "GET", "kv/apisix/consumer/jack/jwt-auth", apisix());
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.data, { key: "user-key", secret: "jack-hs256-secret" });
    });

    it("may not write it, add a consumer, list consumers or read KES's keys", async () => {
      assert.equal((await vaultRequest(endpoint(), "PUT", "kv/apisix/consumer/jack/jwt-auth", { ...apisix(), body: { key: "x" } })).status, 403);
      assert.equal((await vaultRequest(endpoint(), "PUT", "kv/apisix/consumer/mallory/jwt-auth", { ...apisix(), body: { key: "x" } })).status, 403);
      assert.equal((await vaultRequest(endpoint(), "LIST", "kv/apisix/consumer/", apisix())).status, 403);
      assert.equal((await vaultRequest(endpoint(), "GET", "kv/kes/key-2", apisix())).status, 403);
    });
  });

  describe("my-app (Kubernetes auth, through the fake API server)", () => {
    const kubernetesUrl = () => up.servers.kubernetes.url;
    /** A service-account token from the TokenRequest API, as `kubectl create token` or a projected volume gets one. */
    const serviceAccountToken = async (namespace: string, serviceAccount: string, audience: string): Promise<string> => {
      const answer = await jsonRequest(new URL(`/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, kubernetesUrl()), {
        method: "POST", body: { spec: { audiences: [audience], expirationSeconds: 600 } }, timeoutMs: 10_000,
        ca: fs.readFileSync(layout.kubernetes.reviewer.caCertFile, "utf8"),
        headers: { Authorization: `Bearer ${fs.readFileSync(layout.kubernetes.reviewer.jwtFile, "utf8").trim()}` },
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      return answer.body.status.token;
    };
    const login = async (namespace: string, serviceAccount: string, audience: string) =>
      vaultRequest(endpoint(), "POST", "auth/kubernetes/login", { body: { role: "my-app", jwt: await serviceAccountToken(namespace, serviceAccount, audience) } });
    const binding = CONSUMERS.find((consumer) => consumer.name === "my-app")!.kubernetes!;

    before(async () => {
      await vaultCall(endpoint(), "PUT", "secret/data/my-app/config", { ...asRoot(), body: { data: { database: "postgres://my-app" } } });
      await vaultCall(endpoint(), "PUT", "secret/data/other/config", { ...asRoot(), body: { data: { database: "postgres://other" } } });
    });

    it("logs in with its service account's token for audience vault and gets its policy with the 1h period", async () => {
      const answer = await login(binding.namespace, binding.serviceAccount, "vault");
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      myAppToken = answer.body.auth.client_token;
      assert.deepEqual([...answer.body.auth.policies].sort(), ["default", "my-app"]);
      assert.equal(answer.body.auth.metadata.service_account_namespace, binding.namespace);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token: myAppToken })).data.period, 3600);
    });

    it("reads secret/data/my-app/config and lists secret/metadata/my-app/, and nothing else", async () => {
      const token = { token: myAppToken! };
      const read = await vaultRequest(endpoint(), "GET", "secret/data/my-app/config", token);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.data.data, { database: "postgres://my-app" });
      const listed = await vaultRequest(endpoint(), "LIST", "secret/metadata/my-app/", token);
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.data.keys, ["config"]);
      assert.equal((await vaultRequest(endpoint(), "GET", "secret/data/other/config", token)).status, 403);
      assert.equal((await vaultRequest(endpoint(), "PUT", "secret/data/my-app/config", { ...token, body: { data: { database: "x" } } })).status, 403);
      assert.equal((await vaultRequest(endpoint(), "GET", "kv/kes/key-2", token)).status, 403);
    });

    it("is refused (403) for another namespace, another service account and another audience", async () => {
      const refused = {
        namespace: (await login("kube-system", binding.serviceAccount, "vault")).status,
        serviceAccount: (await login(binding.namespace, "default", "vault")).status,
        audience: (await login(binding.namespace, binding.serviceAccount, "https://kubernetes.default.svc.cluster.local")).status,
      };
      assert.deepEqual(refused, { namespace: 403, serviceAccount: 403, audience: 403 });
    });
  });

  describe("each consumer's expect statements, asked of Vault with its real token", () => {
    it("every allow is granted and every deny is not", async () => {
      const tokens: Record<string, string | undefined> = { apisix: output("tokens").apisix, kes: kesToken, "my-app": myAppToken };
      const mismatches: string[] = [];
      let checked = 0;
      for (const consumer of CONSUMERS) {
        const token = tokens[consumer.name];
        assert.ok(token, `no live token for consumer ${consumer.name}`);
        const statements = [...consumer.expect.allow.map((s) => ({ s, allow: true })), ...consumer.expect.deny.map((s) => ({ s, allow: false }))];
        const paths = [...new Set(statements.map(({ s }) => s.split(" ")[1]))];
        const answer = await vaultCall(endpoint(), "POST", "sys/capabilities", { ...asRoot(), body: { token, paths } });
        for (const { s, allow } of statements) {
          const [capability, statementPath] = s.split(" ");
          const granted: string[] = answer.data[statementPath];
          if (granted.includes(capability) !== allow) mismatches.push(`${consumer.name}: ${allow ? "allow" : "deny"} ${s}, Vault grants [${granted.join(", ")}]`);
          checked++;
        }
      }
      assert.deepEqual(mismatches, []);
      assert.equal(checked, CONSUMERS.reduce((sum, consumer) => sum + consumer.expect.allow.length + consumer.expect.deny.length, 0));
    });
  });

  describe("secrets: the audit log, the engine's state and its outputs", () => {
    const secrets = () => [output("approles").kes.secretId, output("tokens").apisix, kesToken!, myAppToken!, "jack-hs256-secret"];

    it("the file audit device exists at file/, writing to stdout", async () => {
      const device = (await vaultCall(endpoint(), "GET", "sys/audit", asRoot())).data["file/"];
      assert.equal(device?.type, "file");
      assert.equal(device.options.file_path, "stdout");
    });

    it("the audit log recorded the consumers' requests, HMAC'd: no SecretID or token in clear", () => {
      assert.ok(kesToken && myAppToken, "the consumer tokens were not obtained");
      const text = fs.readFileSync(layout.vault.stdout, "utf8");
      const requested = (requestPath: string) => auditEntries(layout).some((entry) => entry.type === "request" && entry.request?.path === requestPath);
      for (const requestPath of ["auth/approle/login", "kv/kes/key-1", "kv/apisix/consumer/jack/jwt-auth", "auth/kubernetes/login"]) assert.ok(requested(requestPath), `no audited ${requestPath}`);
      for (const secret of [...secrets(), fs.readFileSync(layout.vault.provisionerPasswordFile, "utf8")]) assert.ok(!text.includes(secret), "a secret is in the audit log in clear");
    });

    it("the engine's state file holds every secret encrypted by the passphrase provider, none in clear", () => {
      const text = fs.readFileSync(stateFile(engineLayout(root), LOCAL_STACK), "utf8");
      for (const secret of [...secrets(), up.servers.vault.rootToken, fs.readFileSync(layout.vault.provisionerPasswordFile, "utf8")]) {
        assert.ok(!text.includes(secret), "a secret is in the state file in clear");
      }
      assert.ok((text.match(/"ciphertext"/g) ?? []).length >= 4, "the secrets are not there as ciphertext");
      assert.ok(JSON.parse(text).checkpoint.latest.resources.length >= 15);
    });

    it("`pulumi stack output` shows a secret output as [secret], and its value only with --show-secrets", () => {
      const hidden = cli(["stack", "output", "tokens"]);
      assert.equal(hidden.status, 0, hidden.stderr);
      assert.equal(hidden.stdout.trim(), "[secret]");
      const shown = cli(["stack", "output", "tokens", "--show-secrets", "--json"]);
      assert.equal(shown.status, 0, shown.stderr);
      assert.equal(JSON.parse(shown.stdout).apisix, output("tokens").apisix);
    });
  });

  describe("the stack's life through the engine", () => {
    it("preview --expect-no-changes right after up passes", async function () {
      this.timeout(120_000);
      const started = Date.now();
      await up.stack.preview({ expectNoChanges: true });
      observed.preview = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    });

    it("a second start on the running setup changes nothing: the provider is configured, no resource is touched", async function () {
      this.timeout(120_000);
      const again = await start();
      assert.deepEqual(changes(again), []);
      assert.deepEqual([again.servers.vault.started, again.servers.kubernetes.started], [false, false]);
      assert.deepEqual([...new Set(again.calls.map((call) => call.phase))], ["configure"]);
      // The provider's login, audited now that the stack's audit device exists: as the provisioner's user, never root.
      const logins = auditEntries(layout).filter((entry) => entry.type === "response" && entry.request?.path === "auth/userpass/login/pulumi-provisioner");
      assert.ok(logins.length >= 1, "no audited login of the provisioner");
      assert.deepEqual([...logins[logins.length - 1].auth.policies].sort(), ["default", "provisioner"]);
      assert.equal(again.outputs.tokens.value.apisix, output("tokens").apisix, "the APISIX token kept");
      observed.secondStart = `${again.seconds.toFixed(1)} s (nothing to change)`;
    });

    it("refresh finds no drift; after a policy is changed behind its back it finds it, and up repairs it", async function () {
      this.timeout(180_000);
      await up.stack.refresh({ expectNoChanges: true });
      const declared = up.config.vaultLayer.policies.find((policy) => policy.name === "apisix")!.text;
      await vaultCall(endpoint(), "PUT", "sys/policies/acl/apisix", { ...asRoot(), body: { policy: `${declared}path "kv/kes/*" {\n  capabilities = ["read"]\n}\n` } });
      await assert.rejects(up.stack.refresh({ expectNoChanges: true }), /no changes were expected for refresh but changes were proposed/);
      const repaired = await start();
      assert.deepEqual(changes(repaired), ["update vault-config-policies-apisix"]);
      assert.equal((await vaultCall(endpoint(), "GET", "sys/policies/acl/apisix", asRoot())).data.policy, declared);
      await up.stack.preview({ expectNoChanges: true });
    });

    const added = { name: "ledger", policy: "kes", approle: { tokenPeriod: "5m" }, client: { kind: "kes", mount: "kv" } };

    it("a consumer added creates exactly its resources, and it logs in", async function () {
      this.timeout(120_000);
      const result = await start({ consumers: [...CONSUMERS, added] });
      assert.deepEqual(changes(result).sort(), ["create vault-config-approle-ledger", "create vault-config-approle-ledger", "create vault-config-policies-kes-ledger"]);
      const { roleId, secretId } = result.outputs.approles.value.ledger;
      const login = await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId } });
      assert.deepEqual([...login.auth.policies].sort(), ["default", "kes-ledger"]);
    });

    it("the consumer removed again is deleted, its SecretID destroyed; nothing else changes", async function () {
      this.timeout(120_000);
      const removed = await start();
      assert.deepEqual(changes(removed).sort(), ["delete vault-config-approle-ledger", "delete vault-config-approle-ledger", "delete vault-config-policies-kes-ledger"]);
      assert.ok(removed.calls.some((call) => call.phase === "delete" && call.path === "auth/approle/role/ledger/secret-id-accessor/destroy"));
      assert.equal((await vaultRequest(endpoint(), "GET", "auth/approle/role/ledger", asRoot())).status, 404);
      assert.equal((await vaultRequest(endpoint(), "GET", "sys/policies/acl/kes-ledger", asRoot())).status, 404);
    });

    it("a changed binding updates its role in place; changed back, it is updated again", async function () {
      this.timeout(120_000);
      const withPeriod = (period: string) => CONSUMERS.map((consumer) => (consumer.name === "my-app" ? { ...consumer, kubernetes: { ...consumer.kubernetes!, tokenPeriod: period } } : consumer));
      const changed = await start({ consumers: withPeriod("2h") });
      assert.deepEqual(changes(changed), ["update vault-config-kubernetes-my-app"]);
      assert.deepEqual(changed.calls.filter((call) => call.phase === "update").map((call) => `${call.method} ${call.path}`), ["PUT auth/kubernetes/role/my-app"]);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/kubernetes/role/my-app", asRoot())).data.token_period, 7200);
      assert.deepEqual(changes(await start()), ["update vault-config-kubernetes-my-app"]);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/kubernetes/role/my-app", asRoot())).data.token_period, 3600);
    });

    it("a changed AppRole setting updates the role in place, sending only what changed (Vault refuses local_secret_ids after creation)", async function () {
      this.timeout(120_000);
      const withPeriod = (period: string) => CONSUMERS.map((consumer) => (consumer.name === "kes" ? { ...consumer, approle: { ...consumer.approle!, tokenPeriod: period } } : consumer));
      const changed = await start({ consumers: withPeriod("10m") });
      assert.deepEqual(changes(changed), ["update vault-config-approle-kes"]);
      assert.deepEqual(changed.calls.filter((call) => call.phase === "update").map((call) => `${call.method} ${call.path} ${call.status}`), ["PUT auth/approle/role/kes 204"]);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/approle/role/kes", asRoot())).data.token_period, 600);
      assert.deepEqual(changes(await start()), ["update vault-config-approle-kes"]);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/approle/role/kes", asRoot())).data.token_period, 300);
    });

    it("a token whose settings change is replaced: the new one is issued, then the old one revoked by accessor", async function () {
      this.timeout(120_000);
      const before = output("tokens").apisix as string;
      const withTtl = CONSUMERS.map((consumer) => (consumer.name === "apisix" ? { ...consumer, token: { ...consumer.token!, ttl: "720h" } } : consumer));
      const replaced = await start({ consumers: withTtl });
      assert.ok(changes(replaced).includes("replace vault-config-tokens-apisix"), changes(replaced).join(", "));
      const calls = replaced.calls.filter((call) => call.phase !== "configure").map((call) => `${call.phase} ${call.method} ${call.path}`);
      assert.deepEqual(calls, ["create POST auth/token/create/apisix", "read POST auth/token/lookup-accessor", "delete POST auth/token/revoke-accessor"]);
      const fresh = replaced.outputs.tokens.value.apisix as string;
      assert.notEqual(fresh, before);
      assert.equal((await vaultRequest(endpoint(), "GET", "auth/token/lookup-self", { token: before })).status, 403, "the old token still works");
      assert.equal((await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token: fresh })).data.creation_ttl, 720 * 3600);
      // Back to the suite's token, for the checks after this one.
      up = await start();
      assert.deepEqual(Object.keys(output("tokens")), ["apisix"]);
    });

    it("the guardrails pack, run by the CLI, passes the stack and fails a violating config with the rule's name", async function () {
      this.timeout(180_000);
      await up.stack.preview({ policyPacks: [GUARDRAILS_PACK], expectNoChanges: true });
      const longSecretIds = CONSUMERS.map((consumer) => (consumer.name === "kes" ? { ...consumer, approle: { ...consumer.approle!, secretIdTtl: "2400h" } } : consumer));
      const violating = await localEngineStack(root, PASSPHRASE, { ...overrides, consumers: longSecretIds });
      await assert.rejects(violating.preview({ policyPacks: [GUARDRAILS_PACK] }), (error: Error) => {
        assert.match(error.message, /approle-secret-id-bounded/);
        assert.match(error.message, /secretIdTtl 8640000 s is longer than 90 days/);
        return true;
      });
    });

    it(`${TENANTS} generated tenants are created and removed again through the engine, each AppRole login and each issued token carrying its policy`, async function () {
      this.timeout(600_000);
      const tenants = generatedTenants(TENANTS);
      const added = await start({ consumers: [...CONSUMERS, ...tenants] });
      // Per tenant: its policy, and a role plus its SecretID (AppRole), a role (Kubernetes) or a token role plus its token.
      const expected = tenants.reduce((sum, tenant) => sum + 1 + (tenant.kubernetes ? 1 : 2), 0);
      assert.equal(changes(added).filter((step) => step.startsWith("create ")).length, expected);
      assert.equal(changes(added).length, expected, "something other than the tenants changed");
      const approles = added.outputs.approles.value as Record<string, { roleId: string; secretId: string }>;
      const logins = await Promise.all(Object.entries(approles).filter(([name]) => name.startsWith("tenant-")).map(async ([name, { roleId, secretId }]) =>
        (await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId } })).auth.policies.includes(`tenant-${name}`)));
      assert.ok(logins.length > 0 && logins.every(Boolean), "an AppRole tenant cannot log in with its policy");
      const tokens = added.outputs.tokens.value as Record<string, string>;
      const carried = await Promise.all(Object.entries(tokens).filter(([name]) => name.startsWith("tenant-")).map(async ([name, token]) =>
        (await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token })).data.policies.includes(`tenant-${name}`)));
      assert.ok(carried.length > 0 && carried.every(Boolean), "a token tenant's token does not carry its policy");
      const removed = await start();
      assert.equal(changes(removed).filter((step) => step.startsWith("delete ")).length, expected);
      observed.tenants = `${TENANTS} tenants: ${expected} resources created in ${added.seconds.toFixed(1)} s, deleted in ${removed.seconds.toFixed(1)} s ` +
        `(whole npm start: servers running, ${added.calls.length} Vault calls)`;
    });

    it("turning vault.configure off: the engine refuses to delete the protected mounts and auth methods (they keep their data), but deletes the unprotected credentials and policies first", async function () {
      this.timeout(120_000);
      // The audit device, which everything else depends on, is never reached: the engine stops at the first refusals.
      const protectedNames = ["vault-config-approle-auth", "vault-config-kubernetes-auth", "vault-config-mounts-kv", "vault-config-mounts-secret"];
      await assert.rejects(start({ vault: { ...(overrides.vault as object), configure: false } }), (error: Error) => {
        for (const name of protectedNames) {
          assert.match(error.message, new RegExp(`resource "urn:pulumi:local::vault-platform::[^"]*::${name}" cannot be deleted\\s+because it is protected`));
        }
        return true;
      });
      assert.equal((await vaultRequest(endpoint(), "GET", "sys/mounts/kv", asRoot())).status, 200);
      assert.equal((await vaultCall(endpoint(), "GET", "sys/audit", asRoot())).data["file/"]?.type, "file");
      assert.equal((await vaultCall(endpoint(), "GET", "kv/apisix/consumer/jack/jwt-auth", asRoot())).data.secret, "jack-hs256-secret", "the mount lost its data");
      // What the old stand-in claimed the engine would never do before refusing: the credentials are gone.
      assert.equal((await vaultRequest(endpoint(), "GET", "auth/token/lookup-self", { token: output("tokens").apisix })).status, 403);
      assert.equal((await vaultRequest(endpoint(), "GET", "sys/policies/acl/apisix", asRoot())).status, 404);
      // Turned on again, the stack creates them anew: new credentials, which the consumers must be given.
      const again = await start();
      assert.deepEqual([...new Set(changes(again).map((step) => step.split(" ")[0]))], ["create"]);
      assert.notEqual(again.outputs.tokens.value.apisix, output("tokens").apisix);
      up = again;
      assert.deepEqual(changes(await start()), []);
    });

    it("npm stop ends both servers by their PIDs; the next start unseals Vault from the folder and changes nothing", async function () {
      this.timeout(120_000);
      const pids = [up.servers.vault.process.pid, up.servers.kubernetes.process.pid];
      assert.deepEqual((await localDown(root)).sort(), ["fake-kubernetes", "vault"]);
      // Ended is dead or a zombie (what npm stop waits for); this process started them, so Node reaps them shortly after.
      for (const pid of pids) {
        await waitFor(`pid ${pid} to be gone`, async () => {
          try {
            process.kill(pid, 0);
            return undefined;
          } catch (error) {
            return (error as NodeJS.ErrnoException).code === "ESRCH" ? true : undefined;
          }
        }, 5_000);
      }
      assert.ok(!fs.existsSync(layout.vault.pidFile) && !fs.existsSync(layout.kubernetes.pidFile), "a PID file is left");
      assert.deepEqual(await localDown(root), [], "a second stop found something running");
      const restarted = await start();
      assert.deepEqual([restarted.servers.vault.started, restarted.servers.kubernetes.started], [true, true]);
      assert.deepEqual(changes(restarted), []);
      up = restarted;
      const self = await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token: output("tokens").apisix });
      assert.deepEqual([...self.data.policies].sort(), ["apisix", "default"]);
    });

    // Last: the socket device is protected, so later starts would have to keep it.
    it("with audit.socket, a second device sends every entry off the node to the collector, HMAC'd", async function () {
      this.timeout(120_000);
      const received: string[] = [];
      const connections = new Set<net.Socket>();
      const collector = net.createServer((socket) => {
        connections.add(socket);
        socket.on("data", (chunk) => received.push(chunk.toString()));
      });
      await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
      try {
        const address = `127.0.0.1:${(collector.address() as net.AddressInfo).port}`;
        const withSocket = await start({ audit: { path: "stdout", socket: { address } } });
        assert.deepEqual(changes(withSocket), ["create vault-config-audit-socket"]);
        const { roleId, secretId } = withSocket.outputs.approles.value.kes;
        await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId } });
        const entries = await waitFor("the collector to receive the login", async () => {
          const lines = received.join("").split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
          return lines.some((entry) => entry.request?.path === "auth/approle/login") ? lines : undefined;
        }, 10_000);
        assert.ok(!received.join("").includes(secretId), "the SecretID reached the collector in clear");
        assert.ok(entries.length >= 2);
      } finally {
        // Vault keeps its connection open; close() waits for every connection to end.
        for (const connection of connections) connection.destroy();
        await new Promise((resolve) => collector.close(resolve));
      }
    });

    // Last of all: it removes the stack.
    it("destroy, once the stack is unprotected (`pulumi state unprotect --all`), removes every consumer credential: each answers 403 or is refused afterwards", async function () {
      this.timeout(180_000);
      const { roleId, secretId } = output("approles").kes;
      const apisixToken = output("tokens").apisix as string;
      assert.equal((await vaultRequest(endpoint(), "GET", "auth/token/lookup-self", { token: apisixToken })).status, 200);
      // An administrator destroys it: the provisioner's policy grants no delete on what was protected. Destroy runs
      // no program, so the provider keeps the settings of the state: an up with the administrator's token instead
      // of the provisioner's login changes them.
      await up.stack.removeConfig(`${PROJECT}:vault.login`, true);
      await up.stack.setConfig(TOKEN_KEY, { value: up.servers.vault.rootToken, secret: true });
      const switched = await up.stack.up({ color: "never" });
      assert.deepEqual(switched.summary.resourceChanges, { same: 25, update: 1 }, "only the provider's login changes");
      // After that up: the program marks them protected again on every run.
      const unprotect = cli(["state", "unprotect", "--all", "--yes"]);
      assert.equal(unprotect.status, 0, unprotect.stderr);
      const started = Date.now();
      await up.stack.destroy({ color: "never" });
      observed.destroy = `${((Date.now() - started) / 1000).toFixed(1)} s`;
      assert.equal((await vaultRequest(endpoint(), "GET", "auth/token/lookup-self", { token: apisixToken })).status, 403);
      assert.notEqual((await vaultRequest(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId } })).status, 200);
      for (const gone of ["sys/policies/acl/apisix", "sys/policies/acl/kes-kes", "sys/policies/acl/my-app", "auth/token/roles/apisix"]) {
        assert.equal((await vaultRequest(endpoint(), "GET", gone, asRoot())).status, 404, gone);
      }
      const mounts = (await vaultCall(endpoint(), "GET", "sys/mounts", asRoot())).data;
      assert.deepEqual(Object.keys(mounts).filter((mount) => mount === "kv/" || mount === "secret/"), []);
      // The provisioner's userpass login stays: it is the administrator's (npm start's bootstrap), not the stack's.
      assert.deepEqual(Object.keys((await vaultCall(endpoint(), "GET", "sys/auth", asRoot())).data).sort(), ["token/", "userpass/"]);
    });
  });
});
