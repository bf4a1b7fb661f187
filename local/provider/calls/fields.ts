/**
 * How terraform-plugin-sdk's getters decide what terraform-provider-vault sends, and reading Vault's
 * answers: shared by every resource's calls (../vaultCalls.ts and the files next to this one).
 */
import type { VaultResponse } from "../../vaultHttp";
import type { Inputs } from "../vaultCalls";

/** The snake_case field an input is sent as. */
export { snakeCase } from "../../../lib/fieldName";

/** d.GetOk: set and not the zero value of its type. */
export function ok(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value as object).length > 0;
  return true;
}

/** The fields whose value passes d.GetOk. */
export function whenOk(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => ok(value)));
}

export const trim = (path: string) => String(path).replace(/^\/+|\/+$/g, "");
export const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export function data(answer: VaultResponse | undefined): Record<string, any> {
  return (answer?.body && typeof answer.body === "object" ? answer.body.data : undefined) ?? {};
}

export function sameSet(a: unknown, b: unknown): boolean {
  const left = [...list(a)].sort();
  const right = [...list(b)].sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

/**
 * The inputs the program set, as the read answered them (`fields`: input name to Vault's field). Only
 * inputs that are set and fields Vault answers are compared: Vault answers defaults for the others, and
 * leaves some out (a token role's read has no token_num_uses in 1.21.1).
 */
export function reported(i: Inputs, answer: VaultResponse | undefined, fields: Record<string, string>): Inputs {
  const body = data(answer);
  return Object.fromEntries(Object.entries(fields).filter(([input, field]) => i[input] !== undefined && body[field] !== undefined).map(([input, field]) => [input, body[field]]));
}

/** api.MountConfigInput as Go serialises it for a create with only the TTLs set (omitempty fields left out). */
export function mountConfig(i: Inputs): Record<string, unknown> {
  return {
    options: null,
    default_lease_ttl: `${i.defaultLeaseTtlSeconds ?? 0}s`,
    max_lease_ttl: `${i.maxLeaseTtlSeconds ?? 0}s`,
    force_no_cache: false,
    ...whenOk({ audit_non_hmac_request_keys: i.auditNonHmacRequestKeys, audit_non_hmac_response_keys: i.auditNonHmacResponseKeys, listing_visibility: i.listingVisibility }),
  };
}

/** mountutil.GetMount answers 400 "No secret engine mount at <path>/" for a mount that is gone. */
export function mountGone(mount: VaultResponse): boolean {
  return mount.status === 404 || (mount.status === 400 && /no secret engine mount/i.test(JSON.stringify(mount.body)));
}
