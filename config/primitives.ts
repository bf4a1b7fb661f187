/** Value schemas shared by the cluster and the Vault layer: CIDRs, durations, names, mount paths. */
import { z } from "zod";
import { isNetworkAddress } from "../lib/cidr";
import { isVaultDuration } from "../lib/vaultDuration";

/** Addresses that mean "everyone". */
export const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

/** IPv4 CIDR whose host bits are zero, so AWS stores exactly what was written. */
export const cidr = z.cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" }).refine(
  // A malformed value is reported by the format check alone.
  (value) => !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(value) || isNetworkAddress(value),
  { error: "has host bits set; use the network address (e.g. 10.20.0.0/16, not 10.20.0.1/16)" },
);

export const duration = z
  .union([z.string(), z.number()])
  .refine((value) => isVaultDuration(value), {
    error: 'must be a Vault duration such as "30s", "5m", "768h" or "7d", or whole seconds',
  });

export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    error: "must be lowercase DNS-style: a-z, 0-9 and '-', starting and ending with a letter or digit, at most 63 characters",
  });

export const mountPath = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/, {
    error: "must be a mount path such as kv or team/secrets: lowercase letters, digits, '-' and '_', no leading or trailing '/'",
  });

/** A count where 0 means unlimited, as Vault reads num_uses settings. */
export const unlimitedOrCount = z.number().int().min(0, { error: "must be 0 (unlimited) or more" });

/** The name of an entry of `vault-platform:secrets` (set with `pulumi config set --secret --path 'vault-platform:secrets.<name>' ...`). */
export const secretName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, {
  error: "must name an entry of vault-platform:secrets (letters, digits, '-' and '_'), set with `pulumi config set --secret --path 'vault-platform:secrets.<name>' <value>`",
});
