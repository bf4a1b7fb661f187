/**
 * People's login (vault-platform:auth): the declarations the model derives, what the program registers
 * (mocks), the calls the stand-in makes for each new type, and the provisioner policy generated for them:
 * it allows exactly the calls the provider makes, and refuses a group, role or config that would let its
 * holder log in as someone else or with another policy.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { strict as assert } from "assert";
import { Acl, parsePolicy } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";
import { plannerRules, provisionerPolicyText } from "../access";
import { provisionerRules } from "../access/provisioner";
import { VAULT_TYPES } from "../components/resourceTypes";
import { parseConfig, readProvisionerFile, VaultLayerModel } from "../config";
import { ApiCall, RESOURCE_CALLS } from "../local/provider/vaultCalls";
import { VaultStandIn } from "../local/provider/standIn";
import { revealed } from "../lib/wireSecret";
import { ProgramRun, isSecretInput, runProgram } from "../offline/runtime";
import { devWithPeople, encodeConfig } from "./fixtures";
import { Config } from "./invalidConfigs";
import { ofType, onlyOfType } from "./programRun";
import type { VaultResponse } from "../local/vaultHttp";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBdirectoryCA==\n-----END CERTIFICATE-----";
const withData = (data: Record<string, unknown>) => ({ status: 200, body: { data } } as VaultResponse);

/** The dev declarations with people's login, changed by `mutate`, parsed. */
function layerOf(mutate: (config: Config) => void = () => undefined): VaultLayerModel {
  const config = devWithPeople();
  mutate(config);
  return parseConfig(encodeConfig(config), { env: {} }).vaultLayer;
}

/** A CA file for the directory, outside the project (the key takes a path relative to it, or an absolute one). */
function caFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-ldap-ca-")), "ca.pem");
  fs.writeFileSync(file, `${CA}\n`);
  return file;
}

describe("people's login: declarations", () => {
  it("derives the LDAP and OIDC paths, the operator policies (not linted as consumers'), and the directory's CA", () => {
    const file = caFile();
    const layer = layerOf((config) => { config["vault-platform:auth"].ldap.caCertFile = file; config["vault-platform:auth"].oidc.caCertFile = file; });
    assert.deepEqual(layer.authPaths, { approle: "approle", kubernetes: "kubernetes", ldap: "ldap", oidc: "oidc" });
    assert.deepEqual(layer.operatorPolicies.map((policy) => [policy.name, policy.file]), [["operators", "policies/operators.hcl"]]);
    assert.ok(!layer.policies.some((policy) => policy.name === "operators"), "people's policies are not consumers'");
    assert.equal(layer.ldapCaCertificate, `${CA}\n`);
    assert.equal(layer.oidcCaCertificate, `${CA}\n`);
    assert.equal(layer.auth.ldap!.tokenTtl, "8h");
    assert.deepEqual([layerOf().ldapCaCertificate, layerOf().oidcCaCertificate], [undefined, undefined]);
  });

  it("takes ldap:// with StartTLS, and the first OIDC role as the default one", () => {
    const layer = layerOf((config) => { Object.assign(config["vault-platform:auth"].ldap, { url: "ldap://ldap.example.org:389", startTls: true }); });
    assert.equal(layer.auth.ldap!.url, "ldap://ldap.example.org:389");
    assert.equal(layer.auth.oidc!.defaultRole, undefined);
  });
});

describe("people's login: what the program registers", () => {
  let run: ProgramRun;
  const inputsOf = (type: string) => onlyOfType(run, type).inputs;
  before(async () => {
    const config = devWithPeople();
    config["vault-platform:auth"].ldap.caCertFile = caFile();
    config["vault-platform:auth"].oidc.caCertFile = caFile();
    run = await runProgram(encodeConfig(config));
  });

  it("configures LDAP over TLS with the directory's CA, the bind password as a secret, null binds refused, protected", () => {
    const ldap = onlyOfType(run, VAULT_TYPES.ldapAuth);
    assert.equal(ldap.protect, true, "disabling it revokes every token people got through it");
    const { bindpass, ...settings } = ldap.inputs;
    assert.ok(isSecretInput(bindpass), "the bind password goes to the engine as a secret");
    assert.equal(revealed(bindpass), "bind-password-test");
    assert.deepEqual(revealed(settings), {
      path: "ldap", description: "People: LDAP directory login (vault-platform)", url: "ldaps://ldap.example.org:636", starttls: false, insecureTls: false,
      certificate: `${CA}\n`, binddn: "cn=vault,ou=services,dc=example,dc=org", userdn: "ou=people,dc=example,dc=org", userattr: "uid",
      groupdn: "ou=groups,dc=example,dc=org", groupfilter: "(&(objectClass=groupOfNames)(member={{.UserDN}}))", groupattr: "cn",
      denyNullBind: true, discoverdn: false, caseSensitiveNames: false, usernameAsAlias: false, useTokenGroups: false, tokenTtl: 28800, tokenMaxTtl: 86400,
    });
  });

  it("maps each directory group to its uploaded policies, after the upload", () => {
    const group = onlyOfType(run, VAULT_TYPES.ldapGroup);
    assert.deepEqual(revealed(group.inputs), { backend: "ldap", groupname: "vault-operators", policies: ["operators"] });
    const policy = ofType(run, VAULT_TYPES.policy).find((registration) => registration.inputs.name === "operators")!;
    assert.equal(policy.inputs.policy, fs.readFileSync("policies/operators.hcl", "utf8"));
    assert.ok(group.dependencies.includes(policy.urn), "the group waits for its policy");
  });

  it("configures OIDC with the IdP's CA, the client secret as a secret and the first role as default, protected; each role bound to its claims and asking for their scopes", () => {
    const oidc = onlyOfType(run, VAULT_TYPES.jwtAuth);
    assert.equal(oidc.protect, true);
    assert.ok(isSecretInput(oidc.inputs.oidcClientSecret));
    assert.deepEqual(revealed(oidc.inputs), {
      type: "oidc", path: "oidc", description: "People: OIDC login (vault-platform)", oidcDiscoveryUrl: "https://idp.example.org/realms/staff",
      oidcDiscoveryCaPem: `${CA}\n`, oidcClientId: "vault", oidcClientSecret: "client-secret-test", defaultRole: "operators",
    });
    assert.deepEqual(revealed(inputsOf(VAULT_TYPES.jwtRole)), {
      backend: "oidc", roleName: "operators", roleType: "oidc", userClaim: "email", groupsClaim: "groups",
      allowedRedirectUris: ["https://vault.example.org/ui/vault/auth/oidc/oidc/callback"], oidcScopes: ["email"], verboseOidcLogging: false, userClaimJsonPointer: false,
      boundClaims: { groups: "vault-operators" }, tokenPolicies: ["operators"], tokenTtl: 3600,
    });
  });

  it("waits for the audit device, and sends nothing the stand-in does not model", () => {
    const audit = onlyOfType(run, VAULT_TYPES.audit);
    const standIn = new VaultStandIn();
    for (const type of [VAULT_TYPES.ldapAuth, VAULT_TYPES.ldapGroup, VAULT_TYPES.jwtAuth, VAULT_TYPES.jwtRole]) {
      const registration = onlyOfType(run, type);
      assert.ok(registration.dependencies.includes(audit.urn), `${type} waits for the audit device`);
      assert.deepEqual(standIn.check(registration.urn, registration.inputs).failures, [], type);
    }
  });

  it("registers none of it without vault-platform:auth", async () => {
    const plain = await runProgram(encodeConfig({ ...devWithPeople(), "vault-platform:auth": {} }));
    assert.deepEqual([VAULT_TYPES.ldapAuth, VAULT_TYPES.ldapGroup, VAULT_TYPES.jwtAuth, VAULT_TYPES.jwtRole].flatMap((type) => ofType(plain, type)), []);
    assert.ok(!ofType(plain, VAULT_TYPES.policy).some((registration) => registration.inputs.name === "operators"));
  });
});

describe("people's login: the stand-in's calls, as terraform-provider-vault sends them", () => {
  const calls = (type: string) => RESOURCE_CALLS[type];
  const described = (list: ApiCall[]) => list.map((call) => `${call.method} ${call.path}`);
  const ldapInputs = { path: "ldap", url: "ldaps://d:636", binddn: "cn=v", bindpass: "pw", userdn: "ou=p", groupdn: "ou=g", denyNullBind: true, tokenTtl: 60, description: "d" };

  it("LDAP: enable, tune (even when new), read the mount, write the config; strings when set, every boolean, page size -1, bindpass", () => {
    const ldap = calls(VAULT_TYPES.ldapAuth);
    const create = ldap.create(ldapInputs);
    assert.deepEqual(described(create), ["POST sys/auth/ldap", "POST sys/mounts/auth/ldap/tune", "GET sys/mounts/auth/ldap", "PUT auth/ldap/config"]);
    assert.deepEqual(create[0].body, { type: "ldap", description: "d", config: { options: null, default_lease_ttl: "0s", max_lease_ttl: "0s", force_no_cache: false }, local: false, seal_wrap: false, external_entropy_access: false, options: null });
    assert.deepEqual(create[1].body, { options: null, default_lease_ttl: "0s", max_lease_ttl: "0s", force_no_cache: false, description: "d" });
    assert.deepEqual(create[3].body, {
      url: "ldaps://d:636", binddn: "cn=v", userdn: "ou=p", groupdn: "ou=g",
      starttls: false, insecure_tls: false, case_sensitive_names: false, discoverdn: false, deny_null_bind: true, username_as_alias: false, use_token_groups: false,
      max_page_size: -1, bindpass: "pw", token_ttl: 60,
    });
    assert.deepEqual(described(ldap.read(ldapInputs, {})), ["GET sys/mounts/auth/ldap", "GET auth/ldap/config"]);
    assert.deepEqual(described(ldap.remove(ldapInputs, {})), ["DELETE sys/auth/ldap"]);
    assert.equal(ldap.id({ path: "/team/ldap/" }, {}), "team/ldap");
    assert.deepEqual([ldap.replaceOn, ldap.unmodelled, ldap.zeroUnset], [["local"], ["path"], false]);
  });

  it("LDAP update: tune (the description only when it changed), the config again, token fields only when changed, a string no longer set left out", () => {
    const update = calls(VAULT_TYPES.ldapAuth).update as (i: object, previous: object) => ApiCall[];
    const [tune, , config] = update({ ...ldapInputs, tokenTtl: 120, userdn: undefined }, ldapInputs);
    assert.deepEqual(tune.body, { options: null, default_lease_ttl: "0s", max_lease_ttl: "0s", force_no_cache: false });
    assert.equal(config.body!.token_ttl, 120);
    assert.ok(!("userdn" in config.body!), "d.GetOk: an unset string is not sent");
    assert.ok(!("token_ttl" in update(ldapInputs, ldapInputs)[2].body!), "an unchanged token field is not sent");
    assert.equal(update({ ...ldapInputs, tokenTtl: undefined }, ldapInputs)[2].body!.token_ttl, 0, "a token field no longer set goes as its zero value");
  });

  it("LDAP: gone with its mount or its config; the url read back checked; drift reported", () => {
    const ldap = calls(VAULT_TYPES.ldapAuth);
    const mount = withData({ type: "ldap" });
    assert.ok(ldap.gone!([{ status: 400, body: { errors: ["No auth engine at ldap/"] } } as VaultResponse, withData({})], {}));
    assert.ok(ldap.gone!([mount, { status: 404 } as VaultResponse], {}));
    assert.ok(!ldap.gone!([mount, withData({})], {}));
    assert.equal(ldap.record!(ldapInputs, [mount, withData({ url: "ldaps://d:636" })]), undefined);
    assert.equal(ldap.record!(ldapInputs, [mount, withData({ url: "ldaps://other" })]), "url read back as ldaps://other");
    assert.equal(ldap.record!(ldapInputs, [withData({ type: "userpass" }), withData({ url: "ldaps://d:636" })]), "auth method type is userpass, not ldap");
    assert.deepEqual(ldap.observe!({ url: "u", denyNullBind: true, tokenTtl: 60 }, [mount, withData({ url: "v", deny_null_bind: false, token_ttl: 1, bindpass: "never answered" })]),
      { url: "v", denyNullBind: false, tokenTtl: 1 });
  });

  it("LDAP group: PUT its policies as a list, the same write to update, DELETE; ForceNew name and backend", () => {
    const group = calls(VAULT_TYPES.ldapGroup);
    const i = { backend: "team/ldap", groupname: "ops", policies: ["operators"] };
    assert.deepEqual(group.create(i), [{ method: "PUT", path: "auth/team/ldap/groups/ops", body: { policies: ["operators"] } }]);
    assert.deepEqual(group.create({ groupname: "ops" }), [{ method: "PUT", path: "auth/ldap/groups/ops", body: {} }]);
    assert.deepEqual([group.id(i, {}), described(group.read(i, {})), described(group.remove(i, {}))], ["auth/team/ldap/groups/ops", ["GET auth/team/ldap/groups/ops"], ["DELETE auth/team/ldap/groups/ops"]]);
    assert.equal(group.record!(i, [withData({ policies: ["admin"] })]), 'policies read back as ["admin"]');
    assert.equal(group.record!(i, [withData({ policies: ["operators"] })]), undefined);
    assert.deepEqual([group.replaceOn, group.update], [["groupname", "backend"], "create"]);
  });

  it("OIDC: enable with a zero config, write the config (set fields, namespace_in_state true, the secret when set); read mount, config and tune", () => {
    const oidc = calls(VAULT_TYPES.jwtAuth);
    const i = { type: "oidc", path: "oidc", oidcDiscoveryUrl: "https://idp", oidcClientId: "vault", oidcClientSecret: "s", defaultRole: "ops" };
    assert.deepEqual(oidc.create(i), [
      { method: "POST", path: "sys/auth/oidc", body: { type: "oidc", description: "", config: { options: null, default_lease_ttl: "", max_lease_ttl: "", force_no_cache: false }, local: false, seal_wrap: false, external_entropy_access: false, options: null } },
      { method: "PUT", path: "auth/oidc/config", body: { oidc_discovery_url: "https://idp", oidc_client_id: "vault", default_role: "ops", oidc_client_secret: "s", namespace_in_state: true } },
    ]);
    assert.deepEqual(described(oidc.read(i, {})), ["GET sys/mounts/auth/oidc", "GET auth/oidc/config", "GET sys/mounts/auth/oidc/tune"]);
    assert.deepEqual((oidc.update as (i: object, previous: object) => ApiCall[])(i, i), [oidc.create(i)[1]]);
    assert.deepEqual([oidc.id({}, {}), described(oidc.remove(i, {}))], ["jwt", ["DELETE sys/auth/oidc"]]);
    assert.equal(oidc.record!(i, [withData({ type: "oidc" }), withData({ oidc_discovery_url: "https://elsewhere" })]), "oidc_discovery_url read back as https://elsewhere");
    assert.deepEqual([oidc.replaceOn, oidc.unmodelled], [["type", "local"], ["path"]]);
  });

  it("OIDC role: the fields always sent, a bound claim's parts joined without commas, token fields only when changed on update", () => {
    const role = calls(VAULT_TYPES.jwtRole);
    const i = { backend: "oidc", roleName: "ops", roleType: "oidc", userClaim: "email", groupsClaim: "groups", allowedRedirectUris: ["https://cb"], boundClaims: { groups: "ops" }, tokenPolicies: ["operators"], tokenTtl: 3600 };
    assert.deepEqual(role.create(i), [{
      method: "PUT", path: "auth/oidc/role/ops",
      body: {
        token_policies: ["operators"], token_ttl: 3600, bound_audiences: [], user_claim: "email", user_claim_json_pointer: false, allowed_redirect_uris: ["https://cb"], role_type: "oidc",
        bound_claims: { groups: "ops" }, groups_claim: "groups", clock_skew_leeway: 0, expiration_leeway: 0, not_before_leeway: 0, verbose_oidc_logging: false,
      },
    }]);
    assert.deepEqual(role.create({ ...i, boundClaims: { groups: "a, b" } })[0].body!.bound_claims, { groups: "ab" });
    assert.deepEqual(role.create({ ...i, boundClaims: { groups: "a, b" }, disableBoundClaimsParsing: true })[0].body!.bound_claims, { groups: "a, b" });
    const update = role.update as (i: object, previous: object) => ApiCall[];
    assert.ok(!("token_policies" in update(i, i)[0].body!));
    assert.deepEqual(update({ ...i, tokenPolicies: ["operators", "audit"] }, i)[0].body!.token_policies, ["operators", "audit"]);
    assert.deepEqual([role.id(i, {}), described(role.remove(i, {}))], ["auth/oidc/role/ops", ["DELETE auth/oidc/role/ops"]]);
    assert.deepEqual([role.replaceOn, role.zeroUnset], [["roleName", "roleType", "backend"], false]);
    assert.equal(role.record!(i, [withData({ token_policies: ["root"] })]), 'token_policies read back as ["root"]');
  });
});

describe("people's login: the provisioner policy", () => {
  let layer: VaultLayerModel;
  let acl: Acl;
  /** Whether the provisioner policy lets this call through, body included (PUT and POST as updates). */
  const allowed = (call: ApiCall) => acl.allows(call.method === "GET" ? "read" : call.method === "DELETE" ? "delete" : "update", call.path, { data: call.body });
  before(() => {
    const file = caFile();
    layer = layerOf((config) => { config["vault-platform:auth"].ldap.caCertFile = file; config["vault-platform:auth"].oidc.caCertFile = file; });
    acl = new Acl([parsePolicy(provisionerPolicyText(layer, "dev"), "provisioner"), parsePolicy(DEFAULT_POLICY, "default")]);
  });

  it("names each path of people's login, with no delete on the protected methods or their config", () => {
    const rules = provisionerRules(layer).filter((rule) => /(^|\/)(ldap|oidc)(\/|$)|operators/.test(rule.path));
    assert.deepEqual(rules.map((rule) => `${rule.path} ${rule.capabilities.join(",")}`), [
      "sys/policies/acl/operators create,read,update,delete",
      "sys/auth/ldap create,update,sudo",
      "sys/mounts/auth/ldap read",
      "sys/mounts/auth/ldap/tune update",
      "auth/ldap/config create,read,update",
      "auth/ldap/groups/vault-operators create,read,update,delete",
      "sys/auth/oidc create,update,sudo",
      "sys/mounts/auth/oidc read",
      "sys/mounts/auth/oidc/tune read",
      "auth/oidc/config create,read,update",
      "auth/oidc/role/operators create,read,update,delete",
    ]);
    assert.deepEqual(rules[0].allowedParameters, { policy: [fs.readFileSync("policies/operators.hcl", "utf8")] }, "the operator policy's text is pinned like a consumer's");
    const planner = plannerRules(layer).map((rule) => rule.path);
    assert.ok(["sys/mounts/auth/oidc/tune", "auth/ldap/config", "auth/ldap/groups/vault-operators", "auth/oidc/role/operators"].every((p) => planner.includes(p)));
  });

  it("pins each OIDC role's bound claims whole: another value, an extra claim or none is refused", async () => {
    const config = devWithPeople();
    config["vault-platform:auth"].ldap.caCertFile = layer.auth.ldap!.caCertFile;
    config["vault-platform:auth"].oidc.caCertFile = layer.auth.oidc!.caCertFile;
    const i = revealed(onlyOfType(await runProgram(encodeConfig(config)), VAULT_TYPES.jwtRole).inputs);
    const write = (boundClaims: Record<string, string>) => RESOURCE_CALLS[VAULT_TYPES.jwtRole].create({ ...i, boundClaims })[0];
    assert.ok(allowed(write(i.boundClaims)), "the declared claims");
    for (const widened of [{ groups: "staff" }, { ...i.boundClaims, email: "mallory@example.org" }, {}]) {
      assert.ok(!allowed(write(widened)), JSON.stringify(widened));
    }
  });

  it("allows every call the provider makes for the registered resources, bodies included", async () => {
    const config = devWithPeople();
    config["vault-platform:auth"].ldap.caCertFile = layer.auth.ldap!.caCertFile;
    config["vault-platform:auth"].oidc.caCertFile = layer.auth.oidc!.caCertFile;
    const run = await runProgram(encodeConfig(config));
    for (const type of [VAULT_TYPES.ldapAuth, VAULT_TYPES.ldapGroup, VAULT_TYPES.jwtAuth, VAULT_TYPES.jwtRole]) {
      const registration = onlyOfType(run, type);
      const i = revealed(registration.inputs);
      const entry = RESOURCE_CALLS[type];
      for (const call of [...entry.create(i), ...entry.read(i, {}), ...(typeof entry.update === "function" ? entry.update(i, i) : [])]) {
        assert.ok(allowed(call), `${type}: ${call.method} ${call.path} ${JSON.stringify(call.body ?? {}).slice(0, 200)}`);
      }
      for (const call of type === VAULT_TYPES.ldapAuth || type === VAULT_TYPES.jwtAuth ? entry.remove(i, {}) : []) assert.ok(!allowed(call), `${type} is protected: ${call.path}`);
    }
  });

  it("refuses a group or role mapped to another policy, whoever would then log in with it", () => {
    assert.ok(allowed({ method: "PUT", path: "auth/ldap/groups/vault-operators", body: { policies: ["operators"] } }));
    assert.ok(!allowed({ method: "PUT", path: "auth/ldap/groups/vault-operators", body: { policies: ["operators", "provisioner"] } }));
    assert.ok(!allowed({ method: "PUT", path: "auth/ldap/groups/vault-operators", body: { policies: "operators,kes-kes" } }));
    assert.ok(!allowed({ method: "PUT", path: "auth/ldap/groups/staff", body: { policies: ["operators"] } }), "an undeclared group");
    assert.ok(!allowed({ method: "PUT", path: "auth/ldap/users/mallory", body: { policies: ["operators"] } }), "a directory user mapped directly");
    const role = { role_type: "oidc", user_claim: "email", groups_claim: "groups", allowed_redirect_uris: ["https://vault.example.org/ui/vault/auth/oidc/oidc/callback"], verbose_oidc_logging: false, user_claim_json_pointer: false };
    assert.ok(allowed({ method: "PUT", path: "auth/oidc/role/operators", body: { ...role, token_policies: ["operators"] } }));
    assert.ok(!allowed({ method: "PUT", path: "auth/oidc/role/operators", body: { ...role, token_policies: ["apisix"] } }));
    assert.ok(!allowed({ method: "PUT", path: "auth/oidc/role/operators", body: { ...role, token_policies: ["operators"], policies: ["apisix"] } }), "the deprecated alias");
    assert.ok(!allowed({ method: "PUT", path: "auth/oidc/role/operators", body: { ...role, token_policies: ["operators"], allowed_redirect_uris: ["https://attacker.example/cb"] } }));
    assert.ok(!allowed({ method: "PUT", path: "auth/oidc/role/operators", body: { ...role, token_policies: ["operators"], user_claim: "sub" } }));
  });

  it("refuses a config that points Vault elsewhere or loosens the checks; the bind password and client secret are free", () => {
    const settings = RESOURCE_CALLS[VAULT_TYPES.ldapAuth].create({
      path: "ldap", url: "ldaps://ldap.example.org:636", starttls: false, insecureTls: false, certificate: layer.ldapCaCertificate, binddn: "cn=vault,ou=services,dc=example,dc=org",
      bindpass: "anything", userdn: "ou=people,dc=example,dc=org", userattr: "uid", groupdn: "ou=groups,dc=example,dc=org",
      groupfilter: "(&(objectClass=groupOfNames)(member={{.UserDN}}))", groupattr: "cn", denyNullBind: true, tokenTtl: 28800,
    })[3];
    assert.ok(allowed(settings));
    const changed = (body: Record<string, unknown>) => allowed({ ...settings, body: { ...settings.body, ...body } });
    assert.ok(changed({ bindpass: "rotated" }));
    assert.ok(!changed({ url: "ldaps://attacker.example:636" }));
    assert.ok(!changed({ certificate: "-----BEGIN CERTIFICATE-----\nattacker\n-----END CERTIFICATE-----\n" }));
    assert.ok(!changed({ insecure_tls: true }));
    assert.ok(!changed({ deny_null_bind: false }));
    assert.ok(!changed({ groupfilter: "(objectClass=groupOfNames)" }));
    assert.ok(!changed({ token_policies: ["operators"] }), "policies for every directory login");
    assert.ok(!changed({ upndomain: "example.org" }), "a field the program never sends");
    const oidc = { oidc_discovery_url: "https://idp.example.org/realms/staff", oidc_client_id: "vault", default_role: "operators", namespace_in_state: true, oidc_client_secret: "any" };
    assert.ok(allowed({ method: "PUT", path: "auth/oidc/config", body: oidc }));
    assert.ok(!allowed({ method: "PUT", path: "auth/oidc/config", body: { ...oidc, oidc_discovery_url: "https://attacker.example" } }));
    assert.ok(!allowed({ method: "PUT", path: "auth/oidc/config", body: { ...oidc, jwt_validation_pubkeys: ["attacker key"] } }));
  });

  it("is what the committed stacks' policies already say (no stack declares people's login yet)", () => {
    for (const stack of ["dev", "prod", "local"]) {
      assert.ok(!readProvisionerFile(stack)!.text.includes("auth/ldap"), stack);
    }
  });
});
