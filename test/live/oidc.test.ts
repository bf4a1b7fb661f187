/**
 * People's login through OIDC, on real processes: an identity provider on loopback (tools/mockoidc, the
 * code flow over HTTPS with its own CA) and the local stack's real Vault, configured by the real Pulumi
 * engine (localUp) with the generated provisioner policy. A login is the browser's round trip made by
 * hand: Vault's auth_url, the IdP's redirect with a code, Vault's callback, which trades the code for an
 * ID token and checks its claims against the role.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as path from "path";
import { VAULT_TYPES } from "../../components/resourceTypes";
import { ConfigKey } from "../../config";
import { localDown, LocalUp, localUp } from "../../local/localStack";
import { LocalLayout } from "../../local/localServers";
import { vaultCall, vaultRequest, VaultResponse } from "../../local/vaultHttp";
import { IdentityProvider, IdpUser, startIdentityProvider } from "./identityProvider";
import { engineWrites, localStackRun, provisionerLogin } from "./localStackRun";

const PASSPHRASE = "live-oidc-passphrase";
const CLIENT_ID = "vault";
/** Generated per run: it may show up in clear nowhere the engine writes. */
const CLIENT_SECRET = randomBytes(16).toString("hex");
/** The CLI's callback: Vault checks it against the role; the suite reads the IdP's redirect instead of serving it. */
const REDIRECT_URI = "http://localhost:8250/oidc/callback";
const OPERATORS_GROUP = "vault-operators";
const person = (name: string, groups: string[]): IdpUser => ({
  Subject: `subject-${name}`, Email: `${name}@example.org`, EmailVerified: true, PreferredUsername: name, Groups: groups,
});
const ALICE = person("alice", [OPERATORS_GROUP, "staff"]);
const BOB = person("bob", ["staff"]);

describe("live: people log in through OIDC (an identity provider on loopback) to Vault configured by the Pulumi engine", function () {
  let root: string;
  let layout: LocalLayout;
  let idp: IdentityProvider;
  let up: LocalUp;
  const observed: Record<string, string> = {};
  const endpoint = () => up.servers.vault.endpoint;

  /** The browser's round trip for `user` through `role`: Vault's callback answer. */
  async function login(user: IdpUser, role: string): Promise<VaultResponse> {
    const start = await vaultCall(endpoint(), "PUT", "auth/oidc/oidc/auth_url", { body: { role, redirect_uri: REDIRECT_URI } });
    await idp.queueUser(user);
    const redirect = await idp.authorize(start.data.auth_url);
    assert.equal(`${redirect.origin}${redirect.pathname}`, REDIRECT_URI, "the IdP sends the browser back to the declared callback");
    const query = new URLSearchParams({ state: redirect.searchParams.get("state")!, code: redirect.searchParams.get("code")! });
    return vaultRequest(endpoint(), "GET", `auth/oidc/oidc/callback?${query}`);
  }

  before(async function () {
    this.timeout(300_000);
    const run = await localStackRun("oidc-stack");
    root = run.root;
    layout = run.layout;
    idp = await startIdentityProvider(path.join(root, "idp"), CLIENT_ID, CLIENT_SECRET);
    const role = { allowedRedirectUris: [REDIRECT_URI], boundClaims: { groups: OPERATORS_GROUP }, policies: ["operators"], tokenTtl: "1h" };
    const overrides: Partial<Record<ConfigKey, unknown>> = {
      ...run.overrides,
      auth: {
        oidc: {
          discoveryUrl: idp.issuer, caCertFile: idp.caFile, clientId: CLIENT_ID,
          roles: [
            { name: "operators", ...role, scopes: ["email", "groups"] },
            // The default scopes: this IdP puts groups in the ID token only when the groups scope is asked for.
            { name: "operators-email-scope", ...role },
          ],
        },
      },
      secrets: { oidcClientSecret: CLIENT_SECRET },
    };
    up = await localUp({ root, passphrase: PASSPHRASE, overrides });
    observed.up = `${up.seconds.toFixed(1)} s (${up.steps.length} resources created through the engine)`;
  });

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    if (idp) await idp.stop();
    console.log(`oidc: ${Object.entries(observed).map(([key, value]) => `${key}: ${value}`).join("; ")}`);
  });

  it("pulumi up enabled OIDC (Vault fetched the discovery document through the declared CA) and wrote each role, as the provider does", () => {
    const calls = (name: string) => up.calls.filter((call) => call.resource === name).map((call) => `${call.phase} ${call.method} ${call.path} ${call.status}`);
    assert.deepEqual(calls("vault-config-people-oidc"), [
      "create POST sys/auth/oidc 204", "create PUT auth/oidc/config 204",
      "read GET sys/mounts/auth/oidc 200", "read GET auth/oidc/config 200", "read GET sys/mounts/auth/oidc/tune 200",
    ]);
    assert.deepEqual(calls("vault-config-people-oidc-operators"), ["create PUT auth/oidc/role/operators 204", "read GET auth/oidc/role/operators 200"]);
    const created = up.steps.filter((step) => [VAULT_TYPES.jwtAuth, VAULT_TYPES.jwtRole].includes(step.type as never)).map((step) => `${step.op} ${step.type}`);
    assert.deepEqual(created, [`create ${VAULT_TYPES.jwtAuth}`, `create ${VAULT_TYPES.jwtRole}`, `create ${VAULT_TYPES.jwtRole}`]);
  });

  it("alice, in the bound group, logs in through the code flow and gets exactly default and operators for the declared TTL", async () => {
    const answer = await login(ALICE, "operators");
    assert.equal(answer.status, 200, JSON.stringify(answer.body?.errors));
    const auth = answer.body.auth;
    assert.deepEqual([...auth.policies].sort(), ["default", "operators"]);
    assert.equal(auth.lease_duration, 3600);
    assert.equal(auth.metadata.role, "operators");
    const entity = await vaultCall(endpoint(), "GET", `identity/entity/id/${auth.entity_id}`, { token: up.servers.vault.rootToken });
    assert.deepEqual(entity.data.aliases.map((alias: { name: string }) => alias.name), [ALICE.Email], "the user claim (email) names her");
  });

  it("bob, outside the bound group, is refused with no token", async () => {
    const answer = await login(BOB, "operators");
    observed.bob = `${answer.status} ${JSON.stringify(answer.body?.errors)}`;
    assert.equal(answer.status, 400);
    assert.match(String(answer.body?.errors), /claim "groups" does not match any associated bound claim values/);
    assert.equal(answer.body?.auth ?? null, null);
  });

  it("without the groups scope (the default scopes) the IdP leaves groups out, and Vault refuses even alice: declare scopes", async () => {
    const answer = await login(ALICE, "operators-email-scope");
    observed.emailScopeOnly = `${answer.status} ${JSON.stringify(answer.body?.errors)}`;
    assert.equal(answer.status, 400);
    assert.equal(answer.body?.auth ?? null, null);
  });

  it("refuses a redirect URI the role does not list, and a callback replayed with a used state", async () => {
    const foreign = await vaultRequest(endpoint(), "PUT", "auth/oidc/oidc/auth_url", { body: { role: "operators", redirect_uri: "https://attacker.example/callback" } });
    observed.foreignRedirect = `${foreign.status} ${JSON.stringify(foreign.body?.errors)}`;
    assert.equal(foreign.body?.data?.auth_url ?? "", "", "no authorization URL for a foreign callback");
    const start = await vaultCall(endpoint(), "PUT", "auth/oidc/oidc/auth_url", { body: { role: "operators", redirect_uri: REDIRECT_URI } });
    await idp.queueUser(ALICE);
    const redirect = await idp.authorize(start.data.auth_url);
    const query = new URLSearchParams({ state: redirect.searchParams.get("state")!, code: redirect.searchParams.get("code")! });
    assert.equal((await vaultRequest(endpoint(), "GET", `auth/oidc/oidc/callback?${query}`)).status, 200);
    const replay = await vaultRequest(endpoint(), "GET", `auth/oidc/oidc/callback?${query}`);
    observed.replay = `${replay.status} ${JSON.stringify(replay.body?.errors)}`;
    assert.equal(replay.status, 400);
    assert.equal(replay.body?.auth ?? null, null);
  });

  it("the client secret travels as a secret: encrypted in the engine's state and stack file, in clear nowhere the engine writes", () => {
    const written = engineWrites(root);
    for (const text of written.texts) assert.ok(!text.includes(CLIENT_SECRET), "the client secret is in clear");
    const oidc = written.resources.find((resource) => resource.type === VAULT_TYPES.jwtAuth)!;
    assert.ok(oidc.inputs.oidcClientSecret.ciphertext, "oidcClientSecret is a secret input");
  });

  it("the provisioner's token cannot point Vault at another IdP or CA, widen a role's claims or policies, or add a role (403)", async () => {
    const token = await provisionerLogin(layout, endpoint());
    const attempts: Array<[string, Record<string, unknown>]> = [
      ["auth/oidc/config", { oidc_discovery_url: "https://127.0.0.1:1/oidc", oidc_client_id: CLIENT_ID, default_role: "operators" }],
      ["auth/oidc/config", { oidc_discovery_url: idp.issuer, oidc_discovery_ca_pem: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n" }],
      ["auth/oidc/role/operators", { role_type: "oidc", user_claim: "email", bound_claims: { groups: "staff" }, token_policies: ["operators"], allowed_redirect_uris: [REDIRECT_URI] }],
      ["auth/oidc/role/operators", { role_type: "oidc", user_claim: "email", bound_claims: { groups: OPERATORS_GROUP }, token_policies: ["operators", "provisioner"], allowed_redirect_uris: [REDIRECT_URI] }],
      ["auth/oidc/role/staff", { role_type: "oidc", user_claim: "email", bound_claims: { groups: "staff" }, token_policies: ["operators"], allowed_redirect_uris: [REDIRECT_URI] }],
    ];
    for (const [attempt, body] of attempts) {
      const answer = await vaultRequest(endpoint(), "PUT", attempt, { token, body });
      assert.equal(answer.status, 403, `${attempt} ${JSON.stringify(body)}`);
    }
    assert.deepEqual([...(await login(ALICE, "operators")).body.auth.policies].sort(), ["default", "operators"], "still exactly the declared policies");
  });

  it("preview after up finds no changes: what the stand-in reads back agrees with the declarations", async function () {
    this.timeout(120_000);
    const started = Date.now();
    await up.stack.preview({ expectNoChanges: true });
    observed.preview = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  });
});
