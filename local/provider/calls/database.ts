/**
 * The database secrets engine's calls (connection, role) and the generic endpoint the root rotation goes
 * through, as terraform-provider-vault makes them. Spread into RESOURCE_CALLS (../vaultCalls.ts); the
 * sources are hashicorp/terraform-provider-vault's files named per entry. Vault 1.21.1 is past every
 * version gate these resources have (1.14 password_authentication, 1.15 cloud fields, 1.18 TLS fields);
 * the Enterprise-only fields (self_managed, skip_static_role_import_rotation, automated root rotation)
 * are never sent to a community server.
 */
import { VAULT_TYPES } from "../../../components/resourceTypes";
import type { VaultResponse } from "../../vaultHttp";
import type { ApiCall, Inputs, ResourceCalls } from "../vaultCalls";
import { data, list, ok, reported, sameSet, trim, whenOk } from "./fields";

/** The `postgresql` block's fields the stand-in sends; any other field would be dropped silently, so it is refused. */
const POSTGRESQL_FIELDS = [
  "connectionUrl", "username", "password", "maxOpenConnections", "maxIdleConnections", "maxConnectionLifetime", "usernameTemplate",
  "disableEscaping", "passwordAuthentication", "authType", "serviceAccountJson", "tlsCa", "tlsCertificate", "privateKey",
];

/** The connection's path (and the provider's ID): databaseSecretBackendConnectionPath. */
const connectionPath = (i: Inputs) => `${trim(i.backend)}/config/${trim(i.name)}`;

/**
 * getDatabaseAPIDataForEngine for dbEnginePostgres: setPostgresDatabaseConnectionData ->
 * setDatabaseConnectionDataWithDisableEscaping -> setDatabaseConnectionDataWithUserPass ->
 * setDatabaseConnectionData, then setCloudDatabaseConnectionData and the TLS and password_authentication
 * fields. `sendPassword` is setDatabaseConnectionDataWithUserPass's `d.IsNewResource() || d.HasChange(password)`.
 */
function postgresqlFields(block: Inputs, sendPassword: boolean): Record<string, unknown> {
  const unknown = Object.keys(block).filter((field) => !POSTGRESQL_FIELDS.includes(field));
  if (unknown.length > 0) throw new Error(`postgresql.${unknown.join(", postgresql.")}: not sent by the Vault provider stand-in; map it as terraform-provider-vault sends it`);
  return {
    ...whenOk({ connection_url: block.connectionUrl }),
    // max_open_connections: d.GetOk with the schema's Default 2.
    ...whenOk({ max_open_connections: block.maxOpenConnections ?? 2 }),
    // GetOkExists: sent when set, zero included.
    ...(block.maxIdleConnections !== undefined ? { max_idle_connections: block.maxIdleConnections } : {}),
    ...(block.maxConnectionLifetime !== undefined ? { max_connection_lifetime: `${block.maxConnectionLifetime}s` } : {}),
    ...(block.usernameTemplate !== undefined ? { username_template: block.usernameTemplate } : {}),
    // d.Get: always sent.
    username: block.username ?? "",
    ...(sendPassword ? whenOk({ password: block.password }) : {}),
    disable_escaping: block.disableEscaping ?? false,
    ...whenOk({ auth_type: block.authType, service_account_json: block.serviceAccountJson, tls_ca: block.tlsCa, tls_certificate: block.tlsCertificate, private_key: block.privateKey }),
    // password_authentication: d.GetOk with the schema's Default "password".
    ...whenOk({ password_authentication: block.passwordAuthentication ?? "password" }),
  };
}

/** writeDatabaseSecretConfig: the engine's fields, then the common ones; one Logical().WriteWithContext (PUT). */
function writeConnection(i: Inputs, sendPassword: boolean): ApiCall[] {
  if (i.postgresql === undefined) throw new Error("the Vault provider stand-in models only the postgresql block of a database connection");
  return [{
    method: "PUT", path: connectionPath(i),
    body: {
      // dbEngine.GetPluginName: plugin_name when set, else the engine's default.
      plugin_name: ok(i.pluginName) ? i.pluginName : "postgresql-database-plugin",
      ...postgresqlFields(i.postgresql, sendPassword),
      ...whenOk({ plugin_version: i.pluginVersion, password_policy: i.passwordPolicy }),
      // verify_connection: GetOkExists with the schema's Default true.
      verify_connection: i.verifyConnection ?? true,
      ...(i.allowedRoles !== undefined ? { allowed_roles: list(i.allowedRoles).join(",") } : {}),
      ...whenOk({ root_rotation_statements: i.rootRotationStatements }),
    },
  }];
}

/** The roles' API fields (roleAPIFields), by input. */
const ROLE_FIELDS: Record<string, string> = {
  defaultTtl: "default_ttl", maxTtl: "max_ttl", creationStatements: "creation_statements", revocationStatements: "revocation_statements",
  rollbackStatements: "rollback_statements", renewStatements: "renew_statements", credentialConfig: "credential_config", credentialType: "credential_type",
};

const rolePath = (i: Inputs) => `${trim(i.backend)}/roles/${trim(i.name)}`;

/**
 * databaseSecretBackendRoleWrite: db_name and creation_statements always, then each roleAPIFields field
 * that d.HasChange (on a create: that is set to a non-zero value).
 */
function writeRole(i: Inputs, previous: Inputs = {}): ApiCall[] {
  const changed = Object.entries(ROLE_FIELDS).filter(([input]) => JSON.stringify(i[input] ?? null) !== JSON.stringify(previous[input] ?? null));
  return [{
    method: "PUT", path: rolePath(i),
    body: {
      db_name: i.dbName,
      creation_statements: list(i.creationStatements),
      ...Object.fromEntries(changed.filter(([input]) => ok(i[input]) || ok(previous[input])).map(([input, field]) => [field, i[input] ?? zeroOfRoleField(input)])),
    },
  }];
}

/** d.Get of a role field no longer set: TypeList fields are [], TypeMap {}, TypeInt 0, TypeString "". */
function zeroOfRoleField(input: string): unknown {
  if (input.endsWith("Statements")) return [];
  if (input === "credentialConfig") return {};
  return input.endsWith("Ttl") ? 0 : "";
}

/** The generic endpoint's write-back (genericEndpointResourceWrite): the `write_fields` of the response, as JSON and as strings. */
function endpointWriteData(i: Inputs, [written]: VaultResponse[]) {
  const response = written?.body && typeof written.body === "object" ? written.body.data : undefined;
  if (response === undefined || response === null) return { values: { writeDataJson: "null", writeData: {} } };
  const fields = list(i.writeFields).filter((field) => field in response);
  return {
    values: {
      writeDataJson: JSON.stringify(Object.fromEntries(fields.map((field) => [field, response[field]]))),
      writeData: Object.fromEntries(fields.map((field) => [field, typeof response[field] === "string" ? response[field] : JSON.stringify(response[field])])),
    },
  };
}

/** JSON with sorted keys, as NormalizeDataJSON compares data_json. */
function normalisedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(normalisedJson).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${normalisedJson((value as Inputs)[key])}`).join(",")}}`;
  return JSON.stringify(value);
}

export const DATABASE_CALLS: Record<string, ResourceCalls> = {
  // vault/resource_database_secret_backend_connection.go databaseSecretBackendConnectionCreateOrUpdate ->
  // writeDatabaseSecretConfig: Logical().WriteWithContext (PUT <backend>/config/<name>), then
  // databaseSecretBackendConnectionRead: Logical().ReadWithContext (GET <backend>/config/<name>).
  [VAULT_TYPES.databaseConnection]: {
    source: "vault/resource_database_secret_backend_connection.go (databaseSecretBackendConnectionCreateOrUpdate, writeDatabaseSecretConfig, setPostgresDatabaseConnectionData, " +
      "setDatabaseConnectionDataWithUserPass, databaseSecretBackendConnectionRead, getPostgresConnectionDetailsFromResponse, databaseSecretBackendConnectionDelete); " +
      "vault/resource_database_secrets_mount.go getCommonDatabaseSchema",
    inputs: ["backend", "name", "pluginName", "pluginVersion", "passwordPolicy", "verifyConnection", "allowedRoles", "rootRotationStatements", "postgresql"],
    id: connectionPath,
    create: (i) => writeConnection(i, true),
    read: (i) => [{ method: "GET", path: connectionPath(i) }],
    record: (i, [connection]) => {
      const body = data(connection);
      if (!String(body.plugin_name ?? "").startsWith("postgresql")) return `plugin_name read back as ${body.plugin_name}, not a postgresql plugin`;
      if (i.allowedRoles !== undefined && !sameSet(body.allowed_roles, i.allowedRoles)) return `allowed_roles read back as ${JSON.stringify(body.allowed_roles)}`;
      return undefined;
    },
    // getPostgresConnectionDetailsFromResponse keeps the configured connection_url and password (Vault never
    // answers a password); username and max_open_connections come from Vault, as do allowed_roles and plugin_name.
    observe: (i, [connection]) => {
      const details: Record<string, unknown> = data(connection).connection_details ?? {};
      const block: Inputs = i.postgresql ?? {};
      const fromVault = Object.fromEntries([["username", "username"], ["maxOpenConnections", "max_open_connections"]]
        .filter(([input, field]) => block[input] !== undefined && details[field] !== undefined).map(([input, field]) => [input, details[field]]));
      return { ...reported(i, connection, { allowedRoles: "allowed_roles", pluginName: "plugin_name" }), ...(i.postgresql ? { postgresql: { ...block, ...fromVault } } : {}) };
    },
    // backend is ForceNew; name is not, but a new name makes the provider write a new path and keep the old
    // one (the ID changes): declare a new connection instead. The update is the create's write, with the
    // password only when it changed (terraform-provider-vault#1876): a root password Vault rotated is not
    // overwritten by the configured one.
    replaceOn: ["backend"],
    unmodelled: ["name"],
    update: (i, previous = {}) => writeConnection(i, JSON.stringify(i.postgresql?.password ?? null) !== JSON.stringify(previous.postgresql?.password ?? null)),
    remove: (i) => [{ method: "DELETE", path: connectionPath(i) }],
  },

  // vault/resource_database_secret_backend_role.go databaseSecretBackendRoleWrite: Logical().Write (PUT
  // <backend>/roles/<name>), then databaseSecretBackendRoleRead: Logical().Read (GET <backend>/roles/<name>).
  [VAULT_TYPES.databaseRole]: {
    source: "vault/resource_database_secret_backend_role.go (databaseSecretBackendRoleWrite, databaseSecretBackendRoleRead, databaseSecretBackendRoleDelete)",
    inputs: ["backend", "name", "dbName", ...Object.keys(ROLE_FIELDS)],
    id: rolePath,
    create: (i) => writeRole(i),
    read: (i) => [{ method: "GET", path: rolePath(i) }],
    record: (i, [role]) => {
      const body = data(role);
      if (body.db_name !== i.dbName) return `db_name read back as ${body.db_name}, not ${i.dbName}`;
      if (JSON.stringify(list(body.creation_statements)) !== JSON.stringify(list(i.creationStatements))) return "creation_statements differ when read back";
      return undefined;
    },
    observe: (i, [role]) => reported(i, role, {
      dbName: "db_name", creationStatements: "creation_statements", revocationStatements: "revocation_statements", defaultTtl: "default_ttl", maxTtl: "max_ttl",
    }),
    // name, backend and db_name are ForceNew; databaseSecretBackendRoleWrite serves the update too.
    replaceOn: ["name", "backend", "dbName"],
    update: writeRole,
    remove: (i) => [{ method: "DELETE", path: rolePath(i) }],
  },

  // vault/resource_generic_endpoint.go genericEndpointResourceWrite: Logical().Write (PUT <path>) with data_json
  // decoded, the response's write_fields kept; then genericEndpointResourceRead: Logical().Read (GET <path>)
  // unless disable_read. genericEndpointResourceDelete: Logical().Delete unless disable_delete.
  [VAULT_TYPES.genericEndpoint]: {
    source: "vault/resource_generic_endpoint.go (genericEndpointResourceWrite, genericEndpointResourceRead, genericEndpointResourceDelete)",
    inputs: ["path", "dataJson", "disableRead", "disableDelete", "ignoreAbsentFields", "writeFields"],
    id: (i) => i.path,
    create: (i) => [{ method: "PUT", path: i.path, body: JSON.parse(i.dataJson) }],
    created: endpointWriteData,
    read: (i) => (i.disableRead ? [] : [{ method: "GET", path: i.path }]),
    // With disable_read nothing is read, so a refresh keeps the state as it is.
    gone: ([read]) => read !== undefined && read.status === 404,
    // With ignore_absent_fields only the fields data_json names are compared; the state keeps data_json normalised
    // (NormalizeDataJSON), so only a different value is drift, not another key order.
    observe: (i, [read]) => {
      if (read === undefined) return {};
      const written = JSON.parse(i.dataJson);
      const answered = data(read);
      const relevant = i.ignoreAbsentFields ? { ...written, ...Object.fromEntries(Object.keys(written).filter((key) => key in answered).map((key) => [key, answered[key]])) } : answered;
      return { dataJson: normalisedJson(relevant) === normalisedJson(written) ? i.dataJson : JSON.stringify(relevant) };
    },
    // path is ForceNew; an update writes data_json again (genericEndpointResourceWrite serves both).
    replaceOn: ["path"],
    update: "create",
    remove: (i) => (i.disableDelete ? [] : [{ method: "DELETE", path: i.path }]),
  },
};
