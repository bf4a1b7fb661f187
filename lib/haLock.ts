/**
 * Vault's HA lock as it sits in the DynamoDB storage table (Vault 1.21.1, physical/dynamodb/dynamodb.go and
 * vault/core.go), and whether it is stale:
 * - the core lock path is "core/lock" (vault/core.go:80, CoreLockPath); the DynamoDB backend prefixes the
 *   last segment with "_" (dynamodb.go:535, DynamoDBLockPrefix) and splits the key into Path "core" and
 *   Key "_lock" (recordPathForVaultKey, recordKeyForVaultKey: dynamodb.go:947, 958);
 * - the item carries Value (binary: the active node's leader UUID), Identity (binary: a UUID of this lock
 *   attempt) and Expires (a number: Unix time in nanoseconds, the write time plus the 15 s TTL)
 *   (DynamoDBLockRecord, dynamodb.go:121-127; updateItem, dynamodb.go:752-799);
 * - the holder renews it every 5 s (DynamoDBLockRenewInterval); another node takes it over with a
 *   conditional UpdateItem that succeeds when `#expires <= :now` by that node's clock, or when the item has
 *   no Identity (dynamodb.go:768), trying every second (DynamoDBLockRetryInterval);
 * - a clean shutdown deletes it with a conditional DeleteItem on its own Identity (Unlock, dynamodb.go:645-678).
 * So a lock whose Expires has passed is stale, and the next standby's attempt takes it: clearing it by hand
 * is rarely needed. An item with an Identity but no Expires would never be taken over (the condition is
 * false on a missing attribute): Vault does not write one, but only clearing would release it.
 */

/** A DynamoDB attribute value in the JSON protocol's form ({"S": ...}, {"N": ...}, {"B": base64}). */
export type AttributeValue = { S?: string; N?: string; B?: string };
export type Item = Record<string, AttributeValue>;

/** The table key of Vault's HA lock item. */
export const HA_LOCK_KEY = { Path: { S: "core" }, Key: { S: "_lock" } } as const;

export type LockState =
  | { state: "none" }
  | { state: "held"; identity: string; expires: string; secondsLeft: number }
  | { state: "stale"; identity?: string; expires?: string; secondsAgo?: number; reason: string };

/** The identity of an item (a UUID in a binary attribute), readable; undefined when absent. */
function identityOf(item: Item): string | undefined {
  const value = item.Identity;
  if (value?.B !== undefined) return Buffer.from(value.B, "base64").toString("utf8");
  return value?.S;
}

/**
 * What the lock item says at `nowMs` (Unix milliseconds): no lock, held (by whom, for how long yet), or
 * stale (since when). Held means Expires is later than now, exactly Vault's own takeover condition reversed.
 */
export function lockState(item: Item | undefined, nowMs: number): LockState {
  if (item === undefined || Object.keys(item).length === 0) return { state: "none" };
  const identity = identityOf(item);
  const expires = item.Expires?.N;
  if (identity === undefined) {
    return { state: "stale", expires, reason: "it has no Identity, so any node takes it over on its next attempt" };
  }
  if (expires === undefined || !/^-?\d+$/.test(expires)) {
    return { state: "stale", identity, reason: "it has no numeric Expires, so no node can ever take it over: clear it" };
  }
  const nowNs = BigInt(Math.round(nowMs)) * 1_000_000n;
  const leftNs = BigInt(expires) - nowNs;
  if (leftNs > 0n) return { state: "held", identity, expires, secondsLeft: Number(leftNs / 1_000_000n) / 1000 };
  return { state: "stale", identity, expires, secondsAgo: Number(-leftNs / 1_000_000n) / 1000, reason: "its holder stopped renewing it; the next standby attempt (every second) takes it over" };
}

/** One line for an operator. */
export function describeLockState(state: LockState): string {
  switch (state.state) {
    case "none": return "no lock: no node is active (or the storage table is not the one the nodes use)";
    case "held": return `held by ${state.identity} (expires in ${state.secondsLeft.toFixed(1)} s; the holder renews it every 5 s)`;
    case "stale": return `stale${state.secondsAgo === undefined ? "" : ` (expired ${state.secondsAgo.toFixed(1)} s ago)`}`
      + `${state.identity === undefined ? "" : `, last held by ${state.identity}`}: ${state.reason}`;
  }
}

/**
 * The conditional DeleteItem that removes exactly this stale item: same Identity and same Expires (or their
 * absence), so a lock renewed or taken meanwhile (a new Expires, a new Identity) is never removed.
 */
export function clearStaleLockInput(table: string, item: Item): Record<string, unknown> {
  const names: Record<string, string> = { "#identity": "Identity", "#expires": "Expires" };
  const values: Record<string, AttributeValue> = {};
  const conditions = ["attribute_exists(#path)"];
  names["#path"] = "Path";
  if (item.Identity === undefined) conditions.push("attribute_not_exists(#identity)");
  else { conditions.push("#identity = :identity"); values[":identity"] = item.Identity; }
  if (item.Expires === undefined) conditions.push("attribute_not_exists(#expires)");
  else { conditions.push("#expires = :expires"); values[":expires"] = item.Expires; }
  return {
    TableName: table,
    Key: HA_LOCK_KEY,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}
