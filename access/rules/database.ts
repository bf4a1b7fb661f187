/**
 * What `pulumi up` of the database secrets engine needs (components/vault/database.ts), path by path, with
 * the parameters a free value would turn into more than the declarations:
 * - a connection's URL and user are pinned: pointed at a server of its choosing, Vault would log in there
 *   with the root password it rotated (PostgreSQL may ask for the password in clear), and the root
 *   credential would be out; its allowed_roles are pinned to the connection's own roles;
 * - root_rotation_statements, password_policy, username_template and the other fields the program never
 *   sends are refused: rotation statements of its choosing plus rotate-root would create a database
 *   superuser it knows;
 * - a role's db_name and SQL are pinned to the declared ones: else a consumer's grant could hand out a
 *   superuser, or the credentials of another connection's database.
 * Rotated connections and the mount are protected: no delete (deleting a rotated connection loses the only
 * copy of its root password; unmounting revokes every lease).
 */
import type { DatabaseConfig, VaultLayerModel } from "../../config";
import { ProvisionerRule, secretsMountRules } from "../provisioner";

/** A parameter whose value may be anything. */
const FREE: string[] = [];

/**
 * Values for a list parameter that must hold exactly the declared items: each item sent must be one of
 * them. With none declared, only the empty string is listed, so that no statement passes (an empty list
 * in allowed_parameters would allow any value).
 */
const onlyItems = (items: string[]) => (items.length > 0 ? items : [""]);

function connectionRules(path: string, connection: DatabaseConfig["connections"][number]): ProvisionerRule[] {
  const roles = connection.roles.map((role) => role.name);
  const rules: ProvisionerRule[] = [{
    path: `${path}/config/${connection.name}`,
    capabilities: connection.rotateRoot ? ["create", "read", "update"] : ["create", "read", "update", "delete"],
    allowedParameters: {
      plugin_name: ["postgresql-database-plugin"],
      connection_url: [connection.connectionUrl],
      username: [connection.username],
      allowed_roles: onlyItems(roles),
      password: FREE, verify_connection: FREE, max_open_connections: FREE, disable_escaping: FREE, password_authentication: FREE,
    },
  }];
  // The provider's rotate-root write (Logical().Write: PUT, an update: the path has no existence check).
  if (connection.rotateRoot) rules.push({ path: `${path}/rotate-root/${connection.name}`, capabilities: ["update"] });
  for (const role of connection.roles) {
    rules.push({
      path: `${path}/roles/${role.name}`,
      capabilities: ["create", "read", "update", "delete"],
      allowedParameters: {
        db_name: [connection.name],
        creation_statements: onlyItems(role.creationStatements),
        revocation_statements: onlyItems(role.revocationStatements),
        default_ttl: FREE, max_ttl: FREE,
      },
    });
  }
  return rules;
}

/** The mount (protected: no delete), then each connection with its rotation and its roles. */
export function databaseRules(layer: VaultLayerModel): ProvisionerRule[] {
  const database = layer.engines.database;
  if (database === undefined) return [];
  return [
    ...secretsMountRules(database.path),
    ...database.connections.flatMap((connection) => connectionRules(database.path, connection)),
  ];
}
