/**
 * The local stack as `npm start` brings it up (local/localStack.ts): a Vault server with TLS and file
 * storage and the fake Kubernetes API server, both in the background, and Pulumi.local.yaml applied with
 * a token that holds only the generated provisioner policy (policies/provisioner/local.hcl), through the stand-in for `pulumi up` (the calls
 * terraform-provider-vault makes, local/vaultApplier.ts). Then the consumers' own flows against that
 * server: KES through AppRole, APISIX through its scoped token, my-app through Kubernetes auth with tokens
 * the fake API server issues, every `expect` statement through `sys/capabilities`, the audit log; and the
 * stack's life: a second start changes nothing, a consumer added creates exactly its resources, turning
 * the Vault layer off is refused for what is protected, `npm stop` ends every process.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import * as util from "util";
import { Acl, parsePolicy } from "../../acl";
import { DEFAULT_POLICY } from "../../acl/defaultPolicy";
import { PLANNER_POLICY, provisionerPolicyText } from "../../access";
import { ConfigKey, readProvisionerFile, stackConfig } from "../../config";
import { runningFromPidFile } from "../../local/backgroundProcess";
import { LOCAL_STACK, localDown, LocalUp, localUp } from "../../local/localStack";
import { localLayout, LocalLayout } from "../../local/localServers";
import { AppliedVaultResources, applyVaultResources, MadeCall, RefusedChanges, VaultApplyError } from "../../local/vaultApplier";
import { ProgramRun, Registration, runPlatform } from "../../offline/runtime";
import { generatedTenants } from "../../scripts/generatedTenants";
import { freeLoopbackPort } from "./devVault";
import { registerCleanup, runDirectory, waitFor } from "./processes";
import { jsonRequest } from "../../local/jsonHttp";
import { onlyOfType, valueOf } from "../programRun";
import { PROVIDER_TYPES } from "../../components/resourceTypes";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";

const PASSPHRASE = "live-test-passphrase";
const TENANTS = 100;

interface ConsumerEntry {
  name: string;
  approle?: unknown;
  token?: unknown;
  kubernetes?: { namespace: string; serviceAccount: string; audience?: string };
  expect?: { allow?: string[]; deny?: string[] };
}

/** The capability a call needs on its path (PUT and POST are create or update, as Vault decides). */
function neededCapabilities(call: MadeCall): string[] {
  return call.method === "GET" ? ["read"] : call.method === "DELETE" ? ["delete"] : ["create", "update"];
}

/** The audit device writes to Vault's stdout (the local stack's `audit.path: stdout`), after Vault's banner. */
function auditEntries(layout: LocalLayout): any[] {
  return fs.readFileSync(layout.vault.stdout, "utf8").split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

describe("live: the local stack (npm start), and the consumers using it", function () {
  const raw = stackConfig(LOCAL_STACK);
  const consumersOfStack: ConsumerEntry[] = JSON.parse(raw["vault-platform:consumers"]);
  let root: string;
  let layout: LocalLayout;
  let overrides: Partial<Record<ConfigKey, unknown>>;
  let up: LocalUp;
  let applied: AppliedVaultResources;
  let run: ProgramRun;
  let kesToken: string | undefined;
  let myAppToken: string | undefined;
  const endpoint = () => up.servers.vault.endpoint;
  const asRoot = () => ({ token: up.servers.vault.rootToken });
  const start = (extra: Partial<Record<ConfigKey, unknown>> = {}) => localUp({ root, passphrase: PASSPHRASE, overrides: { ...overrides, ...extra } });

  before(async function () {
    this.timeout(120_000);
    root = fs.mkdtempSync(path.join(runDirectory(), "local-stack-"));
    layout = localLayout(root);
    // Never the user's own .local/ or ports: this run's folder and free ports, with the stack's files moved along.
    overrides = {
      vault: { address: `https://127.0.0.1:${await freeLoopbackPort()}`, caCertFile: layout.vault.caFile },
      kubernetes: {
        host: `https://127.0.0.1:${await freeLoopbackPort()}`,
        reviewer: layout.kubernetes.reviewer,
      },
    };
    // Should the runner die, the servers npm start leaves running are killed by their PID files.
    registerCleanup("the local stack's servers", () => {
      for (const pidFile of [layout.vault.pidFile, layout.kubernetes.pidFile]) {
        const running = runningFromPidFile(pidFile);
        try {
          if (running) process.kill(-running.pid, "SIGKILL");
        } catch (error) {
          // Gone between the PID file check and the signal.
          if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
        }
      }
    });
    up = await start();
    observed.firstStart = `${up.seconds.toFixed(1)} s (servers started, ${up.applied.steps.length} resources created)`;
    applied = up.applied;
    run = await runPlatform(up.config, LOCAL_STACK);
  });

  const observed: Record<string, string> = {};

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    console.log(`local stack: ${Object.entries(observed).map(([key, value]) => `${key}: ${value}`).join("; ") || "nothing measured"}`);
  });

  describe("the applier", () => {
    const fakeEndpoint = { address: "http://127.0.0.1:9" };

    it("refuses a vault: type it has no mapping for, before any call", async () => {
      const provider = onlyOfType(run, PROVIDER_TYPES.vault);
      const unknown: Registration = { ...provider, type: "vault:index/namespace:Namespace", name: "ns", custom: true, inputs: { path: "team" }, provider: `${provider.urn}::id` };
      await assert.rejects(applyVaultResources(fakeEndpoint, "unused", [provider, unknown]), (error: Error) => {
        assert.ok(!(error instanceof VaultApplyError), `a call was made: ${error.message}`);
        assert.match(error.message, /^vault:index\/namespace:Namespace \(ns\): no mapping to Vault API calls/);
        return true;
      });
    });

    it("refuses an input its mapping does not send, before any call", async () => {
      const registrations = run.registrations.map((registration) =>
        registration.type === "vault:index/policy:Policy" ? { ...registration, inputs: { ...registration.inputs, namespace: "team" } } : registration);
      await assert.rejects(applyVaultResources(fakeEndpoint, "unused", registrations), /vault:index\/policy:Policy \(vault-config-policies-apisix\): input namespace not mapped/);
    });

    it("refuses registrations out of dependency order, before any call", async () => {
      const token = run.registrations.findIndex((registration) => registration.type === "vault:index/token:Token");
      const reordered = [...run.registrations];
      const [moved] = reordered.splice(token, 1);
      reordered.unshift(moved);
      await assert.rejects(applyVaultResources(fakeEndpoint, "unused", reordered), /vault:index\/token:Token \(vault-config-tokens-apisix\) is registered before what it depends on: vault-config-audit-file, vault-config-policies-apisix, vault-config-tokens-apisix$/);
    });

    it("names the call a policy refuses, a read-back included, and never the token", async () => {
      await vaultCall(endpoint(), "PUT", "sys/policies/acl/no-read-back", {
        ...asRoot(),
        body: { policy: 'path "auth/token/create" { capabilities = ["update"] }\npath "sys/auth/probe" { capabilities = ["create", "update", "sudo"] }\n' },
      });
      const limited = (await vaultCall(endpoint(), "POST", "auth/token/create-orphan", { ...asRoot(), body: { policies: ["no-read-back"], ttl: "10m" } })).auth.client_token;
      const registrations = run.registrations
        .filter((registration) => registration.type === "pulumi:providers:vault" || registration.type === "vault:index/authBackend:AuthBackend")
        .map((registration) => (registration.type === "pulumi:providers:vault" ? registration : { ...registration, inputs: { ...registration.inputs, path: "probe" } }));
      await assert.rejects(applyVaultResources(endpoint(), limited, registrations), (error: Error) => {
        assert.ok(error instanceof VaultApplyError, error.message);
        assert.deepEqual(error.call, { method: "GET", path: "sys/mounts/auth/probe", status: 403 });
        assert.ok(!error.message.includes(limited), "the error message holds the token");
        return true;
      });
    });
  });

  describe("applied with the provisioner's token", () => {
    it("applied every vault: registration, in registration order, none skipped", () => {
      const expected = run.registrations.filter((registration) => registration.type.startsWith("vault:")).map(({ type, name }) => ({ type, name }));
      assert.deepEqual(applied.steps.filter(({ kind }) => kind !== "same" && kind !== "delete").map(({ type, name }) => ({ type, name })), expected);
      assert.deepEqual([...new Set(expected.map(({ type }) => type))].sort(), [
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
      assert.ok(applied.steps.every((step) => step.kind === "create"), "a first start creates everything");
    });

    it("worked through the provider's child token, which carries only the provisioner policy", () => {
      assert.equal(applied.providerTokens.length, 1);
      assert.deepEqual([...applied.providerTokens[0].policies].sort(), ["default", "provisioner"]);
    });

    it("made each resource's create calls and read-back, as terraform-provider-vault does", () => {
      const calls = applied.calls.map((call) => `${call.phase} ${call.method} ${call.path} ${call.status}`);
      assert.deepEqual(calls, [
        "configure GET auth/token/lookup-self 200",
        "configure POST auth/token/create 200",
        "configure GET sys/seal-status 200",
        "create PUT sys/policies/acl/apisix 204",
        "read GET sys/policies/acl/apisix 200",
        "create PUT sys/policies/acl/kes-kes 204",
        "read GET sys/policies/acl/kes-kes 200",
        "create PUT sys/policies/acl/my-app 204",
        "read GET sys/policies/acl/my-app 200",
        "create POST sys/auth/approle 204",
        "read GET sys/mounts/auth/approle 200",
        "create POST sys/auth/kubernetes 204",
        "read GET sys/mounts/auth/kubernetes 200",
        "create POST sys/mounts/kv 204",
        "read GET sys/mounts/kv 200",
        "create POST sys/mounts/secret 204",
        "read GET sys/mounts/secret 200",
        "create PUT sys/audit/file 204",
        "read GET sys/audit 200",
        "create PUT secret/config 204",
        "read GET secret/config 200",
        "create PUT auth/token/roles/apisix 204",
        "read GET auth/token/roles/apisix 200",
        "create PUT auth/kubernetes/config 204",
        "read GET auth/kubernetes/config 200",
        "create PUT auth/approle/role/kes 204",
        "read GET auth/approle/role/kes 200",
        "read GET auth/approle/role/kes/role-id 200",
        "create PUT auth/kubernetes/role/my-app 204",
        "read GET auth/kubernetes/role/my-app 200",
        "create POST auth/token/create/apisix 200",
        "read POST auth/token/lookup-accessor 200",
        "create PUT auth/approle/role/kes/secret-id 200",
        "read PUT auth/approle/role/kes/secret-id-accessor/lookup 200",
      ]);
    });

    it("wrote policies/provisioner/local.hcl as the provisioner policy: generated from the declarations, as committed", async () => {
      const written = (await vaultCall(endpoint(), "GET", "sys/policies/acl/provisioner", asRoot())).data.policy;
      assert.equal(written, provisionerPolicyText(up.config.vaultLayer, LOCAL_STACK));
      assert.equal(written, readProvisionerFile(LOCAL_STACK)?.text, "the committed file is stale");
    });

    it("needed nothing the provisioner policy does not grant, and left only its deny, tune, destroy and revoke rules unused (updates and deletes use those)", async () => {
      // Vault's own answer for a token with exactly the provisioner policy on every path a call used (npm start's token is revoked by now).
      const provisionerToken = (await vaultCall(endpoint(), "POST", "auth/token/create-orphan", { ...asRoot(), body: { policies: ["provisioner"], ttl: "10m" } })).auth.client_token;
      const paths = [...new Set(applied.calls.map((call) => call.path))];
      const answer = await vaultCall(endpoint(), "POST", "sys/capabilities", { ...asRoot(), body: { token: provisionerToken, paths } });
      const refused = applied.calls.filter((call) => {
        const granted: string[] = answer.data[call.path] ?? [];
        return !neededCapabilities(call).some((capability) => granted.includes(capability));
      }).map((call) => `${call.method} ${call.path}`);
      // lookup-self is in Vault's default policy; seal-status needs no token.
      assert.deepEqual(refused, ["GET sys/seal-status"]);
      // Which rules decided those calls (the offline evaluator, which agrees with Vault: test/live/acl.test.ts).
      const provisioner = parsePolicy(provisionerPolicyText(up.config.vaultLayer, LOCAL_STACK), "provisioner");
      const acl = new Acl([provisioner, parsePolicy(DEFAULT_POLICY, "default")]);
      const used = new Set(applied.calls.flatMap((call) => acl.winningRule(call.path)?.origins ?? []));
      const unused = provisioner.rules.filter((rule) => !used.has(`provisioner:${rule.line}`)).map((rule) => rule.written);
      assert.deepEqual(unused, [
        "sys/policies/acl/provisioner",
        "sys/policies/acl/default",
        "sys/mounts/kv/tune",
        "sys/mounts/secret/tune",
        "auth/approle/role/kes/secret-id-accessor/destroy",
        "auth/token/revoke-accessor",
      ]);
    });

    it("cannot make itself an administrator: Vault answers 403 to its own policy, default, anything undeclared, and a declared role or policy given another value", async () => {
      const token = { token: (await vaultCall(endpoint(), "POST", "auth/token/create-orphan", { ...asRoot(), body: { policies: ["provisioner"], ttl: "10m" } })).auth.client_token };
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
      const reads = applied.calls.filter((call) => call.phase === "read" && call.method === "GET");
      const refusedReads = (await Promise.all(reads.map(async (call) => [call.path, (await vaultRequest(endpoint(), "GET", call.path, token)).status] as const)))
        .filter(([, status]) => status !== 200);
      assert.deepEqual(refusedReads, []);
      assert.ok(reads.length >= 10, `only ${reads.length} reads`);
      const writes = applied.calls.filter((call) => call.phase === "create").map((call) => call.path);
      const allowedWrites = (await Promise.all(writes.map(async (writePath) => [writePath, (await vaultRequest(endpoint(), "PUT", writePath, { ...token, body: {} })).status] as const)))
        .filter(([, status]) => status !== 403);
      // Its one write is the provider's child token, which can carry only the planner's own policy.
      assert.deepEqual(allowedWrites.map(([writePath]) => writePath), []);
      const child = await vaultCall(endpoint(), "POST", "auth/token/create", { ...token, body: { policies: ["planner"], ttl: "5m" } });
      assert.deepEqual([...child.auth.policies].sort(), ["default", "planner"]);
      assert.equal((await vaultRequest(endpoint(), "POST", "auth/token/create", { ...token, body: { policies: ["provisioner"], ttl: "5m" } })).status, 400);
    });

    it("was the provisioner's child token in every audited call, never root", () => {
      const audited = auditEntries(layout).filter((entry) => entry.type === "request");
      const afterAudit = applied.calls.slice(applied.calls.findIndex((call) => call.path === "sys/audit") + 1);
      assert.ok(afterAudit.length >= 10, `only ${afterAudit.length} calls after the audit device was enabled`);
      for (const call of afterAudit) {
        const entry = audited.find((candidate) => candidate.request?.path === call.path && candidate.request?.operation !== undefined && candidate.auth?.display_name === "token-terraform");
        assert.ok(entry, `no audited request for ${call.method} ${call.path} by the child token`);
        assert.deepEqual([...entry.auth.policies].sort(), ["default", "provisioner"], `${call.path} audited with ${entry.auth.policies}`);
      }
    });

    it("never shows a secret when the result is printed", () => {
      const printed = `${util.inspect(applied, { depth: 10 })}\n${JSON.stringify(applied)}`;
      const secrets = [...Object.values(applied.approles).map((approle) => approle.secretId.reveal()),
        ...Object.values(applied.tokens).map((token) => token.token.reveal())];
      assert.equal(secrets.length, 2);
      for (const secret of secrets) assert.ok(!printed.includes(secret), "a secret is printed");
      assert.match(printed, /\[secret\]/);
    });
  });

  describe("after the provider's child token is gone", () => {
    it("the child token is revoked", async () => {
      const lookup = await vaultRequest(endpoint(), "POST", "auth/token/lookup-accessor", { ...asRoot(), body: { accessor: applied.providerTokens[0].accessor } });
      assert.equal(lookup.status, 400, `child token lookup answered ${lookup.status}`);
    });

    it("APISIX's token lives on: an orphan with its policy and the configured 768h TTL", async () => {
      const token = applied.tokens.apisix.token.reveal();
      const self = await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token });
      assert.equal(self.data.orphan, true);
      assert.deepEqual([...self.data.policies].sort(), ["apisix", "default"]);
      assert.equal(self.data.creation_ttl, 768 * 3600);
      assert.equal(self.data.renewable, true);
      assert.equal(self.data.display_name, "token-apisix");
    });
  });

  describe("KES (AppRole)", () => {
    before(async () => {
      const { roleId, secretId } = applied.approles.kes;
      const login = await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId.reveal() } });
      kesToken = login.auth.client_token;
    });
    const kes = () => ({ token: kesToken! });

    it("the program's KES settings point at kv, KV v1, prefix kes", async () => {
      const settings: any = await valueOf(run.outputs.kesKeystore!);
      assert.deepEqual({ engine: settings.kes.engine, version: settings.kes.version, prefix: settings.kes.prefix }, { engine: "kv", version: "v1", prefix: "kes" });
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
      const update = await vaultRequest(endpoint(), "PUT", "kv/kes/key-1", { ...kes(), body: { key: "b3RoZXI=" } });
      assert.equal(update.status, 403);
      assert.equal((await vaultRequest(endpoint(), "GET", "kv/kes/key-1", kes())).body.data.key, "c2VjcmV0LWtleS1tYXRlcmlhbA==");
      const remove = await vaultRequest(endpoint(), "DELETE", "kv/kes/key-1", kes());
      assert.equal(remove.status, 204);
      assert.equal((await vaultRequest(endpoint(), "GET", "kv/kes/key-1", kes())).status, 404);
    });

    it("may not read APISIX's secrets", async () => {
      await vaultCall(endpoint(), "PUT", "kv/apisix/consumer/jack/jwt-auth", { ...asRoot(), body: { key: "user-key", secret: "jack-hs256-secret" } });
      assert.equal((await vaultRequest(endpoint(), "GET", "kv/apisix/consumer/jack/jwt-auth", kes())).status, 403);
    });
  });

  describe("APISIX (scoped token)", () => {
    const apisix = () => ({ token: applied.tokens.apisix.token.reveal() });
    before(async () => {
      await vaultCall(endpoint(), "PUT", "kv/apisix/consumer/jack/jwt-auth", { ...asRoot(), body: { key: "user-key", secret: "jack-hs256-secret" } });
      await vaultCall(endpoint(), "PUT", "kv/kes/key-2", { ...asRoot(), body: { key: "a2V5LTI=" } });
    });

    it("the program's APISIX settings use prefix kv/apisix", async () => {
      const settings: any = await valueOf(run.outputs.apisixVault!);
      assert.equal(settings.apisix.prefix, "kv/apisix");
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
    const binding = () => consumersOfStack.find((consumer) => consumer.name === "my-app")!.kubernetes!;

    before(async () => {
      await vaultCall(endpoint(), "PUT", "secret/data/my-app/config", { ...asRoot(), body: { data: { database: "postgres://my-app" } } });
      await vaultCall(endpoint(), "PUT", "secret/data/other/config", { ...asRoot(), body: { data: { database: "postgres://other" } } });
    });

    it("logs in with its service account's token for audience vault and gets its policy with the 1h period", async () => {
      const { namespace, serviceAccount } = binding();
      const answer = await login(namespace, serviceAccount, "vault");
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      myAppToken = answer.body.auth.client_token;
      assert.deepEqual([...answer.body.auth.policies].sort(), ["default", "my-app"]);
      assert.equal(answer.body.auth.metadata.service_account_namespace, namespace);
      const self = await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token: myAppToken });
      assert.equal(self.data.period, 3600);
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
      const { namespace, serviceAccount } = binding();
      const refused = {
        namespace: (await login("kube-system", serviceAccount, "vault")).status,
        serviceAccount: (await login(namespace, "default", "vault")).status,
        audience: (await login(namespace, serviceAccount, "https://kubernetes.default.svc.cluster.local")).status,
      };
      assert.deepEqual(refused, { namespace: 403, serviceAccount: 403, audience: 403 });
    });
  });

  describe("each consumer's expect statements, asked of Vault with its real token", () => {
    it("every allow is granted and every deny is not", async () => {
      const tokens: Record<string, string | undefined> = { apisix: applied.tokens.apisix?.token.reveal(), kes: kesToken, "my-app": myAppToken };
      const mismatches: string[] = [];
      let checked = 0;
      for (const consumer of consumersOfStack) {
        const token = tokens[consumer.name];
        assert.ok(token, `no live token for consumer ${consumer.name}`);
        const statements = [...(consumer.expect?.allow ?? []).map((s) => ({ s, allow: true })), ...(consumer.expect?.deny ?? []).map((s) => ({ s, allow: false }))];
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
      const declared = consumersOfStack.reduce((sum, consumer) => sum + (consumer.expect?.allow?.length ?? 0) + (consumer.expect?.deny?.length ?? 0), 0);
      assert.equal(checked, declared);
      assert.ok(checked >= 2 * consumersOfStack.length, `only ${checked} statements checked`);
    });
  });

  describe("the file audit device", () => {
    it("exists at file/ with the configured file path", async () => {
      const audits = await vaultCall(endpoint(), "GET", "sys/audit", asRoot());
      const device = audits.data["file/"];
      assert.equal(device?.type, "file");
      assert.equal(device.options.file_path, "stdout");
    });

    it("recorded the consumers' requests, HMAC'd: no SecretID or token in clear", () => {
      assert.ok(kesToken && myAppToken, "the consumer tokens were not obtained");
      const text = fs.readFileSync(layout.vault.stdout, "utf8");
      const entries = auditEntries(layout);
      const requested = (requestPath: string) => entries.some((entry) => entry.type === "request" && entry.request?.path === requestPath);
      assert.ok(requested("auth/approle/login"), "no audited AppRole login");
      assert.ok(requested("kv/kes/key-1"), "no audited KES key request");
      assert.ok(requested("kv/apisix/consumer/jack/jwt-auth"), "no audited APISIX read");
      assert.ok(requested("auth/kubernetes/login"), "no audited Kubernetes login");
      for (const secret of [applied.approles.kes.secretId.reveal(), applied.tokens.apisix.token.reveal(), kesToken, myAppToken, "jack-hs256-secret"]) {
        assert.ok(!text.includes(secret), "a secret is in the audit log in clear");
      }
    });
  });

  describe("the stack's life", () => {
    const vaultSteps = (result: LocalUp) => result.applied.steps.filter((step) => step.kind !== "same").map((step) => `${step.kind} ${step.name}`);

    it("keeps its state with every secret encrypted (mode 0600): no SecretID or token in clear", () => {
      const text = fs.readFileSync(layout.stateFile, "utf8");
      assert.equal(fs.statSync(layout.stateFile).mode & 0o777, 0o600);
      for (const secret of [applied.approles.kes.secretId.reveal(), applied.tokens.apisix.token.reveal()]) assert.ok(!text.includes(secret), "a secret in the state file");
      assert.ok(JSON.parse(text).resources.length >= 15);
    });

    it("a second start on the running setup changes nothing: the provider is configured, no resource is touched", async function () {
      this.timeout(60_000);
      const again = await start();
      assert.deepEqual(vaultSteps(again), []);
      assert.deepEqual([again.servers.vault.started, again.servers.kubernetes.started], [false, false]);
      assert.deepEqual([...new Set(again.applied.calls.map((call) => call.phase))], ["configure"]);
      assert.equal(again.applied.tokens.apisix.token.reveal(), applied.tokens.apisix.token.reveal(), "the APISIX token kept");
    });

    const billing = { name: "billing", policy: "kes", approle: { tokenPeriod: "5m" }, client: { kind: "kes", mount: "kv" } };

    it("a consumer added creates exactly its resources, and it logs in", async function () {
      this.timeout(60_000);
      const added = await start({ consumers: [...consumersOfStack, billing] });
      assert.deepEqual(vaultSteps(added).sort(), [
        "create vault-config-approle-billing", "create vault-config-approle-billing", "create vault-config-policies-kes-billing",
      ].sort());
      const { roleId, secretId } = added.applied.approles.billing;
      const login = await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId.reveal() } });
      assert.deepEqual([...login.auth.policies].sort(), ["default", "kes-billing"]);
    });

    it("the consumer removed again is deleted, its SecretID destroyed; nothing else changes", async function () {
      this.timeout(60_000);
      const removed = await start();
      assert.deepEqual(vaultSteps(removed).sort(), [
        "delete vault-config-approle-billing", "delete vault-config-approle-billing", "delete vault-config-policies-kes-billing",
      ].sort());
      assert.equal((await vaultRequest(endpoint(), "GET", "auth/approle/role/billing", asRoot())).status, 404);
      assert.equal((await vaultRequest(endpoint(), "GET", "sys/policies/acl/kes-billing", asRoot())).status, 404);
    });

    it("a changed binding updates its role in place; changed back, it is updated again", async function () {
      this.timeout(60_000);
      const withPeriod = (period: string) => consumersOfStack.map((consumer) => (consumer.name === "my-app" ? { ...consumer, kubernetes: { ...consumer.kubernetes, tokenPeriod: period } } : consumer));
      const changed = await start({ consumers: withPeriod("2h") });
      assert.deepEqual(vaultSteps(changed), ["update vault-config-kubernetes-my-app"]);
      assert.deepEqual(changed.applied.calls.filter((call) => call.phase === "update").map((call) => `${call.method} ${call.path}`), ["PUT auth/kubernetes/role/my-app"]);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/kubernetes/role/my-app", asRoot())).data.token_period, 7200);
      const back = await start();
      assert.deepEqual(vaultSteps(back), ["update vault-config-kubernetes-my-app"]);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/kubernetes/role/my-app", asRoot())).data.token_period, 3600);
    });

    it("a changed AppRole setting updates the role in place, sending only what changed (Vault refuses local_secret_ids after creation)", async function () {
      this.timeout(60_000);
      const withPeriod = (period: string) => consumersOfStack.map((consumer) => (consumer.name === "kes" ? { ...consumer, approle: { ...(consumer.approle as object), tokenPeriod: period } } : consumer));
      const changed = await start({ consumers: withPeriod("10m") });
      assert.deepEqual(vaultSteps(changed), ["update vault-config-approle-kes"]);
      assert.deepEqual(changed.applied.calls.filter((call) => call.phase === "update").map((call) => `${call.method} ${call.path} ${call.status}`), ["PUT auth/approle/role/kes 204"]);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/approle/role/kes", asRoot())).data.token_period, 600);
      assert.deepEqual(vaultSteps(await start()), ["update vault-config-approle-kes"]);
      assert.equal((await vaultCall(endpoint(), "GET", "auth/approle/role/kes", asRoot())).data.token_period, 300);
    });

    it("a token whose settings change is replaced: the new one is issued, then the old one revoked by accessor", async function () {
      this.timeout(60_000);
      const before = applied.tokens.apisix;
      const withTtl = consumersOfStack.map((consumer) => (consumer.name === "apisix" ? { ...consumer, token: { ...(consumer.token as object), ttl: "720h" } } : consumer));
      const replaced = await start({ consumers: withTtl });
      assert.deepEqual(vaultSteps(replaced), ["replace vault-config-tokens-apisix"]);
      const calls = replaced.applied.calls.filter((call) => call.phase !== "configure").map((call) => `${call.phase} ${call.method} ${call.path}`);
      assert.deepEqual(calls, ["create POST auth/token/create/apisix", "read POST auth/token/lookup-accessor", "delete POST auth/token/revoke-accessor"]);
      const fresh = replaced.applied.tokens.apisix;
      assert.notEqual(fresh.accessor, before.accessor);
      assert.equal((await vaultRequest(endpoint(), "GET", "auth/token/lookup-self", { token: before.token.reveal() })).status, 403, "the old token still works");
      assert.equal((await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token: fresh.token.reveal() })).data.creation_ttl, 720 * 3600);
      // Back to the stack file's token, for the checks after this one.
      applied = (await start()).applied;
      assert.deepEqual(Object.keys(applied.tokens), ["apisix"]);
    });

    it(`${TENANTS} generated tenants are applied and removed again, each AppRole login and each issued token carrying its policy`, async function () {
      this.timeout(300_000);
      const tenants = generatedTenants(TENANTS);
      const added = await start({ consumers: [...consumersOfStack, ...tenants] });
      const created = vaultSteps(added).filter((step) => step.startsWith("create "));
      // Per tenant: its policy, and a role plus its SecretID (AppRole), a role (Kubernetes) or a token role plus its token.
      const expected = tenants.reduce((sum, tenant) => sum + 1 + (tenant.kubernetes ? 1 : 2), 0);
      assert.equal(created.length, expected);
      assert.equal(vaultSteps(added).length, expected, "something other than the tenants changed");
      const logins = await Promise.all(Object.entries(added.applied.approles).filter(([name]) => name.startsWith("tenant-")).map(async ([name, { roleId, secretId }]) => {
        const login = await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId.reveal() } });
        return login.auth.policies.includes(`tenant-${name}`);
      }));
      assert.ok(logins.length > 0 && logins.every(Boolean), "an AppRole tenant cannot log in with its policy");
      const tokens = await Promise.all(Object.entries(added.applied.tokens).filter(([name]) => name.startsWith("tenant-")).map(async ([name, { token }]) => {
        const self = await vaultCall(endpoint(), "GET", "auth/token/lookup-self", { token: token.reveal() });
        return self.data.policies.includes(`tenant-${name}`);
      }));
      assert.ok(tokens.length > 0 && tokens.every(Boolean), "a token tenant's token does not carry its policy");
      const removed = await start();
      assert.equal(vaultSteps(removed).filter((step) => step.startsWith("delete ")).length, expected);
      observed.tenants = `${TENANTS} tenants: ${expected} resources created in ${added.seconds.toFixed(1)} s, deleted in ${removed.seconds.toFixed(1)} s ` +
        `(whole start: servers running, program run twice, ${added.applied.calls.length} calls)`;
    });

    it("turning vault.configure off is refused for every protected resource, before any call, as Pulumi refuses it", async function () {
      this.timeout(60_000);
      const stateBefore = fs.readFileSync(layout.stateFile, "utf8");
      const protectedUrns = run.registrations.filter((registration) => registration.type.startsWith("vault:") && registration.protect).map((registration) => registration.urn);
      await assert.rejects(start({ vault: { ...(overrides.vault as object), configure: false } }), (error: Error) => {
        assert.ok(error instanceof RefusedChanges, error.message);
        const refused = error.refusals.map((refusal) => /^unable to delete resource "([^"]+)"/.exec(refusal)?.[1]);
        assert.deepEqual(refused.sort(), [...protectedUrns].sort());
        assert.match(error.message, /as it is currently marked for protection\. To unprotect the resource, either remove the `protect` flag/);
        return true;
      });
      assert.deepEqual(protectedUrns.map((urn) => urn.split("::").pop()).sort(), [
        "vault-config-approle-auth", "vault-config-audit-file", "vault-config-kubernetes-auth", "vault-config-mounts-kv", "vault-config-mounts-secret",
      ]);
      assert.equal(fs.readFileSync(layout.stateFile, "utf8"), stateBefore, "the state changed");
      assert.equal((await vaultRequest(endpoint(), "GET", "sys/mounts/kv", asRoot())).status, 200);
    });

    it("npm stop ends both servers by their PIDs; the next start unseals Vault from the folder and changes nothing", async function () {
      this.timeout(90_000);
      const pids = [up.servers.vault.process.pid, up.servers.kubernetes.process.pid];
      assert.deepEqual((await localDown(root)).sort(), ["fake-kubernetes", "vault"]);
      for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `pid ${pid} still runs`);
      assert.ok(!fs.existsSync(layout.vault.pidFile) && !fs.existsSync(layout.kubernetes.pidFile), "a PID file is left");
      assert.deepEqual(await localDown(root), [], "a second stop found something running");
      const restarted = await start();
      assert.deepEqual([restarted.servers.vault.started, restarted.servers.kubernetes.started], [true, true]);
      assert.deepEqual(vaultSteps(restarted), []);
      const self = await vaultCall(restarted.servers.vault.endpoint, "GET", "auth/token/lookup-self", { token: applied.tokens.apisix.token.reveal() });
      assert.deepEqual([...self.data.policies].sort(), ["apisix", "default"]);
    });

    // Last: the socket device is protected, so later starts would have to keep it.
    it("with audit.socket, a second device sends every entry off the node to the collector, HMAC'd", async function () {
      this.timeout(60_000);
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
        assert.deepEqual(vaultSteps(withSocket), ["create vault-config-audit-socket"]);
        const { roleId, secretId } = withSocket.applied.approles.kes;
        await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId.reveal() } });
        const entries = await waitFor("the collector to receive the login", async () => {
          const lines = received.join("").split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
          return lines.some((entry) => entry.request?.path === "auth/approle/login") ? lines : undefined;
        }, 10_000);
        assert.ok(!received.join("").includes(secretId.reveal()), "the SecretID reached the collector in clear");
        assert.ok(entries.length >= 2);
      } finally {
        // Vault keeps its connection open; close() waits for every connection to end.
        for (const connection of connections) connection.destroy();
        await new Promise((resolve) => collector.close(resolve));
      }
    });
  });
});
