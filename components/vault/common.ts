import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { ConsumerConfig } from "../../config";
import { parseVaultDuration } from "../../lib/vaultDuration";

/** What every Vault-layer component needs. */
export interface VaultComponentArgs {
  /** The explicit Vault provider every child resource uses. */
  provider: vault.Provider;
  /**
   * What every child waits for: the audit device, so that no change and no credential happens unaudited.
   * Vault 1.21.1 also fails a request that races the device being enabled (500, "failed to audit request").
   */
  after?: pulumi.Resource[];
}

/** What every per-consumer binding (AppRole, Kubernetes, token) needs. */
export interface ConsumerBindingArgs extends VaultComponentArgs {
  /** The consumers with this kind of binding. */
  consumers: ConsumerConfig[];
  /** The uploaded policies each consumer's tokens carry (its own, then its grants), by consumer name. */
  policyNames: Record<string, pulumi.Input<string>[]>;
}

/** Seconds of a validated Vault duration, or undefined when it is not set. */
export function seconds(duration: string | number | undefined): number | undefined {
  return duration === undefined ? undefined : parseVaultDuration(duration);
}
