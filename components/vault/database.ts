import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { DatabaseConfig } from "../../config";
import type { Secret } from "../../lib/secret";
import { seconds, VaultComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface DatabaseEngineArgs extends VaultComponentArgs {
  /** `engines.database`: the mount path, the PostgreSQL connections and their roles. */
  database: DatabaseConfig;
  /** `vault-platform:secrets`: each connection's `passwordSecret` names the root user's first password here. */
  secrets: Record<string, Secret>;
}

/** Vault's rotate-root takes no parameters: the write itself is the rotation. */
const ROTATE_ROOT_BODY = "{}";

/**
 * The database secrets engine: a `database` mount, one PostgreSQL connection per declared connection
 * (allowed to serve exactly its own roles), one role per declared role, and, unless `rotateRoot` is false,
 * the root rotation right after the connection is configured, so that only Vault knows the root password.
 *
 * The rotation is a one-time write (`<path>/rotate-root/<connection>`, never read back, never undone): a
 * later `pulumi up` does not rotate again, and the connection's updates do not send the configured
 * password again unless it changed (terraform-provider-vault sends it only then). Change the configured
 * password only after setting it on the database yourself: the update writes it to Vault and the rotation
 * runs again (its replacement trigger is that password). The mount and every rotated connection are
 * protected: unmounting revokes every lease, and deleting a rotated connection loses the only copy of
 * its root password.
 */
export class DatabaseEngine extends pulumi.ComponentResource {
  /** The connections by name, for what must wait for them. */
  readonly connections: Record<string, vault.database.SecretBackendConnection> = {};
  /** The roles by name: consumers granted one read `<path>/creds/<role>`. */
  readonly roles: Record<string, vault.database.SecretBackendRole> = {};

  constructor(name: string, args: DatabaseEngineArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "DatabaseEngine", name, opts));
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    const { path, connections } = args.database;
    const mount = new vault.Mount(`${name}-${path}`, {
      path,
      type: "database",
      description: "Database credentials generated on demand, managed by vault-platform",
    }, { ...child, protect: true });

    for (const declared of connections) {
      const password = pulumi.secret(args.secrets[declared.passwordSecret].reveal());
      const connection = new vault.database.SecretBackendConnection(`${name}-${declared.name}`, {
        backend: mount.path,
        name: declared.name,
        allowedRoles: declared.roles.map((role) => role.name),
        verifyConnection: true,
        postgresql: { connectionUrl: declared.connectionUrl, username: declared.username, password },
      }, { ...child, protect: declared.rotateRoot });
      this.connections[declared.name] = connection;
      if (declared.rotateRoot) {
        new vault.generic.Endpoint(`${name}-${declared.name}-rotate-root`, {
          path: `${path}/rotate-root/${declared.name}`,
          dataJson: ROTATE_ROOT_BODY,
          disableRead: true,
          disableDelete: true,
        }, { ...child, dependsOn: [...(args.after ?? []), connection], replacementTrigger: password });
      }
      for (const role of declared.roles) {
        this.roles[role.name] = new vault.database.SecretBackendRole(`${name}-${declared.name}-${role.name}`, {
          backend: mount.path,
          name: role.name,
          dbName: connection.name,
          creationStatements: role.creationStatements,
          revocationStatements: role.revocationStatements.length > 0 ? role.revocationStatements : undefined,
          defaultTtl: seconds(role.defaultTtl),
          maxTtl: seconds(role.maxTtl),
        }, child);
      }
    }
    this.registerOutputs({});
  }
}
