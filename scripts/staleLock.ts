/**
 * `npm run stale-lock -- --table <name> [--region r] [--endpoint url] [--clear]`: reads Vault's HA lock item
 * (Path "core", Key "_lock") from the storage table and says whether no node holds it, a node holds it (and
 * for how long yet), or it is stale (expired: its holder stopped renewing it). With --clear it deletes a
 * stale item, conditionally on the same Identity and Expires, so a lock renewed or taken meanwhile stays;
 * it refuses to touch a held lock. See the README, "Stale HA lock". Credentials come from the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); nothing secret is printed.
 */
import { parseArgs } from "util";
import { credentialsFromEnv, dynamoDb, DynamoDbError, DynamoDbTarget } from "../lib/dynamoDb";
import { clearStaleLockInput, describeLockState, HA_LOCK_KEY, Item, lockState, LockState } from "../lib/haLock";

export const USAGE = "usage: npm run stale-lock -- --table <storage table> [--region <region>] [--endpoint <url>] [--clear]";

export interface StaleLockResult {
  state: LockState;
  /** What was done: "checked", "cleared", "refused" (held lock), "raced" (the item changed before the delete). */
  action: "checked" | "cleared" | "refused" | "raced";
  lines: string[];
  exitCode: number;
}

/** Reads the lock, and with `clear` deletes it when (and only when) it is stale. */
export async function staleLock(target: DynamoDbTarget, table: string, clear: boolean, now: () => number = Date.now): Promise<StaleLockResult> {
  const read = await dynamoDb(target, "GetItem", { TableName: table, Key: HA_LOCK_KEY, ConsistentRead: true });
  const item: Item | undefined = read.Item;
  const state = lockState(item, now());
  const lines = [`${table}: HA lock (Path "core", Key "_lock"): ${describeLockState(state)}`];
  if (!clear) return { state, action: "checked", lines, exitCode: 0 };
  if (state.state !== "stale") {
    lines.push(state.state === "none"
      ? "--clear: nothing to clear"
      : "--clear refused: the lock is held by a live node (it renews it every 5 s); deleting it would start a leader election while that node still acts as active. Find out why that node does not serve instead (see the README, \"Stale HA lock\").");
    return { state, action: state.state === "none" ? "checked" : "refused", lines, exitCode: state.state === "none" ? 0 : 1 };
  }
  try {
    await dynamoDb(target, "DeleteItem", clearStaleLockInput(table, item!));
  } catch (error) {
    if (error instanceof DynamoDbError && error.code === "ConditionalCheckFailedException") {
      lines.push("--clear: not deleted: the lock changed since it was read (renewed or taken over by a node); run the check again");
      return { state, action: "raced", lines, exitCode: 1 };
    }
    throw error;
  }
  lines.push("--clear: deleted the stale lock item; a standby takes the lock within a second");
  return { state, action: "cleared", lines, exitCode: 0 };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { table: { type: "string" }, region: { type: "string" }, endpoint: { type: "string" }, clear: { type: "boolean", default: false } },
  });
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!values.table) throw new Error(`--table is required (the stack output storageTable)\n${USAGE}`);
  if (!region) throw new Error(`--region is required (or AWS_REGION)\n${USAGE}`);
  const result = await staleLock({ region, endpoint: values.endpoint, credentials: credentialsFromEnv() }, values.table, values.clear ?? false);
  for (const line of result.lines) console.log(line);
  return result.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
}
