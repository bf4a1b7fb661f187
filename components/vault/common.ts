import * as vault from "@pulumi/vault";
import { parseVaultDuration } from "../../acl/duration";

/** What every Vault-layer component needs. */
export interface VaultComponentArgs {
  /** The explicit Vault provider every child resource uses. */
  provider: vault.Provider;
}

/** Seconds of a validated Vault duration, or undefined when it is not set. */
export function seconds(duration: string | number | undefined): number | undefined {
  return duration === undefined ? undefined : parseVaultDuration(duration);
}
