import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { VaultComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface VaultAuditArgs extends VaultComponentArgs {
  /** File the audit device writes on every node. */
  filePath: string;
  /** A collector for a second, off-node device, when the stack names one. */
  socket?: { address: string; socketType: string };
}

/**
 * A file audit device: every request and response, HMAC'd, on each node's disk (rotated by logrotate),
 * and optionally a socket device to a collector off the node. Protected, so a config change cannot
 * quietly leave Vault unaudited.
 */
export class VaultAudit extends pulumi.ComponentResource {
  /** The device, for what must exist only once requests are audited. */
  readonly device: vault.Audit;

  constructor(name: string, args: VaultAuditArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "VaultAudit", name, opts));
    this.device = new vault.Audit(`${name}-file`, {
      type: "file",
      path: "file",
      description: "File audit log (vault-platform)",
      options: { file_path: args.filePath },
    }, { parent: this, provider: args.provider, protect: true });
    if (args.socket) {
      new vault.Audit(`${name}-socket`, {
        type: "socket",
        path: "socket",
        description: "Audit log sent to the collector (vault-platform)",
        options: { address: args.socket.address, socket_type: args.socket.socketType },
      }, { parent: this, provider: args.provider, protect: true, dependsOn: [this.device] });
    }
    this.registerOutputs({});
  }
}
