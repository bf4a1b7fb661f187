/**
 * The transit engine through the real engine (`npm start`'s localUp with the suite's overrides): the key
 * made by the stand-in as terraform-provider-vault makes it, under the generated provisioner policy; a
 * consumer granted the key encrypts and decrypts with the token the stack issued it; another consumer is
 * refused; a rotation keeps old ciphertexts readable; Vault refuses the key's deletion and the engine
 * refuses to delete it (protected); the provisioner cannot make it deletable or exportable.
 */
import { strict as assert } from "assert";
import { ConfigKey, PROJECT } from "../../config";
import { LOCAL_STACK, localDown, LocalUp, localUp, stackDocumentConfig } from "../../local/localStack";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";
import { localStackRun } from "./localStackRun";

const PASSPHRASE = "live-test-passphrase";
const TRANSIT = { keys: [{ name: "orders" }, { name: "invoices", type: "chacha20-poly1305", autoRotatePeriod: "24h" }] };
const PLAINTEXT = Buffer.from("card ending 4242").toString("base64");

/** The local stack's own consumers, APISIX (a scoped token) granted the orders key. */
function consumersWithGrant(): Array<Record<string, unknown>> {
  const consumers = stackDocumentConfig(LOCAL_STACK)[`${PROJECT}:consumers`] as Array<Record<string, unknown>>;
  return consumers.map((consumer) => (consumer.name === "apisix" ? { ...consumer, grants: { transit: ["orders"] } } : consumer));
}

describe("live: the transit engine through the Pulumi engine, used with the consumers' own credentials", function () {
  let root: string;
  let overrides: Partial<Record<ConfigKey, unknown>>;
  let up: LocalUp;
  let firstCiphertext: string;
  const observed: Record<string, string> = {};
  const endpoint = () => up.servers.vault.endpoint;
  const asRoot = () => ({ token: up.servers.vault.rootToken });
  const apisix = () => ({ token: up.outputs.tokens.value.apisix as string });
  const start = (extra: Partial<Record<ConfigKey, unknown>> = {}) => localUp({ root, passphrase: PASSPHRASE, overrides: { ...overrides, ...extra } });
  const changes = (result: LocalUp) => result.steps.filter((step) => step.op !== "same").map((step) => `${step.op} ${step.name}`);
  const encrypt = (token: { token: string }, key = "orders") => vaultRequest(endpoint(), "POST", `transit/encrypt/${key}`, { ...token, body: { plaintext: PLAINTEXT } });
  const decrypt = (token: { token: string }, ciphertext: string, key = "orders") => vaultRequest(endpoint(), "POST", `transit/decrypt/${key}`, { ...token, body: { ciphertext } });

  before(async function () {
    this.timeout(300_000);
    const run = await localStackRun("transit");
    root = run.root;
    overrides = { ...run.overrides, engines: { transit: TRANSIT }, consumers: consumersWithGrant() };
    up = await start();
    observed.firstStart = `${up.seconds.toFixed(1)} s (${up.steps.filter((step) => step.type.startsWith("vault:")).length} vault: resources)`;
  });

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    console.log(`transit: ${Object.entries(observed).map(([key, value]) => `${key}: ${value}`).join("; ") || "nothing measured"}`);
  });

  it("created the mount and each key with the provider's calls, under the generated provisioner policy, as Vault reports them", async () => {
    const transitCalls = up.calls.filter((call) => call.path.startsWith("transit/") || call.path === "sys/mounts/transit").map((call) => `${call.resource} ${call.phase} ${call.method} ${call.path} ${call.status}`);
    assert.deepEqual(transitCalls.sort(), [
      "vault-config-transit-invoices create PUT transit/keys/invoices 200",
      "vault-config-transit-invoices create PUT transit/keys/invoices/config 200",
      "vault-config-transit-invoices read GET transit/keys/invoices 200",
      "vault-config-transit-mount create POST sys/mounts/transit 204",
      "vault-config-transit-mount read GET sys/mounts/transit 200",
      "vault-config-transit-orders create PUT transit/keys/orders 200",
      "vault-config-transit-orders create PUT transit/keys/orders/config 200",
      "vault-config-transit-orders read GET transit/keys/orders 200",
    ]);
    const key = (name: string) => vaultCall(endpoint(), "GET", `transit/keys/${name}`, asRoot()).then((answer) => answer.data);
    const settings = ({ type, deletion_allowed, exportable, allow_plaintext_backup, auto_rotate_period, latest_version }: Record<string, unknown>) =>
      ({ type, deletion_allowed, exportable, allow_plaintext_backup, auto_rotate_period, latest_version });
    assert.deepEqual(settings(await key("orders")), { type: "aes256-gcm96", deletion_allowed: false, exportable: false, allow_plaintext_backup: false, auto_rotate_period: 0, latest_version: 1 });
    assert.deepEqual(settings(await key("invoices")), { type: "chacha20-poly1305", deletion_allowed: false, exportable: false, allow_plaintext_backup: false, auto_rotate_period: 86400, latest_version: 1 });
  });

  it("APISIX's token, issued by the stack, carries its grants policy and round-trips a plaintext through the orders key", async () => {
    const self = await vaultCall(endpoint(), "GET", "auth/token/lookup-self", apisix());
    assert.deepEqual([...self.data.policies].sort(), ["apisix", "default", "grants-apisix"]);
    const encrypted = await encrypt(apisix());
    assert.equal(encrypted.status, 200, JSON.stringify(encrypted.body));
    firstCiphertext = encrypted.body.data.ciphertext;
    assert.match(firstCiphertext, /^vault:v1:/);
    const decrypted = await decrypt(apisix(), firstCiphertext);
    assert.equal(decrypted.status, 200);
    assert.equal(decrypted.body.data.plaintext, PLAINTEXT);
  });

  it("refuses (403) KES, logged in with the AppRole the stack made, on the orders key; and APISIX on the key it was not granted", async () => {
    const { roleId, secretId } = up.outputs.approles.value.kes;
    const kes = { token: (await vaultCall(endpoint(), "POST", "auth/approle/login", { body: { role_id: roleId, secret_id: secretId } })).auth.client_token as string };
    assert.deepEqual([(await encrypt(kes)).status, (await decrypt(kes, firstCiphertext)).status], [403, 403]);
    assert.equal((await encrypt(apisix(), "invoices")).status, 403);
    assert.equal((await vaultRequest(endpoint(), "POST", "transit/keys/orders/rotate", apisix())).status, 403);
  });

  it("after a rotation (by an administrator) the old ciphertext still decrypts and new ones carry v2; the stack sees no drift", async function () {
    this.timeout(120_000);
    assert.equal((await vaultRequest(endpoint(), "POST", "transit/keys/orders/rotate", asRoot())).status, 200);
    const decrypted = await decrypt(apisix(), firstCiphertext);
    assert.equal(decrypted.body.data.plaintext, PLAINTEXT);
    const encrypted = await encrypt(apisix());
    assert.match(encrypted.body.data.ciphertext, /^vault:v2:/);
    assert.equal((await decrypt(apisix(), encrypted.body.data.ciphertext)).body.data.plaintext, PLAINTEXT);
    await up.stack.refresh({ expectNoChanges: true });
    const again = await start();
    assert.deepEqual(changes(again), []);
  });

  it("the provisioner cannot make a key deletable or exportable, delete, rotate, trim, export or use it (403)", async () => {
    const provisioner = { token: (await vaultCall(endpoint(), "POST", "auth/token/create-orphan", { ...asRoot(), body: { policies: ["provisioner"], ttl: "10m" } })).auth.client_token as string };
    const attempts: Array<[string, string, Record<string, unknown> | undefined]> = [
      ["PUT", "transit/keys/orders/config", { deletion_allowed: true }],
      ["PUT", "transit/keys/orders/config", { deletion_allowed: "true" }],
      ["PUT", "transit/keys/orders/config", { exportable: true }],
      ["PUT", "transit/keys/orders/config", { allow_plaintext_backup: true }],
      ["PUT", "transit/keys/orders", { exportable: true }],
      ["DELETE", "transit/keys/orders", undefined],
      ["POST", "transit/keys/orders/rotate", undefined],
      ["POST", "transit/keys/orders/trim", { min_available_version: 2 }],
      ["GET", "transit/export/encryption-key/orders", undefined],
      ["GET", "transit/backup/orders", undefined],
      ["POST", "transit/encrypt/orders", { plaintext: PLAINTEXT }],
      ["POST", "transit/keys/other", { type: "aes256-gcm96" }],
      ["DELETE", "sys/mounts/transit", undefined],
    ];
    const answers = await Promise.all(attempts.map(async ([method, apiPath, body]) => `${method} ${apiPath} ${JSON.stringify(body ?? {})} -> ${(await vaultRequest(endpoint(), method, apiPath, { ...provisioner, body })).status}`));
    assert.deepEqual(answers.filter((answer) => !answer.endsWith("-> 403")), []);
    // The provider's own write passes: the pins are not simply closed doors.
    assert.equal((await vaultRequest(endpoint(), "PUT", "transit/keys/orders/config", { ...provisioner, body: { deletion_allowed: false, exportable: false, allow_plaintext_backup: false, min_decryption_version: 1 } })).status, 200);
  });

  it("Vault refuses to delete the key (deletion_allowed is false), even for the root token", async () => {
    const refused = await vaultRequest(endpoint(), "DELETE", "transit/keys/orders", asRoot());
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body.errors), /deletion is not allowed for this key/);
    assert.equal((await vaultRequest(endpoint(), "GET", "transit/keys/orders", asRoot())).status, 200);
  });

  it("a key removed from the config: the engine refuses to delete it (protected), and it still decrypts", async function () {
    this.timeout(120_000);
    await assert.rejects(start({ engines: { transit: { keys: [TRANSIT.keys[1]] } }, consumers: stackDocumentConfig(LOCAL_STACK)[`${PROJECT}:consumers`] }), (error: Error) => {
      assert.match(error.message, /resource "urn:pulumi:local::vault-platform::[^"]*::vault-config-transit-orders" cannot be deleted\s+because it is protected/);
      return true;
    });
    assert.equal((await decrypt(asRoot(), firstCiphertext)).body.data.plaintext, PLAINTEXT);
  });
});
