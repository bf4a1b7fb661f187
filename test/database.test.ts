/**
 * The database secrets engine offline: its config (each bad key one message), the component's
 * registrations under the mocks, the stand-in's calls as terraform-provider-vault sends them, and the
 * provisioner's rules with their pins, checked against what those calls send.
 */
import { strict as assert } from "assert";
import { Acl, parsePolicy } from "../acl";
import { DEFAULT_POLICY } from "../acl/defaultPolicy";
import { provisionerPolicyText } from "../access";
import { provisionerRules } from "../access/provisioner";
import { VAULT_TYPES } from "../components/resourceTypes";
import { encodeConfig, parseConfig } from "../config";
import { isSecretInput, ProgramRun, runProgram, unwrapSecret } from "../offline/runtime";
import { RESOURCE_CALLS } from "../local/provider/vaultCalls";
import type { VaultResponse } from "../local/vaultHttp";
import { checkInvalidCases } from "./config.test";
import { devWithVault, withDatabase } from "./fixtures";
import { Config } from "./invalidConfigs";
import { ofType, onlyOfType } from "./programRun";

const database = (config: Config) => config["vault-platform:engines"].database;
const connection = (config: Config) => database(config).connections[0];
const role = (config: Config) => connection(config).roles[0];
const CREATION = [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`];
const URL = "postgresql://{{username}}:{{password}}@db.dev.example.internal:5432/app?sslmode=verify-full";
const example = () => withDatabase(devWithVault());
const answer = (status: number, body?: unknown): VaultResponse => ({ status, body } as VaultResponse);
const withData = (data: Record<string, unknown>) => answer(200, { data });

describe("database engine: config", () => {
  it("fills in the defaults: mounted at database, root rotated, 1h and 24h leases, the plugin's own revocation", () => {
    const engine = parseConfig(encodeConfig(example()), { env: {} }).engines.database!;
    assert.equal(engine.path, "database");
    assert.equal(engine.connections[0].rotateRoot, true);
    assert.deepEqual([engine.connections[0].roles[0].defaultTtl, engine.connections[0].roles[0].maxTtl, engine.connections[0].roles[0].revocationStatements], ["1h", "24h", []]);
  });

  checkInvalidCases([
    { title: "a plugin other than PostgreSQL", mutate: (c) => { connection(c).plugin = "mysql"; }, message: /^vault-platform:engines\.database\.connections\[0\]\.plugin must be "postgresql" \(the one database plugin this project declares and proves\) \(got "mysql"\)$/ },
    { title: "a connection URL with the credentials in it", mutate: (c) => { connection(c).connectionUrl = "postgresql://vault:secret@db:5432/app"; }, message: /^vault-platform:engines\.database\.connections\[0\]\.connectionUrl must be postgresql:\/\/\{\{username\}\}:\{\{password\}\}@<host>:<port>\/<database>/ },
    { title: "a root password missing from vault-platform:secrets", mutate: (c) => { connection(c).passwordSecret = "missing"; }, message: /^vault-platform:engines\.database\.connections\[0\]\.passwordSecret names "missing", which vault-platform:secrets does not hold; set it with `pulumi config set --secret --path 'vault-platform:secrets\.missing' <value>`$/ },
    { title: "one role name on two connections", mutate: (c) => { database(c).connections.push({ ...connection(c), name: "reports" }); }, message: /^vault-platform:engines\.database\.connections\[1\]\.roles\[0\]\.name "app-readonly" is already a role of connection app; role names must be unique in the mount \(database\/roles\/<name>\)$/ },
    { title: "two connections of one name", mutate: (c) => { database(c).connections.push({ ...connection(c), roles: [] }); }, message: /^vault-platform:engines\.database\.connections\[1\]\.name "app" is declared twice; connection names must be unique$/ },
    { title: "a default lease longer than the maximum", mutate: (c) => { Object.assign(role(c), { defaultTtl: "48h", maxTtl: "24h" }); }, message: /^vault-platform:engines\.database\.connections\[0\]\.roles\[0\]\.defaultTtl is longer than maxTtl \(24h\); Vault refuses such a role: shorten it or raise maxTtl$/ },
    { title: "a role without creation statements", mutate: (c) => { role(c).creationStatements = []; }, message: /^vault-platform:engines\.database\.connections\[0\]\.roles\[0\]\.creationStatements must have at least one SQL statement/ },
    { title: "an empty revocation statement", mutate: (c) => { role(c).revocationStatements = [""]; }, message: /^vault-platform:engines\.database\.connections\[0\]\.roles\[0\]\.revocationStatements\[0\] must not be empty/ },
    { title: "a role name that is no path segment", mutate: (c) => { role(c).name = "App"; }, message: /^vault-platform:engines\.database\.connections\[0\]\.roles\[0\]\.name must be a name of lowercase letters, digits, '-' and '_' \(it becomes a path segment\) \(got "App"\)$/ },
    { title: "the engine at Vault's sys/", mutate: (c) => { database(c).path = "sys"; }, message: /^vault-platform:engines\.database\.path is Vault's own; choose another path such as database \(got "sys"\)$/ },
    { title: "the engine on a KV mount's path", mutate: (c) => { database(c).path = "kv"; }, message: /^vault-platform:mounts and vault-platform:engines\.database\.path declare path "kv" twice; each mount path must be unique$/ },
    { title: "a misspelt connection key", mutate: (c) => { connection(c).rotateroot = false; }, message: /^vault-platform:engines\.database\.connections\[0\] has unknown key "rotateroot" \(did you mean "rotateRoot"\?\)/ },
    { title: "rotateRoot as text", mutate: (c) => { connection(c).rotateRoot = "yes"; }, message: /^vault-platform:engines\.database\.connections\[0\]\.rotateRoot must be a boolean \(got "yes"\)$/ },
    { title: "no connection", mutate: (c) => { database(c).connections = []; }, message: /^vault-platform:engines\.database\.connections must declare at least one connection/ },
    { title: "a grant of an undeclared database role", mutate: (c) => { c["vault-platform:consumers"][0].grants = { database: ["app-writer"] }; }, message: /^vault-platform:consumers\[0\] \(apisix\)\.grants\.database\[0\] "app-writer" is not declared in vault-platform:engines\.database \(declared: app-readonly\); declare it or remove the grant$/ },
  ], example);
});

describe("database engine: the component's registrations", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram(encodeConfig(example()));
  });
  const named = (type: string, name: string) => ofType(run, type).find((registration) => registration.name === name)!;

  it("mounts the engine protected, as type database", () => {
    const mount = named(VAULT_TYPES.mount, "vault-config-database-database");
    assert.deepEqual([mount.inputs.path, mount.inputs.type, mount.protect], ["database", "database", true]);
    assert.match(mount.parent, /vault-platform:vault:DatabaseEngine/);
  });

  it("configures the connection for its own roles, the root password as a secret, protected since Vault rotates it", () => {
    const configured = onlyOfType(run, VAULT_TYPES.databaseConnection);
    assert.deepEqual([configured.inputs.backend, configured.inputs.name, configured.inputs.allowedRoles, configured.inputs.verifyConnection], ["database", "app", ["app-readonly"], true]);
    const block = unwrapSecret(configured.inputs.postgresql) as Record<string, unknown>;
    assert.ok(isSecretInput(configured.inputs.postgresql) || isSecretInput(block.password), "the root password must be secret");
    assert.deepEqual({ ...block, password: unwrapSecret(block.password) }, { connectionUrl: URL, username: "vault_root", password: "first-root-password" });
    assert.equal(configured.protect, true);
  });

  it("rotates the root once, after the connection: a write never read back nor undone", () => {
    const rotation = onlyOfType(run, VAULT_TYPES.genericEndpoint);
    assert.deepEqual([rotation.inputs.path, unwrapSecret(rotation.inputs.dataJson), rotation.inputs.disableRead, rotation.inputs.disableDelete], ["database/rotate-root/app", "{}", true, true]);
    assert.ok(rotation.dependencies.includes(onlyOfType(run, VAULT_TYPES.databaseConnection).urn), "rotated before the connection exists");
    assert.ok(rotation.dependencies.includes(onlyOfType(run, VAULT_TYPES.audit).urn), "rotated unaudited");
  });

  it("declares the role on its connection with its SQL and TTLs in seconds", () => {
    const declared = onlyOfType(run, VAULT_TYPES.databaseRole).inputs;
    assert.deepEqual([declared.backend, declared.name, declared.dbName, declared.creationStatements, declared.defaultTtl, declared.maxTtl, declared.revocationStatements],
      ["database", "app-readonly", "app", CREATION, 3600, 86400, undefined]);
  });

  it("without rotateRoot: no rotation, and the connection is not protected", async () => {
    const config = example();
    connection(config).rotateRoot = false;
    role(config).revocationStatements = [`DROP ROLE "{{name}}";`];
    const unrotated = await runProgram(encodeConfig(config));
    assert.deepEqual(ofType(unrotated, VAULT_TYPES.genericEndpoint), []);
    assert.equal(onlyOfType(unrotated, VAULT_TYPES.databaseConnection).protect, false);
    assert.deepEqual(onlyOfType(unrotated, VAULT_TYPES.databaseRole).inputs.revocationStatements, [`DROP ROLE "{{name}}";`]);
  });

  it("sets only inputs the stand-in sends (it refuses any other, which the real provider would send)", () => {
    for (const type of [VAULT_TYPES.databaseConnection, VAULT_TYPES.databaseRole, VAULT_TYPES.genericEndpoint]) {
      const registered = Object.keys(onlyOfType(run, type).inputs).filter((key) => key !== "__defaults");
      assert.deepEqual(registered.filter((key) => !RESOURCE_CALLS[type].inputs.includes(key)), [], type);
    }
  });

  it("registers nothing of the engine when it is not declared", async () => {
    const plain = await runProgram(encodeConfig(devWithVault()));
    for (const type of [VAULT_TYPES.databaseConnection, VAULT_TYPES.databaseRole, VAULT_TYPES.genericEndpoint]) assert.deepEqual(ofType(plain, type), []);
  });
});

describe("database engine: the stand-in's calls, as terraform-provider-vault sends them", () => {
  const connectionCalls = RESOURCE_CALLS[VAULT_TYPES.databaseConnection];
  const roleCalls = RESOURCE_CALLS[VAULT_TYPES.databaseRole];
  const endpointCalls = RESOURCE_CALLS[VAULT_TYPES.genericEndpoint];
  const i = { backend: "database", name: "app", allowedRoles: ["app-readonly", "reports"], verifyConnection: true, postgresql: { connectionUrl: URL, username: "vault_root", password: "p0" } };

  it("connection: PUT <backend>/config/<name> with the plugin's defaults, the roles comma-joined; GET to read, DELETE to remove", () => {
    assert.deepEqual(connectionCalls.create(i), [{
      method: "PUT", path: "database/config/app",
      body: {
        plugin_name: "postgresql-database-plugin", connection_url: URL, max_open_connections: 2, username: "vault_root", password: "p0",
        disable_escaping: false, password_authentication: "password", verify_connection: true, allowed_roles: "app-readonly,reports",
      },
    }]);
    assert.deepEqual(connectionCalls.create({ backend: "/database/", name: "app", postgresql: { maxIdleConnections: 0, maxConnectionLifetime: 60, usernameTemplate: "t" } })[0].body, {
      plugin_name: "postgresql-database-plugin", max_open_connections: 2, max_idle_connections: 0, max_connection_lifetime: "60s", username_template: "t",
      username: "", disable_escaping: false, password_authentication: "password", verify_connection: true,
    });
    assert.equal(connectionCalls.id(i, {}), "database/config/app");
    assert.deepEqual(connectionCalls.read(i, {}), [{ method: "GET", path: "database/config/app" }]);
    assert.deepEqual(connectionCalls.remove(i, {}), [{ method: "DELETE", path: "database/config/app" }]);
    assert.deepEqual([connectionCalls.replaceOn, connectionCalls.unmodelled], [["backend"], ["name"]]);
    assert.throws(() => connectionCalls.create({ ...i, postgresql: { ...i.postgresql, passwordWo: "x" } }), /postgresql\.passwordWo: not sent by the Vault provider stand-in/);
    assert.throws(() => connectionCalls.create({ backend: "database", name: "app" }), /models only the postgresql block/);
  });

  it("connection update: the password only when it changed, so a password Vault rotated is not overwritten", () => {
    const update = connectionCalls.update as (i: object, previous: object) => Array<{ body?: Record<string, unknown> }>;
    const unchanged = update({ ...i, allowedRoles: ["app-readonly"] }, i)[0].body!;
    assert.equal("password" in unchanged, false);
    assert.equal(unchanged.allowed_roles, "app-readonly");
    assert.equal(update({ ...i, postgresql: { ...i.postgresql, password: "p1" } }, i)[0].body!.password, "p1");
  });

  it("connection read-back and refresh: a postgresql plugin, the roles as written; Vault's user and roles, the configured URL and password kept", () => {
    assert.equal(connectionCalls.record!(i, [withData({ plugin_name: "postgresql-database-plugin", allowed_roles: ["reports", "app-readonly"] })]), undefined);
    assert.equal(connectionCalls.record!(i, [withData({ plugin_name: "mysql-database-plugin", allowed_roles: [] })]), "plugin_name read back as mysql-database-plugin, not a postgresql plugin");
    assert.equal(connectionCalls.record!(i, [withData({ plugin_name: "postgresql-database-plugin", allowed_roles: ["*"] })]), 'allowed_roles read back as ["*"]');
    assert.deepEqual(connectionCalls.observe!(i, [withData({ allowed_roles: ["*"], connection_details: { connection_url: "postgresql://elsewhere", username: "postgres" } })]), {
      allowedRoles: ["*"], postgresql: { connectionUrl: URL, username: "postgres", password: "p0" },
    });
  });

  it("role: db_name and creation_statements always, the other fields when set (create) or changed (update)", () => {
    const r = { backend: "database", name: "app-readonly", dbName: "app", creationStatements: CREATION, defaultTtl: 3600, maxTtl: 86400 };
    assert.deepEqual(roleCalls.create(r), [{ method: "PUT", path: "database/roles/app-readonly", body: { db_name: "app", creation_statements: CREATION, default_ttl: 3600, max_ttl: 86400 } }]);
    const update = roleCalls.update as (i: object, previous: object) => Array<{ body?: Record<string, unknown> }>;
    assert.deepEqual(update({ ...r, maxTtl: 7200, revocationStatements: ["DROP"] }, r)[0].body, { db_name: "app", creation_statements: CREATION, max_ttl: 7200, revocation_statements: ["DROP"] });
    assert.deepEqual(update(r, { ...r, revocationStatements: ["DROP"], defaultTtl: 60 })[0].body, { db_name: "app", creation_statements: CREATION, default_ttl: 3600, revocation_statements: [] });
    assert.equal(roleCalls.record!(r, [withData({ db_name: "other", creation_statements: CREATION })]), "db_name read back as other, not app");
    assert.equal(roleCalls.record!(r, [withData({ db_name: "app", creation_statements: ["SELECT 1"] })]), "creation_statements differ when read back");
    assert.deepEqual(roleCalls.observe!(r, [withData({ db_name: "app", creation_statements: ["x"], default_ttl: 60, max_ttl: 86400, credential_type: "password" })]),
      { dbName: "app", creationStatements: ["x"], defaultTtl: 60, maxTtl: 86400 });
    assert.deepEqual([roleCalls.id(r, {}), roleCalls.replaceOn], ["database/roles/app-readonly", ["name", "backend", "dbName"]]);
    assert.deepEqual(roleCalls.remove(r, {}), [{ method: "DELETE", path: "database/roles/app-readonly" }]);
  });

  it("generic endpoint: PUT data_json; with disable_read nothing read (a refresh keeps it), with disable_delete nothing deleted", () => {
    const rotation = { path: "database/rotate-root/app", dataJson: "{}", disableRead: true, disableDelete: true };
    assert.deepEqual(endpointCalls.create(rotation), [{ method: "PUT", path: "database/rotate-root/app", body: {} }]);
    assert.deepEqual(endpointCalls.created!(rotation, [answer(204)]), { values: { writeDataJson: "null", writeData: {} } });
    assert.deepEqual([endpointCalls.read(rotation, {}), endpointCalls.remove(rotation, {}), endpointCalls.gone!([], rotation), endpointCalls.observe!(rotation, [])], [[], [], false, {}]);
    const readable = { path: "sys/x", dataJson: '{"a":1,"b":"c"}', writeFields: ["id", "n"] };
    assert.deepEqual(endpointCalls.created!(readable, [withData({ id: "i", n: 2, other: 3 })]), { values: { writeDataJson: '{"id":"i","n":2}', writeData: { id: "i", n: "2" } } });
    assert.deepEqual(endpointCalls.read(readable, {}), [{ method: "GET", path: "sys/x" }]);
    assert.deepEqual(endpointCalls.remove(readable, {}), [{ method: "DELETE", path: "sys/x" }]);
    assert.ok(endpointCalls.gone!([answer(404)], readable));
    assert.deepEqual(endpointCalls.observe!(readable, [withData({ b: "c", a: 1 })]), { dataJson: readable.dataJson });
    assert.deepEqual(endpointCalls.observe!(readable, [withData({ a: 2, b: "c", d: 4 })]), { dataJson: '{"a":2,"b":"c","d":4}' });
    assert.deepEqual(endpointCalls.observe!({ ...readable, ignoreAbsentFields: true }, [withData({ a: 2, b: "c", d: 4 })]), { dataJson: '{"a":2,"b":"c"}' });
    assert.deepEqual([endpointCalls.replaceOn, endpointCalls.update], [["path"], "create"]);
  });
});

describe("database engine: the provisioner's rules", () => {
  const layer = () => parseConfig(encodeConfig(example()), { env: {} }).vaultLayer;
  const engineRules = (config = example()) => provisionerRules(parseConfig(encodeConfig(config), { env: {} }).vaultLayer).filter((rule) => /^(sys\/mounts\/)?database(\/|$)/.test(rule.path));
  const provisionerAcl = () => new Acl([parsePolicy(provisionerPolicyText(layer(), "dev"), "provisioner"), parsePolicy(DEFAULT_POLICY, "default")]);

  it("names each path pulumi up needs: the mount (no delete), the connection (no delete once rotated), its rotation, the role", () => {
    assert.deepEqual(engineRules().map((rule) => `${rule.path} ${rule.capabilities.join(",")}`), [
      "sys/mounts/database create,read,update",
      "sys/mounts/database/tune read,update",
      "database/config/app create,read,update",
      "database/rotate-root/app update",
      "database/roles/app-readonly create,read,update,delete",
    ]);
    const config = example();
    connection(config).rotateRoot = false;
    assert.deepEqual(engineRules(config).map((rule) => `${rule.path} ${rule.capabilities.join(",")}`).slice(2), [
      "database/config/app create,read,update,delete",
      "database/roles/app-readonly create,read,update,delete",
    ]);
    assert.deepEqual(engineRules(devWithVault()), []);
  });

  it("allows what the provider sends for the declarations: the create and update writes, the rotation", () => {
    const acl = provisionerAcl();
    const declared = layer().engines.database!.connections[0];
    const writes = [
      ...RESOURCE_CALLS[VAULT_TYPES.databaseConnection].create({ backend: "database", name: "app", allowedRoles: ["app-readonly"], verifyConnection: true, postgresql: { connectionUrl: declared.connectionUrl, username: declared.username, password: "p0" } }),
      ...RESOURCE_CALLS[VAULT_TYPES.databaseRole].create({ backend: "database", name: "app-readonly", dbName: "app", creationStatements: declared.roles[0].creationStatements, defaultTtl: 3600, maxTtl: 86400 }),
    ];
    for (const call of writes) {
      for (const capability of ["create", "update"] as const) assert.ok(acl.allows(capability, call.path, { data: call.body }), `${capability} ${call.path}`);
    }
    const [rotation] = RESOURCE_CALLS[VAULT_TYPES.genericEndpoint].create({ path: "database/rotate-root/app", dataJson: "{}" });
    assert.ok(acl.allows("update", rotation.path, { data: rotation.body }));
  });

  it("refuses another database, another user, any role, rotation statements, a password policy, other SQL or another connection for the role", () => {
    const acl = provisionerAcl();
    const declared = { plugin_name: "postgresql-database-plugin", connection_url: URL, username: "vault_root", allowed_roles: "app-readonly" };
    const refused: Array<[string, Record<string, unknown>]> = [
      ["database/config/app", { ...declared, connection_url: "postgresql://{{username}}:{{password}}@attacker.example:5432/app" }],
      ["database/config/app", { ...declared, username: "postgres" }],
      ["database/config/app", { ...declared, allowed_roles: "*" }],
      ["database/config/app", { ...declared, allowed_roles: ["app-readonly", "other"] }],
      ["database/config/app", { ...declared, plugin_name: "mysql-database-plugin" }],
      ["database/config/app", { ...declared, root_rotation_statements: ["CREATE ROLE evil SUPERUSER"] }],
      ["database/config/app", { ...declared, password_policy: "weak" }],
      ["database/roles/app-readonly", { db_name: "app", creation_statements: ["CREATE ROLE \"{{name}}\" SUPERUSER"] }],
      ["database/roles/app-readonly", { db_name: "app", creation_statements: CREATION, revocation_statements: ["SELECT 1"] }],
      ["database/roles/app-readonly", { db_name: "app", creation_statements: CREATION, renew_statements: ["ALTER ROLE \"{{name}}\" SUPERUSER"] }],
      ["database/roles/app-readonly", { db_name: "other", creation_statements: CREATION }],
    ];
    assert.deepEqual(refused.filter(([path, data]) => acl.allows("update", path, { data })).map(([path, data]) => `${path} ${JSON.stringify(data)}`), []);
    assert.ok(acl.allows("update", "database/config/app", { data: declared }), "the declared values pass");
    for (const path of ["database/config/app", "sys/mounts/database", "database/roles/other", "database/creds/app-readonly"]) assert.ok(!acl.allows(path.includes("creds") ? "read" : "delete", path), path);
  });
});
