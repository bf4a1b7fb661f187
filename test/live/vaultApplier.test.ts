/**
 * The Vault layer as the program declares it, applied to a real Vault with the committed provisioner
 * policy (through the same API calls terraform-provider-vault makes, see local/vaultApplier.ts), then
 * the consumers' own flows against that server: KES through AppRole, APISIX through its scoped token,
 * their `expect` statements through `sys/capabilities`, and the file audit device.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as util from "util";
import { Acl, parsePolicy } from "../../acl";
import { DEFAULT_POLICY } from "../../acl/defaultPolicy";
import { encodeConfig, stackConfig } from "../../config";
import { AppliedVaultResources, applyVaultResources, MadeCall, VaultApplyError } from "../../local/vaultApplier";
import { ProgramRun, Registration, runProgram } from "../../offline/runtime";
import { DevVault, startDevVault } from "./devVault";
import { runDirectory, stopProcess } from "./processes";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";

const PROVISIONER_FILE = path.resolve(__dirname, "../../policies/provisioner.hcl");

interface ConsumerEntry {
  name: string;
  approle?: unknown;
  token?: unknown;
  kubernetes?: unknown;
  expect?: { allow?: string[]; deny?: string[] };
}

/** The dev stack's config with the Vault layer on, Kubernetes off and the Kubernetes consumer removed. */
function liveConfig(auditFile: string): Record<string, any> {
  const config: Record<string, any> = Object.fromEntries(Object.entries(stackConfig("dev")).map(([key, value]) => {
    try {
      return [key, JSON.parse(value)];
    } catch {
      return [key, value];
    }
  }));
  // Never dialled under mocks: the provider's address only has to be a valid https URL.
  config["vault-platform:vault"] = { ...config["vault-platform:vault"], configure: true, address: "https://vault.live.invalid:8200" };
  config["vault-platform:kubernetes"] = { ...config["vault-platform:kubernetes"], enabled: false, injector: false };
  config["vault-platform:consumers"] = (config["vault-platform:consumers"] as ConsumerEntry[]).filter((consumer) => consumer.kubernetes === undefined);
  config["vault-platform:audit"] = { enabled: true, path: auditFile };
  return config;
}

/** The capability a call needs on its path (PUT and POST are create or update, as Vault decides). */
function neededCapabilities(call: MadeCall): string[] {
  return call.method === "GET" ? ["read"] : call.method === "DELETE" ? ["delete"] : ["create", "update"];
}

describe("live: the Vault layer applied with the provisioner policy, and the consumers using it", function () {
  let vault: DevVault;
  let run: ProgramRun;
  let config: Record<string, any>;
  let applied: AppliedVaultResources;
  let provisionerToken: string;
  let auditFile: string;
  let kesToken: string | undefined;
  const root = () => ({ token: vault.rootToken });

  before(async function () {
    this.timeout(60_000);
    vault = await startDevVault();
    auditFile = path.join(fs.mkdtempSync(path.join(runDirectory(), "audit-")), "audit.log");
    config = liveConfig(auditFile);
    run = await runProgram(encodeConfig(config), "dev", { env: { VAULT_TOKEN: "hvs.placeholder-never-sent" } });
    // A dev server mounts KV v2 at secret/; a freshly initialised cluster has no such mount.
    await vaultCall(vault.endpoint, "DELETE", "sys/mounts/secret", root());
    // The bootstrap runbook, step 4: the provisioner policy from the repository and an orphan periodic token with only it.
    await vaultCall(vault.endpoint, "PUT", "sys/policies/acl/provisioner", { ...root(), body: { policy: fs.readFileSync(PROVISIONER_FILE, "utf8") } });
    const created = await vaultCall(vault.endpoint, "POST", "auth/token/create-orphan", {
      ...root(), body: { policies: ["provisioner"], period: "24h", display_name: "pulumi-provisioner" },
    });
    provisionerToken = created.auth.client_token;
    applied = await applyVaultResources(vault.endpoint, provisionerToken, run.registrations);
    // The provider's child token expires after 20 minutes; revoke it now, so every flow below runs on what outlives it.
    for (const { accessor } of applied.providerTokens) {
      await vaultCall(vault.endpoint, "POST", "auth/token/revoke-accessor", { ...root(), body: { accessor } });
    }
  });

  after(async () => {
    if (vault) await stopProcess(vault.process);
  });

  const consumers = (): ConsumerEntry[] => config["vault-platform:consumers"];

  describe("the applier", () => {
    const fakeEndpoint = { address: "http://127.0.0.1:9" };

    it("refuses a vault: type it has no mapping for, before any call", async () => {
      const provider = run.registrations.find((registration) => registration.type === "pulumi:providers:vault")!;
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
      await assert.rejects(applyVaultResources(fakeEndpoint, "unused", reordered), /vault:index\/token:Token \(vault-config-tokens-apisix\) is registered before what it needs: token-role:apisix, policy:apisix/);
    });

    it("names the call a policy refuses, a read-back included, and never the token", async () => {
      await vaultCall(vault.endpoint, "PUT", "sys/policies/acl/no-read-back", {
        ...root(),
        body: { policy: 'path "auth/token/create" { capabilities = ["update"] }\npath "sys/auth/probe" { capabilities = ["create", "update", "sudo"] }\n' },
      });
      const limited = (await vaultCall(vault.endpoint, "POST", "auth/token/create-orphan", { ...root(), body: { policies: ["no-read-back"], ttl: "10m" } })).auth.client_token;
      const registrations = run.registrations
        .filter((registration) => registration.type === "pulumi:providers:vault" || registration.type === "vault:index/authBackend:AuthBackend")
        .map((registration) => (registration.type === "pulumi:providers:vault" ? registration : { ...registration, inputs: { ...registration.inputs, path: "probe" } }));
      await assert.rejects(applyVaultResources(vault.endpoint, limited, registrations), (error: Error) => {
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
      assert.deepEqual(applied.applied, expected);
      assert.deepEqual([...new Set(expected.map(({ type }) => type))].sort(), [
        "vault:appRole/authBackendRole:AuthBackendRole",
        "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId",
        "vault:index/audit:Audit",
        "vault:index/authBackend:AuthBackend",
        "vault:index/mount:Mount",
        "vault:index/policy:Policy",
        "vault:index/token:Token",
        "vault:kv/secretBackendV2:SecretBackendV2",
        "vault:tokenauth/authBackendRole:AuthBackendRole",
      ]);
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
        "create POST sys/auth/approle 204",
        "read GET sys/mounts/auth/approle 200",
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
        "create PUT auth/approle/role/kes 204",
        "read GET auth/approle/role/kes 200",
        "read GET auth/approle/role/kes/role-id 200",
        "create POST auth/token/create/apisix 200",
        "read POST auth/token/lookup-accessor 200",
        "create PUT auth/approle/role/kes/secret-id 200",
        "read PUT auth/approle/role/kes/secret-id-accessor/lookup 200",
      ]);
    });

    it("needed nothing provisioner.hcl does not grant, and left only its update, delete and Kubernetes rules unused", async () => {
      // Vault's own answer for the provisioner token on every path a call used.
      const paths = [...new Set(applied.calls.map((call) => call.path))];
      const answer = await vaultCall(vault.endpoint, "POST", "sys/capabilities", { ...root(), body: { token: provisionerToken, paths } });
      const refused = applied.calls.filter((call) => {
        const granted: string[] = answer.data?.[call.path] ?? answer[call.path] ?? [];
        return !neededCapabilities(call).some((capability) => granted.includes(capability));
      }).map((call) => `${call.method} ${call.path}`);
      // lookup-self is in Vault's default policy; seal-status needs no token.
      assert.deepEqual(refused, ["GET sys/seal-status"]);
      // Which rules of the file decided those calls (the offline evaluator, which agrees with Vault: test/live/acl.test.ts).
      const provisioner = parsePolicy(fs.readFileSync(PROVISIONER_FILE, "utf8"), "provisioner.hcl");
      const acl = new Acl([provisioner, parsePolicy(DEFAULT_POLICY, "default")]);
      const used = new Set(applied.calls.flatMap((call) => acl.winningRule(call.path)?.origins ?? []));
      const unused = provisioner.rules.filter((rule) => !used.has(`provisioner.hcl:${rule.line}`)).map((rule) => rule.written);
      assert.deepEqual(unused, [
        "sys/mounts/kv/tune",
        "sys/mounts/secret/tune",
        "sys/auth/kubernetes",
        "sys/mounts/auth/kubernetes",
        "auth/kubernetes/config",
        "auth/kubernetes/role/+",
        "auth/token/revoke-accessor",
      ]);
    });

    it("was the provisioner's child token in every audited call, never root", () => {
      const audited = fs.readFileSync(auditFile, "utf8").trim().split("\n").map((line) => JSON.parse(line))
        .filter((entry) => entry.type === "request");
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
      const secrets = [provisionerToken, ...Object.values(applied.approles).map((approle) => approle.secretId.reveal()),
        ...Object.values(applied.tokens).map((token) => token.token.reveal())];
      assert.equal(secrets.length, 3);
      for (const secret of secrets) assert.ok(!printed.includes(secret), "a secret is printed");
      assert.match(printed, /\[secret\]/);
    });
  });

  describe("after the provider's child token is gone", () => {
    it("the child token is revoked", async () => {
      const lookup = await vaultRequest(vault.endpoint, "POST", "auth/token/lookup-accessor", { ...root(), body: { accessor: applied.providerTokens[0].accessor } });
      assert.equal(lookup.status, 400, `child token lookup answered ${lookup.status}`);
    });

    it("APISIX's token lives on: an orphan with its policy and the configured 768h TTL", async () => {
      const token = applied.tokens.apisix.token.reveal();
      const self = await vaultCall(vault.endpoint, "GET", "auth/token/lookup-self", { token });
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
      const login = await vaultCall(vault.endpoint, "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId.reveal() } });
      kesToken = login.auth.client_token;
    });
    const kes = () => ({ token: kesToken! });

    it("the program's KES settings point at kv, KV v1, prefix kes", async () => {
      const settings = await new Promise<any>((resolve) => run.outputs.kesKeystore!.apply((value) => { resolve(value); return value; }));
      assert.deepEqual({ engine: settings.kes.engine, version: settings.kes.version, prefix: settings.kes.prefix }, { engine: "kv", version: "v1", prefix: "kes" });
    });

    it("logs in with its role ID and SecretID and gets its policy with the 5m period", async () => {
      const self = await vaultCall(vault.endpoint, "GET", "auth/token/lookup-self", kes());
      assert.deepEqual([...self.data.policies].sort(), ["default", "kes-kes"]);
      assert.equal(self.data.period, 300);
    });

    it("creates, reads and deletes kv/kes/key-1, and may not update it", async () => {
      const create = await vaultRequest(vault.endpoint, "PUT", "kv/kes/key-1", { ...kes(), body: { key: "c2VjcmV0LWtleS1tYXRlcmlhbA==" } });
      assert.equal(create.status, 204, `create: ${JSON.stringify(create.body)}`);
      const read = await vaultRequest(vault.endpoint, "GET", "kv/kes/key-1", kes());
      assert.equal(read.status, 200);
      assert.equal(read.body.data.key, "c2VjcmV0LWtleS1tYXRlcmlhbA==");
      // KV v1: a write to an existing key is an update, which KES's policy does not grant.
      const update = await vaultRequest(vault.endpoint, "PUT", "kv/kes/key-1", { ...kes(), body: { key: "b3RoZXI=" } });
      assert.equal(update.status, 403);
      assert.equal((await vaultRequest(vault.endpoint, "GET", "kv/kes/key-1", kes())).body.data.key, "c2VjcmV0LWtleS1tYXRlcmlhbA==");
      const remove = await vaultRequest(vault.endpoint, "DELETE", "kv/kes/key-1", kes());
      assert.equal(remove.status, 204);
      assert.equal((await vaultRequest(vault.endpoint, "GET", "kv/kes/key-1", kes())).status, 404);
    });

    it("may not read APISIX's secrets", async () => {
      await vaultCall(vault.endpoint, "PUT", "kv/apisix/consumer/jack/jwt-auth", { ...root(), body: { key: "user-key", secret: "jack-hs256-secret" } });
      assert.equal((await vaultRequest(vault.endpoint, "GET", "kv/apisix/consumer/jack/jwt-auth", kes())).status, 403);
    });
  });

  describe("APISIX (scoped token)", () => {
    const apisix = () => ({ token: applied.tokens.apisix.token.reveal() });
    before(async () => {
      await vaultCall(vault.endpoint, "PUT", "kv/apisix/consumer/jack/jwt-auth", { ...root(), body: { key: "user-key", secret: "jack-hs256-secret" } });
      await vaultCall(vault.endpoint, "PUT", "kv/kes/key-2", { ...root(), body: { key: "a2V5LTI=" } });
    });

    it("the program's APISIX settings use prefix kv/apisix", async () => {
      const settings = await new Promise<any>((resolve) => run.outputs.apisixVault!.apply((value) => { resolve(value); return value; }));
      assert.equal(settings.apisix.prefix, "kv/apisix");
    });

    it("reads kv/apisix/consumer/jack/jwt-auth", async () => {
      const read = await vaultRequest(vault.endpoint, "GET", "kv/apisix/consumer/jack/jwt-auth", apisix());
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.data, { key: "user-key", secret: "jack-hs256-secret" });
    });

    it("may not write it, add a consumer, list consumers or read KES's keys", async () => {
      assert.equal((await vaultRequest(vault.endpoint, "PUT", "kv/apisix/consumer/jack/jwt-auth", { ...apisix(), body: { key: "x" } })).status, 403);
      assert.equal((await vaultRequest(vault.endpoint, "PUT", "kv/apisix/consumer/mallory/jwt-auth", { ...apisix(), body: { key: "x" } })).status, 403);
      assert.equal((await vaultRequest(vault.endpoint, "LIST", "kv/apisix/consumer/", apisix())).status, 403);
      assert.equal((await vaultRequest(vault.endpoint, "GET", "kv/kes/key-2", apisix())).status, 403);
    });
  });

  describe("each consumer's expect statements, asked of Vault with its real token", () => {
    it("every allow is granted and every deny is not", async () => {
      const tokens: Record<string, string | undefined> = { apisix: applied.tokens.apisix?.token.reveal(), kes: kesToken };
      const mismatches: string[] = [];
      let checked = 0;
      for (const consumer of consumers()) {
        const token = tokens[consumer.name];
        assert.ok(token, `no live token for consumer ${consumer.name}`);
        const statements = [...(consumer.expect?.allow ?? []).map((s) => ({ s, allow: true })), ...(consumer.expect?.deny ?? []).map((s) => ({ s, allow: false }))];
        const paths = [...new Set(statements.map(({ s }) => s.split(" ")[1]))];
        const answer = await vaultCall(vault.endpoint, "POST", "sys/capabilities", { ...root(), body: { token, paths } });
        for (const { s, allow } of statements) {
          const [capability, statementPath] = s.split(" ");
          const granted: string[] = answer.data?.[statementPath] ?? answer[statementPath];
          if (granted.includes(capability) !== allow) mismatches.push(`${consumer.name}: ${allow ? "allow" : "deny"} ${s}, Vault grants [${granted.join(", ")}]`);
          checked++;
        }
      }
      assert.deepEqual(mismatches, []);
      const declared = consumers().reduce((sum, consumer) => sum + (consumer.expect?.allow?.length ?? 0) + (consumer.expect?.deny?.length ?? 0), 0);
      assert.equal(checked, declared);
      assert.ok(checked >= 2 * consumers().length, `only ${checked} statements checked`);
    });
  });

  describe("the file audit device", () => {
    it("exists at file/ with the configured file path", async () => {
      const audits = await vaultCall(vault.endpoint, "GET", "sys/audit", root());
      const device = audits.data?.["file/"] ?? audits["file/"];
      assert.equal(device?.type, "file");
      assert.equal(device.options.file_path, auditFile);
    });

    it("recorded the consumers' requests, HMAC'd: no SecretID or token in clear", () => {
      const text = fs.readFileSync(auditFile, "utf8");
      const entries = text.trim().split("\n").map((line) => JSON.parse(line));
      const requested = (requestPath: string) => entries.some((entry) => entry.type === "request" && entry.request?.path === requestPath);
      assert.ok(requested("auth/approle/login"), "no audited AppRole login");
      assert.ok(requested("kv/kes/key-1"), "no audited KES key request");
      assert.ok(requested("kv/apisix/consumer/jack/jwt-auth"), "no audited APISIX read");
      for (const secret of [applied.approles.kes.secretId.reveal(), applied.tokens.apisix.token.reveal(), kesToken!, provisionerToken, "jack-hs256-secret"]) {
        assert.ok(!text.includes(secret), "a secret is in the audit log in clear");
      }
    });
  });
});
