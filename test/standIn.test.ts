import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { VAULT_TYPES } from "../components/resourceTypes";
import { engineLayout, engineMode, outputAt, plainUpCommands, stepCollector, TOKEN_KEY, writeEngineStackFile } from "../local/engine";
import { stackDocumentConfig, staleProvisionerFile } from "../local/localStack";
import { MadeCall, urnParts, VaultStandIn } from "../local/provider/standIn";
import { isSecretInput, markSecret, UNKNOWN_VALUE, unwrapSecret } from "../lib/wireSecret";
import { parseConfig, PROJECT_ROOT, stackConfig, withPasswordPlaceholder } from "../config";
import { runProgram } from "../offline/runtime";
import { devWithVault, encodeConfig } from "./fixtures";

const urn = (type: string, name: string) => `urn:pulumi:local::vault-platform::vault:index/vaultConfiguration:VaultConfiguration$${type}::${name}`;

interface Received { method: string; path: string; token?: string; body: any }

/** A Vault stand-in on loopback that answers from a table and records each request. */
async function fakeVault(answer: (request: Received) => { status: number; body?: unknown }): Promise<{ address: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => { text += chunk; });
    request.on("end", () => {
      const entry = { method: request.method!, path: request.url!.replace(/^\/v1\//, ""), token: request.headers["x-vault-token"] as string | undefined, body: text ? JSON.parse(text) : undefined };
      received.push(entry);
      const { status, body } = answer(entry);
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(body === undefined ? "" : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Answers for the provider's configure calls and a child token, then whatever `rest` answers. */
function withConfigure(rest: (request: Received) => { status: number; body?: unknown }) {
  return (request: Received) => {
    if (request.path === "auth/token/lookup-self") return { status: 200, body: { data: { policies: ["provisioner"] } } };
    if (request.path === "auth/token/create") return { status: 200, body: { auth: { client_token: "hvs.child", accessor: "child-accessor", policies: ["default", "provisioner"] } } };
    if (request.path === "sys/seal-status") return { status: 200, body: { version: "1.21.1" } };
    return rest(request);
  };
}

describe("the Vault provider stand-in: Check and Diff", () => {
  const standIn = new VaultStandIn();

  it("takes the type and name from a URN, the last type of a parent chain", () => {
    assert.deepEqual(urnParts(urn(VAULT_TYPES.policy, "vault-config-policies-kes")), { type: VAULT_TYPES.policy, name: "vault-config-policies-kes" });
  });

  it("refuses a type it has no calls for, and an input its calls do not send, naming the property", () => {
    assert.throws(() => standIn.check(urn("vault:index/namespace:Namespace", "ns"), { path: "team" }), /vault:index\/namespace:Namespace: the Vault provider stand-in \(local\/provider\) has no calls for this type/);
    const { failures } = standIn.check(urn(VAULT_TYPES.policy, "p"), { name: "p", policy: "x", namespace: "team", __defaults: [] });
    assert.deepEqual(failures.map((failure) => failure.property), ["namespace"]);
    assert.match(failures[0].reason, /not sent by the Vault provider stand-in for vault:index\/policy:Policy/);
    assert.deepEqual(standIn.checkConfig({ address: "https://x", token: markSecret("t"), namespace: "team" }).failures.map((failure) => failure.property), ["namespace"]);
  });

  it("sees a changed policy text as an update, and a new name as a replacement", () => {
    const policy = urn(VAULT_TYPES.policy, "p");
    assert.deepEqual(standIn.diff(policy, { name: "p", policy: "a" }, { name: "p", policy: "b" }), { changes: true, replaces: [], diffs: ["policy"] });
    assert.deepEqual(standIn.diff(policy, { name: "p", policy: "a" }, { name: "q", policy: "a" }), { changes: true, replaces: ["name"], diffs: ["name"] });
    assert.deepEqual(standIn.diff(policy, { name: "p", policy: "a" }, { name: "p", policy: "a" }), { changes: false, replaces: [], diffs: [] });
  });

  it("compares values, not secret markers, bookkeeping keys or the order of a list", () => {
    const config = urn(VAULT_TYPES.kubernetesConfig, "c");
    assert.equal(standIn.diff(config, { kubernetesHost: "h", tokenReviewerJwt: markSecret("jwt") }, { kubernetesHost: "h", tokenReviewerJwt: markSecret("jwt"), __defaults: [] }).changes, false);
    assert.deepEqual(standIn.diff(config, { kubernetesHost: "h", tokenReviewerJwt: markSecret("jwt") }, { kubernetesHost: "h", tokenReviewerJwt: markSecret("jwt2") }).diffs, ["tokenReviewerJwt"]);
    const role = urn(VAULT_TYPES.kubernetesRole, "r");
    assert.equal(standIn.diff(role, { roleName: "r", tokenPolicies: ["a", "b"] }, { roleName: "r", tokenPolicies: ["b", "a"] }).changes, false);
  });

  it("replaces on ForceNew inputs only; a token or a SecretID on any change; an unknown value is a change", () => {
    const mount = urn(VAULT_TYPES.mount, "m");
    assert.deepEqual(standIn.diff(mount, { path: "kv", type: "kv", description: "a" }, { path: "kv", type: "kv", description: "b" }).replaces, []);
    assert.deepEqual(standIn.diff(mount, { path: "kv", type: "kv" }, { path: "kv", type: "kv-v2" }).replaces, ["type"]);
    assert.deepEqual(standIn.diff(urn(VAULT_TYPES.token, "t"), { ttl: "768h", policies: ["a"] }, { ttl: "720h", policies: ["a"] }).replaces, ["ttl"]);
    assert.deepEqual(standIn.diff(urn(VAULT_TYPES.approleRole, "r"), { roleName: "r", backend: "approle" }, { roleName: "r", backend: UNKNOWN_VALUE }).replaces, ["backend"]);
  });

  it("refuses a new mount path (a remount in terraform-provider-vault) instead of replacing the mount with its data", () => {
    assert.throws(() => standIn.diff(urn(VAULT_TYPES.mount, "vault-config-mounts-kv"), { path: "kv", type: "kv" }, { path: "kv2", type: "kv" }),
      /vault:index\/mount:Mount vault-config-mounts-kv: changing path is a remount in terraform-provider-vault, which the stand-in does not make/);
  });

  it("accepts every input the program registers for the dev and local stacks, and names the stand-in and the type for one it does not send", async () => {
    const stacks = [["dev", encodeConfig(devWithVault()), {}], ["local", stackConfig("local"), { overrides: withPasswordPlaceholder(stackConfig("local"), { kubernetes: { reviewer: undefined } }) }]] as const;
    for (const [stack, raw, parse] of stacks) {
      const run = await runProgram(raw, stack, { env: { VAULT_TOKEN: "x" }, ...parse });
      const vaultResources = run.registrations.filter((registration) => registration.type.startsWith("vault:"));
      assert.ok(vaultResources.length >= 10, stack);
      const refused = vaultResources.flatMap((registration) => standIn.check(registration.urn, registration.inputs).failures.map((failure) => `${registration.name}: ${failure.property}`));
      assert.deepEqual(refused, [], stack);
      const provider = run.registrations.find((registration) => registration.type === "pulumi:providers:vault")!;
      assert.deepEqual(standIn.checkConfig(provider.inputs).failures, [], stack);
    }
    assert.deepEqual(standIn.checkConfig({ address: "a", namespace: "team" }).failures, [{ property: "namespace", reason: "the Vault provider stand-in (local/provider) does not implement namespace" }]);
  });

  it("sees a changed provider setting as an update of the provider, never a replacement", () => {
    assert.deepEqual(standIn.diffConfig({ address: "https://a", token: markSecret("t"), version: "7.8.0" }, { address: "https://a", token: markSecret("t2"), version: "7.8.1" }), { changes: true, diffs: ["token"] });
    assert.equal(standIn.diffConfig({ address: "https://a" }, { address: "https://a" }).changes, false);
  });
});

describe("the Vault provider stand-in: its calls", () => {
  let vault: Awaited<ReturnType<typeof fakeVault>>;
  let calls: MadeCall[];
  let standIn: VaultStandIn;
  const roles = new Map<string, Record<string, unknown>>();
  let accessorFound = true;

  before(async () => {
    vault = await fakeVault(withConfigure((request) => {
      if (request.path === "auth/approle/role/kes" && request.method === "PUT") {
        roles.set("kes", { ...roles.get("kes"), ...request.body });
        return { status: 204 };
      }
      if (request.path === "auth/approle/role/kes" && request.method === "GET") return roles.has("kes") ? { status: 200, body: { data: roles.get("kes") } } : { status: 404, body: { errors: [] } };
      if (request.path === "auth/approle/role/kes/role-id") return { status: 200, body: { data: { role_id: "role-id-1" } } };
      if (request.path === "auth/approle/role/kes/secret-id") return { status: 200, body: { data: { secret_id: "the-secret-id", secret_id_accessor: "sid-accessor" } } };
      if (request.path === "auth/approle/role/kes/secret-id-accessor/lookup") {
        return accessorFound ? { status: 200, body: { data: { secret_id_accessor: request.body.secret_id_accessor } } } : { status: 404, body: { errors: [] } };
      }
      if (request.path === "auth/approle/role/kes/secret-id-accessor/destroy") return { status: 204 };
      if (request.path === "sys/policies/acl/denied") return { status: 403, body: { errors: ["permission denied"] } };
      return { status: 404, body: { errors: [`no answer for ${request.method} ${request.path}`] } };
    }));
    calls = [];
    standIn = new VaultStandIn((call) => calls.push(call));
    await standIn.configure({ address: vault.address, token: markSecret("hvs.given"), maxLeaseTtlSeconds: "900" });
  });
  after(() => vault.close());
  beforeEach(() => { vault.received.length = 0; calls.length = 0; });

  it("configured as terraform-provider-vault does: lookup-self with the given token, a child token of maxLeaseTtlSeconds, seal-status with the child", () => {
    const standInAgain = new VaultStandIn();
    return standInAgain.configure({ address: vault.address, token: markSecret("hvs.given"), maxLeaseTtlSeconds: "900" }).then(() => {
      assert.deepEqual(vault.received.map((request) => `${request.method} ${request.path} ${request.token}`), [
        "GET auth/token/lookup-self hvs.given", "POST auth/token/create hvs.given", "GET sys/seal-status hvs.child",
      ]);
      assert.deepEqual({ ttl: vault.received[1].body.ttl, explicit: vault.received[1].body.explicit_max_ttl, name: vault.received[1].body.display_name }, { ttl: "900s", explicit: "900s", name: "terraform" });
    });
  });

  it("configures without a child token when skipChildToken is set, with the token name the provider is given, and not at all before the address is known", async () => {
    const direct = new VaultStandIn();
    await direct.configure({ address: vault.address, token: "hvs.given", skipChildToken: "true" });
    assert.deepEqual(vault.received.map((request) => `${request.method} ${request.path} ${request.token}`), ["GET auth/token/lookup-self hvs.given", "GET sys/seal-status hvs.given"]);
    vault.received.length = 0;
    await new VaultStandIn().configure({ address: vault.address, token: "hvs.given", tokenName: "pulumi" });
    assert.equal(vault.received[1].body.display_name, "pulumi");
    assert.equal(vault.received[1].body.renewable, false);
    assert.equal(vault.received[1].body.ttl, "1200s", "the provider's default child token TTL");
    vault.received.length = 0;
    const previewing = new VaultStandIn();
    await previewing.configure({ address: UNKNOWN_VALUE, token: "hvs.given" });
    await previewing.configure({ address: vault.address, token: markSecret(UNKNOWN_VALUE) });
    assert.deepEqual(vault.received, []);
    await assert.rejects(previewing.create(urn(VAULT_TYPES.policy, "p"), { name: "p", policy: "x" }), /vault:index\/policy:Policy p: the Vault provider was not configured with a known address and token/);
  });

  it("takes the address, token and CA from VAULT_ADDR, VAULT_TOKEN and VAULT_CACERT when the provider has none, and names what is missing", async () => {
    const fromEnv = new VaultStandIn();
    await fromEnv.configure({}, { VAULT_ADDR: vault.address, VAULT_TOKEN: "hvs.env" });
    assert.equal(vault.received[0].token, "hvs.env");
    await assert.rejects(new VaultStandIn().configure({ token: "t" }, {}), /^Error: the Vault provider needs an address \(the provider's address input or VAULT_ADDR\)$/);
    await assert.rejects(new VaultStandIn().configure({ address: vault.address }, {}), /^Error: the Vault provider needs a token \(the provider's token input or VAULT_TOKEN\) or a login \(authLoginUserpass\)$/);
    await assert.rejects(new VaultStandIn().configure({ address: vault.address, token: "t" }, { VAULT_CACERT: "/nonexistent/ca.pem" }), /ENOENT/);
  });

  it("logs in with authLoginUserpass as auth_userpass.go does, without a token, then makes the child token from the login's token; a refused login names no password", async () => {
    const login = await fakeVault(withConfigure((request) => (request.path === "auth/provisioning/login/pulumi-provisioner" && request.body?.password === "the-password"
      ? { status: 200, body: { auth: { client_token: "hvs.logged-in", policies: ["default", "provisioner"] } } }
      : { status: 400, body: { errors: ["invalid username or password"] } })));
    try {
      const loginCalls: MadeCall[] = [];
      // @pulumi/vault hands the block over as JSON, secret as a whole when the password is.
      const block = markSecret(JSON.stringify({ mount: "provisioning", username: "pulumi-provisioner", password: "the-password" }));
      await new VaultStandIn((call) => loginCalls.push(call)).configure({ address: login.address, authLoginUserpass: block, maxLeaseTtlSeconds: "600" }, { VAULT_TOKEN: "hvs.from-env" });
      assert.deepEqual(login.received.map((request) => `${request.method} ${request.path} ${request.token}`), [
        "PUT auth/provisioning/login/pulumi-provisioner undefined", "GET auth/token/lookup-self hvs.logged-in", "POST auth/token/create hvs.logged-in", "GET sys/seal-status hvs.child",
      ]);
      assert.deepEqual(login.received[0].body, { username: "pulumi-provisioner", password: "the-password", password_file: "" });
      assert.equal(login.received[2].body.ttl, "600s");
      assert.ok(!JSON.stringify(loginCalls).includes("the-password"), "the call log holds the password");
      login.received.length = 0;
      await assert.rejects(new VaultStandIn().configure({ address: login.address, authLoginUserpass: { username: "pulumi-provisioner", password: "the-password" } }));
      assert.equal(login.received[0].path, "auth/userpass/login/pulumi-provisioner", "the provider's default mount");
      await assert.rejects(new VaultStandIn().configure({ address: login.address, authLoginUserpass: { mount: "provisioning", username: "pulumi-provisioner", password: "wrong-password" } }), (error: Error) => {
        assert.equal(error.message, "pulumi:providers:vault provider: PUT auth/provisioning/login/pulumi-provisioner -> 400: invalid username or password");
        return true;
      });
      await assert.rejects(new VaultStandIn().configure({ address: login.address, authLoginUserpass: { password: "p" } }), /^Error: authLoginUserpass: required fields are unset: \[username\]$/);
      await assert.rejects(new VaultStandIn().configure({ address: login.address, authLoginUserpass: { username: "u", passwordFile: "/p" } }), /^Error: authLoginUserpass: the Vault provider stand-in \(local\/provider\) does not implement passwordFile$/);
      login.received.length = 0;
      await new VaultStandIn().configure({ address: login.address, authLoginUserpass: markSecret(UNKNOWN_VALUE) });
      assert.deepEqual(login.received, [], "a login whose password is not known yet is not tried");
    } finally {
      await login.close();
    }
  });

  it("names a transport failure with status 0 and the socket's code, never the token", async () => {
    const unreachable = new VaultStandIn();
    await assert.rejects(unreachable.configure({ address: "http://127.0.0.1:9", token: "hvs.secret" }), (error: Error) => {
      assert.equal(error.message, "pulumi:providers:vault provider: GET auth/token/lookup-self -> 0 (transport: ECONNREFUSED)");
      return true;
    });
  });

  it("creates an AppRole role with the child token, reads it back and returns the role ID as an output", async () => {
    const inputs = { backend: "approle", roleName: "kes", tokenPolicies: ["kes-kes"], tokenPeriod: 300, secretIdTtl: 2592000, __defaults: [] };
    const { id, outs } = await standIn.create(urn(VAULT_TYPES.approleRole, "vault-config-approle-kes"), inputs);
    assert.equal(id, "auth/approle/role/kes");
    assert.equal(outs.roleId, "role-id-1");
    assert.deepEqual(vault.received.map((request) => `${request.method} ${request.path} ${request.token}`), [
      "PUT auth/approle/role/kes hvs.child", "GET auth/approle/role/kes hvs.child", "GET auth/approle/role/kes/role-id hvs.child",
    ]);
    assert.deepEqual(calls.map((call) => `${call.phase} ${call.method} ${call.path} ${call.status}`), [
      "create PUT auth/approle/role/kes 204", "read GET auth/approle/role/kes 200", "read GET auth/approle/role/kes/role-id 200",
    ]);
  });

  it("updates an AppRole role with only the changed fields, an unset one as its zero value, keeping the role ID", async () => {
    const olds = { backend: "approle", roleName: "kes", tokenPolicies: ["kes-kes"], tokenPeriod: 300, tokenTtl: 60, roleId: "role-id-1" };
    const oldInputs = { backend: "approle", roleName: "kes", tokenPolicies: ["kes-kes"], tokenPeriod: 300, tokenTtl: 60 };
    const { outs } = await standIn.update(urn(VAULT_TYPES.approleRole, "vault-config-approle-kes"), olds, oldInputs, { backend: "approle", roleName: "kes", tokenPolicies: ["kes-kes"], tokenPeriod: 600 });
    const write = vault.received.find((request) => request.method === "PUT")!;
    assert.deepEqual(write.body, { token_period: 600, token_ttl: 0 });
    assert.equal(outs.roleId, "role-id-1");
    assert.equal(outs.tokenPeriod, 600);
  });

  it("returns a SecretID marked secret, and never logs or throws it", async () => {
    const { id, outs } = await standIn.create(urn(VAULT_TYPES.approleSecretId, "vault-config-approle-kes"), { backend: "approle", roleName: "kes" });
    assert.equal(id, "backend=approle::role=kes::accessor=sid-accessor");
    assert.ok(isSecretInput(outs.secretId));
    assert.equal(unwrapSecret(outs.secretId), "the-secret-id");
    assert.equal(outs.accessor, "sid-accessor");
    assert.ok(!JSON.stringify(calls).includes("the-secret-id"));
  });

  it("refreshes: unchanged, drifted (Vault's value becomes the state's input), or gone (an empty ID)", async () => {
    const props = { backend: "approle", roleName: "kes", tokenPolicies: ["kes-kes"], tokenPeriod: 600, roleId: "role-id-1" };
    const inputs = { backend: "approle", roleName: "kes", tokenPolicies: ["kes-kes"], tokenPeriod: 600 };
    const role = urn(VAULT_TYPES.approleRole, "vault-config-approle-kes");
    roles.set("kes", { token_policies: ["kes-kes"], token_period: 600 });
    assert.deepEqual(await standIn.read(role, "auth/approle/role/kes", props, inputs), { id: "auth/approle/role/kes", props, inputs });
    roles.set("kes", { token_policies: ["kes-kes", "admin"], token_period: 600 });
    const drifted = await standIn.read(role, "auth/approle/role/kes", props, inputs);
    assert.deepEqual(drifted.inputs.tokenPolicies, ["kes-kes", "admin"]);
    assert.equal(drifted.props.roleId, "role-id-1");
    assert.ok(calls.every((call) => call.phase === "refresh"));
    roles.delete("kes");
    assert.equal((await standIn.read(role, "auth/approle/role/kes", props, inputs)).id, "");
    accessorFound = false;
    const secretIdProps = { backend: "approle", roleName: "kes", accessor: "sid-accessor", secretId: markSecret("the-secret-id") };
    assert.equal((await standIn.read(urn(VAULT_TYPES.approleSecretId, "s"), "x", secretIdProps, { backend: "approle", roleName: "kes" })).id, "");
    accessorFound = true;
  });

  it("deletes a SecretID by its accessor from the state", async () => {
    await standIn.delete(urn(VAULT_TYPES.approleSecretId, "s"), { backend: "approle", roleName: "kes", accessor: "sid-accessor", secretId: markSecret("x") }, { backend: "approle", roleName: "kes" });
    assert.deepEqual(vault.received.map((request) => [request.method, request.path, request.body]), [["PUT", "auth/approle/role/kes/secret-id-accessor/destroy", { secret_id_accessor: "sid-accessor" }]]);
  });

  it("refuses an update for a type that has none, and a refresh Vault answers with an error (403 is not gone)", async () => {
    await assert.rejects(standIn.update(urn(VAULT_TYPES.token, "t"), {}, { ttl: "1h" }, { ttl: "2h" }), /^Error: vault:index\/token:Token t: has no update; every change replaces it$/);
    await assert.rejects(standIn.read(urn(VAULT_TYPES.policy, "vault-config-policies-denied"), "denied", { name: "denied", policy: "x" }, undefined),
      /^Error: vault:index\/policy:Policy vault-config-policies-denied: refresh answered 403: permission denied$/);
  });

  it("sends an update's second call (a role ID) only when it changed, and keeps what create computed, never the SDK's bookkeeping", async () => {
    const role = urn(VAULT_TYPES.approleRole, "vault-config-approle-kes");
    const olds = { backend: "approle", roleName: "kes", tokenPeriod: 300, roleId: "role-id-1", __defaults: [] };
    const { outs } = await standIn.update(role, olds, { backend: "approle", roleName: "kes", tokenPeriod: 300, roleId: "fixed" }, { backend: "approle", roleName: "kes", tokenPeriod: 600, roleId: "fixed" });
    assert.deepEqual(vault.received.filter((request) => request.method === "PUT").map((request) => request.path), ["auth/approle/role/kes"]);
    assert.equal(outs.roleId, "role-id-1");
    assert.equal(outs.__defaults, undefined);
    vault.received.length = 0;
    await standIn.update(role, olds, { backend: "approle", roleName: "kes", tokenPeriod: 300, roleId: "old" }, { backend: "approle", roleName: "kes", tokenPeriod: 300, roleId: "new" });
    assert.deepEqual(vault.received.filter((request) => request.method === "PUT").map((request) => [request.path, request.body]), [["auth/approle/role/kes", {}], ["auth/approle/role/kes/role-id", { role_id: "new" }]]);
  });

  it("names the refused call, its status and Vault's error, never the token", async () => {
    await assert.rejects(standIn.create(urn(VAULT_TYPES.policy, "vault-config-policies-denied"), { name: "denied", policy: "x" }), (error: Error) => {
      assert.equal(error.message, "vault:index/policy:Policy vault-config-policies-denied: PUT sys/policies/acl/denied -> 403 (permission denied): permission denied");
      assert.ok(!error.message.includes("hvs."));
      return true;
    });
  });
});

describe("the local stack's engine files", () => {
  let folder: string;
  beforeEach(() => { folder = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-engine-")); });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it("rewrites the engine's stack file with the new config, keeping the engine's salt and secure token", () => {
    const file = path.join(folder, "Pulumi.local.yaml");
    fs.writeFileSync(file, yaml.dump({ encryptionsalt: "v1:salt", config: { "vault-platform:mounts": [], [TOKEN_KEY]: { secure: "v1:cipher" }, "vault-platform:gone": 1 } }));
    writeEngineStackFile(file, { "vault-platform:mounts": [{ path: "kv", version: 1 }] });
    assert.deepEqual(yaml.load(fs.readFileSync(file, "utf8")), {
      encryptionsalt: "v1:salt", config: { "vault-platform:mounts": [{ path: "kv", version: 1 }], [TOKEN_KEY]: { secure: "v1:cipher" } },
    });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it("takes the committed local stack's config and applies overrides as parseConfig does", () => {
    const committed = yaml.load(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8")) as { config: Record<string, any> };
    const config = stackDocumentConfig("local", { vault: { address: "https://127.0.0.1:1" }, consumers: [] });
    assert.deepEqual(config["vault-platform:vault"], { ...committed.config["vault-platform:vault"], address: "https://127.0.0.1:1" });
    assert.deepEqual(config["vault-platform:consumers"], []);
    assert.deepEqual(config["vault-platform:mounts"], committed.config["vault-platform:mounts"]);
  });

  it("says when policies/provisioner/local.hcl no longer matches the local stack, and how to refresh it", () => {
    const parse = (overrides: Record<string, unknown>) => parseConfig(stackConfig("local"), { env: {}, overrides: withPasswordPlaceholder(stackConfig("local"), { kubernetes: { reviewer: undefined }, ...overrides }) });
    const committed = parse({});
    assert.equal(staleProvisionerFile(committed), undefined);
    const added = parse({ consumers: [...committed.consumers.map(({ shares: _shares, ...consumer }) => consumer), { name: "ledger", policy: "kes", approle: { tokenPeriod: "5m" } }] });
    assert.equal(staleProvisionerFile(added), "policies/provisioner/local.hcl does not match Pulumi.local.yaml (npm start used the policy generated from the stack); " +
      "refresh it with `npm run provisioner-policy -- --stack local --write`");
  });

  it("prints an output by dotted path, a secret one only when asked", () => {
    const outputs = { kesKeystore: { value: { kes: { approle: { id: "r", secret: "s" } } }, secret: true }, vaultAddress: { value: "https://v", secret: false } };
    assert.equal(outputAt(outputs, "vaultAddress", false), "https://v");
    assert.equal(outputAt(outputs, "kesKeystore.kes.approle.secret", false), "[secret]");
    assert.equal(outputAt(outputs, "kesKeystore.kes.approle.secret", true), "s");
    assert.throws(() => outputAt(outputs, "kesKeystore.billing", true), /no output kesKeystore\.billing; kesKeystore has keys kes/);
    assert.throws(() => outputAt({}, "tokens", true), /\(run npm start first\)/);
  });

  it("runs plain `pulumi up --stack local` only when both the language host and the Vault provider are on PATH", () => {
    assert.equal(engineMode([{ name: "pulumi-language-nodejs", path: "/bin/a" }, { name: "pulumi-resource-vault", path: "/bin/b" }]), "plain");
    assert.equal(engineMode([{ name: "pulumi-language-nodejs", path: "/bin/a" }, { name: "pulumi-resource-vault" }]), "inline");
    assert.equal(engineMode([{ name: "pulumi-language-nodejs" }, { name: "pulumi-resource-vault" }]), "inline");
  });

  it("gives the plain run the inline runs' state and passphrase, the token in VAULT_TOKEN, in the project folder", () => {
    const layout = engineLayout(folder);
    const plain = plainUpCommands(layout, "local", "/opt/pulumi/bin/pulumi", "pass", "hvs.token");
    assert.deepEqual(plain.runs, [["stack", "select", "--create", "local", "--non-interactive"], ["up", "--stack", "local", "--yes", "--non-interactive"]]);
    assert.equal(plain.cwd, PROJECT_ROOT);
    assert.deepEqual({ backend: plain.env.PULUMI_BACKEND_URL, passphrase: plain.env.PULUMI_CONFIG_PASSPHRASE, token: plain.env.VAULT_TOKEN }, { backend: `file://${layout.stateDir}`, passphrase: "pass", token: "hvs.token" });
    assert.equal(plain.env.VAULT_STANDIN_CALL_LOG, undefined, "the real provider keeps no stand-in call log");
  });

  it("reports one step per resource, a replacement as replace", () => {
    const collector = stepCollector();
    const event = (op: string, name: string) => ({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: { op, urn: `urn:pulumi:local::p::t::${name}`, type: "t", provider: "" } } }) as any;
    for (const [op, name] of [["create-replacement", "token"], ["same", "policy"], ["delete-replaced", "token"], ["update", "role"]]) collector.onEvent(event(op, name));
    assert.deepEqual(collector.steps().map((step) => `${step.op} ${step.name}`), ["replace token", "same policy", "update role"]);
  });
});

describe("the Vault provider stand-in: an update whose own calls say what an unset input becomes", () => {
  it("leaves an LDAP setting no longer set out of every call (d.GetOk), and the unchanged token fields out of the config", async () => {
    const vault = await fakeVault(withConfigure((request) => (request.method === "GET" ? { status: 200, body: { data: { type: "ldap", url: "ldaps://d" } } } : { status: 204 })));
    try {
      const standIn = new VaultStandIn();
      await standIn.configure({ address: vault.address, token: "hvs.given" });
      vault.received.length = 0;
      const olds = { path: "ldap", url: "ldaps://d", certificate: "CA", tokenTtl: 60 };
      await standIn.update(urn(VAULT_TYPES.ldapAuth, "people-ldap"), olds, olds, { path: "ldap", url: "ldaps://d", tokenTtl: 60 });
      assert.deepEqual(vault.received.map((request) => `${request.method} ${request.path}`), [
        "POST sys/mounts/auth/ldap/tune", "GET sys/mounts/auth/ldap", "PUT auth/ldap/config", "GET sys/mounts/auth/ldap", "GET auth/ldap/config",
      ]);
      const [tune, , config] = vault.received;
      assert.deepEqual(tune.body, { options: null, default_lease_ttl: "0s", max_lease_ttl: "0s", force_no_cache: false });
      assert.ok(!("certificate" in config.body), "the CA stays in Vault: the provider sends nothing for it");
      assert.ok(!("token_ttl" in config.body), "an unchanged token field is not sent");
    } finally {
      await vault.close();
    }
  });
});
