/**
 * People's login through LDAP, proven on real servers: a real OpenLDAP directory (Debian's slapd, our own
 * instance, LDAPS with a CA made here) and the local stack's real Vault, configured by the real Pulumi
 * engine (localUp) with the generated provisioner policy. People log in at auth/ldap/login/<user>: a member
 * of the mapped group gets exactly the mapped policies; a user in no mapped group gets only `default` (Vault
 * does not refuse him); wrong and empty passwords and unknown users are refused.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { VAULT_TYPES } from "../../components/resourceTypes";
import { ConfigKey } from "../../config";
import { localDown, LocalUp, localUp } from "../../local/localStack";
import { LocalLayout } from "../../local/localServers";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";
import { BIND_DN, Directory, GROUPS_DN, OPERATORS_GROUP, PEOPLE_DN, startDirectory } from "./ldapServer";
import { engineWrites, localStackRun, provisionerLogin } from "./localStackRun";

const PASSPHRASE = "live-ldap-passphrase";
/** Generated per run: none of them may show up in clear anywhere the engine writes. */
const BIND_PASSWORD = randomBytes(12).toString("hex");
const ALICE = { uid: "alice", password: randomBytes(9).toString("hex"), groups: [OPERATORS_GROUP] };
const BOB = { uid: "bob", password: randomBytes(9).toString("hex"), groups: [] };

describe("live: people log in through LDAP (a real slapd) to Vault configured by the Pulumi engine", function () {
  let root: string;
  let layout: LocalLayout;
  let directory: Directory;
  let up: LocalUp;
  const observed: Record<string, string> = {};
  const endpoint = () => up.servers.vault.endpoint;
  const login = (user: string, password: string) => vaultRequest(endpoint(), "POST", `auth/ldap/login/${user}`, { body: { password } });
  const provisionerToken = () => provisionerLogin(layout, endpoint());

  before(async function () {
    this.timeout(300_000);
    const started = Date.now();
    const run = await localStackRun("ldap-stack");
    root = run.root;
    layout = run.layout;
    directory = await startDirectory(path.join(root, "slapd"), [ALICE, BOB], BIND_PASSWORD);
    observed.directory = `${((Date.now() - started) / 1000).toFixed(1)} s to a directory answering LDAPS`;
    const overrides: Partial<Record<ConfigKey, unknown>> = {
      ...run.overrides,
      auth: {
        ldap: {
          url: directory.url, caCertFile: directory.caFile, bindDn: BIND_DN, userDn: PEOPLE_DN, groupDn: GROUPS_DN,
          tokenTtl: "1h", groups: [{ name: OPERATORS_GROUP, policies: ["operators"] }],
        },
      },
      secrets: { ldapBindPassword: BIND_PASSWORD },
    };
    up = await localUp({ root, passphrase: PASSPHRASE, overrides });
    observed.up = `${up.seconds.toFixed(1)} s (${up.steps.length} resources created through the engine)`;
  });

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    if (directory) await directory.stop();
    console.log(`ldap: ${Object.entries(observed).map(([key, value]) => `${key}: ${value}`).join("; ")}`);
  });

  it("pulumi up enabled LDAP, wrote its config and mapped the group to the uploaded operator policy, each call as the provider makes it", () => {
    const calls = (name: string) => up.calls.filter((call) => call.resource === name).map((call) => `${call.phase} ${call.method} ${call.path} ${call.status}`);
    assert.deepEqual(calls("vault-config-people-ldap"), [
      "create POST sys/auth/ldap 204", "create POST sys/mounts/auth/ldap/tune 204", "create GET sys/mounts/auth/ldap 200", "create PUT auth/ldap/config 204",
      "read GET sys/mounts/auth/ldap 200", "read GET auth/ldap/config 200",
    ]);
    assert.deepEqual(calls(`vault-config-people-ldap-${OPERATORS_GROUP}`), [`create PUT auth/ldap/groups/${OPERATORS_GROUP} 204`, `read GET auth/ldap/groups/${OPERATORS_GROUP} 200`]);
    assert.deepEqual(calls("vault-config-people-policies-operators"), ["create PUT sys/policies/acl/operators 204", "read GET sys/policies/acl/operators 200"]);
    const created = up.steps.filter((step) => [VAULT_TYPES.ldapAuth, VAULT_TYPES.ldapGroup].includes(step.type as never)).map((step) => `${step.op} ${step.type}`);
    assert.deepEqual(created, [`create ${VAULT_TYPES.ldapAuth}`, `create ${VAULT_TYPES.ldapGroup}`]);
  });

  it("Vault holds the declared directory settings: the CA, null binds refused, TLS verified; the bind password is never answered", async () => {
    const config = (await vaultCall(endpoint(), "GET", "auth/ldap/config", { token: up.servers.vault.rootToken })).data;
    assert.equal(config.url, directory.url);
    assert.equal(config.certificate.trim(), fs.readFileSync(directory.caFile, "utf8").trim());
    assert.deepEqual([config.binddn, config.userdn, config.groupdn, config.userattr, config.groupattr], [BIND_DN, PEOPLE_DN, GROUPS_DN, "uid", "cn"]);
    assert.deepEqual([config.deny_null_bind, config.insecure_tls, config.starttls, config.token_ttl], [true, false, false, 3600]);
    assert.ok(!("bindpass" in config) || config.bindpass === "", "Vault does not answer the bind password");
  });

  it("alice, in the mapped group, logs in and gets exactly default and operators, which let her read policies but not write them", async () => {
    const answer = await login(ALICE.uid, ALICE.password);
    assert.equal(answer.status, 200, JSON.stringify(answer.body?.errors));
    const auth = answer.body.auth;
    assert.deepEqual([...auth.policies].sort(), ["default", "operators"]);
    assert.deepEqual(auth.token_policies.sort(), ["default", "operators"]);
    assert.equal(auth.lease_duration, 3600, "the declared token TTL");
    assert.equal(auth.metadata.username, ALICE.uid);
    const capabilities = await vaultCall(endpoint(), "POST", "sys/capabilities-self", { token: auth.client_token, body: { paths: ["sys/policies/acl/operators", "sys/auth/ldap"] } });
    assert.deepEqual(capabilities["sys/policies/acl/operators"], ["read"]);
    assert.deepEqual(capabilities["sys/auth/ldap"], ["deny"]);
  });

  it("bob, in no mapped group, is not refused by Vault 1.21.1: he gets a token with the default policy only (and no warning)", async () => {
    const answer = await login(BOB.uid, BOB.password);
    assert.equal(answer.status, 200, JSON.stringify(answer.body?.errors));
    assert.deepEqual(answer.body.auth.policies, ["default"]);
    observed.bob = `${answer.status}, policies ${JSON.stringify(answer.body.auth.policies)}, warnings ${JSON.stringify(answer.body.warnings)}`;
    const capabilities = await vaultCall(endpoint(), "POST", "sys/capabilities-self", { token: answer.body.auth.client_token, body: { paths: ["sys/policies/acl/operators", "kv/kes/key-1"] } });
    assert.deepEqual([capabilities["sys/policies/acl/operators"], capabilities["kv/kes/key-1"]], [["deny"], ["deny"]]);
  });

  it("a wrong password, an empty one and an unknown user are refused, with no token", async () => {
    const cases: Array<[string, string, string, number]> = [
      ["wrong password", ALICE.uid, `${ALICE.password}x`, 400],
      // deny_null_bind: Vault refuses before it binds (with a 500, not a 400).
      ["empty password", ALICE.uid, "", 500],
      ["unknown user", "mallory", ALICE.password, 400],
    ];
    for (const [title, user, password, status] of cases) {
      const answer = await login(user, password);
      observed[title] = `${answer.status} ${JSON.stringify(answer.body?.errors)}`;
      assert.equal(answer.status, status, `${title}: ${JSON.stringify(answer.body?.errors)}`);
      assert.equal(answer.body?.auth ?? null, null, `${title}: no token`);
    }
  });

  it("the bind password travels as a secret: encrypted in the engine's state and stack file, in clear nowhere the engine writes", () => {
    const written = engineWrites(root);
    for (const text of written.texts) assert.ok(!text.includes(BIND_PASSWORD), "the bind password is in clear");
    const ldap = written.resources.find((resource) => resource.type === VAULT_TYPES.ldapAuth)!;
    assert.ok(ldap.inputs.bindpass.ciphertext, "bindpass is a secret input");
    assert.ok(ldap.outputs.bindpass.ciphertext, "bindpass is a secret output");
  });

  it("the provisioner's token cannot remap the group, map another, or point Vault at another directory (403)", async () => {
    const token = await provisionerToken();
    const attempts: Array<[string, Record<string, unknown>]> = [
      [`auth/ldap/groups/${OPERATORS_GROUP}`, { policies: ["operators", "provisioner"] }],
      ["auth/ldap/groups/staff", { policies: ["operators"] }],
      ["auth/ldap/users/bob", { policies: ["operators"] }],
      ["auth/ldap/config", { url: "ldaps://127.0.0.1:1", binddn: BIND_DN, bindpass: "x" }],
      ["auth/ldap/config", { url: directory.url, insecure_tls: true }],
    ];
    for (const [attempt, body] of attempts) {
      const answer = await vaultRequest(endpoint(), "PUT", attempt, { token, body });
      assert.equal(answer.status, 403, `${attempt} ${JSON.stringify(body)}`);
    }
    const after = await login(ALICE.uid, ALICE.password);
    assert.deepEqual([...after.body.auth.policies].sort(), ["default", "operators"], "still exactly the mapped policies");
  });

  it("preview after up finds no changes: what the stand-in reads back agrees with the declarations", async function () {
    this.timeout(120_000);
    const started = Date.now();
    await up.stack.preview({ expectNoChanges: true });
    observed.preview = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  });
});
