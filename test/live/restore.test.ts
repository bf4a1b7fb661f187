/**
 * The restore rehearsal and the stale-lock check, live: one real Vault node from the program's own vault.hcl,
 * dynalite for DynamoDB and local-kms for auto-unseal (the cluster suite's emulators, in a network namespace).
 * Vault is initialised with recovery keys and given a few hundred KV entries; the table is backed up (a full
 * Scan into a file) and loaded into a NEW table; the node is killed (SIGKILL), which leaves its HA lock behind
 * for `npm run stale-lock` to watch go from held to stale and to clear; a node started from the vault.hcl
 * the program renders with `cluster.storageTableName` set to the new table unseals itself through the same
 * KMS key and reads back every acknowledged write, while the old table stays exactly as it was.
 *
 * What the Scan stands in for: AWS Backup's daily recovery point of the table (components/cluster/backup.ts)
 * or a point-in-time-recovery restore, both of which AWS restores into a new table with the same key schema
 * and items (`aws dynamodb restore-table-to-point-in-time`, `aws backup start-restore-job`). What a Scan
 * cannot show, and only a real account can: that AWS Backup's jobs run and restore, and PITR's consistency
 * at a point in time (a Scan of a live table is not a snapshot; here no client writes while it runs).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseHcl } from "../../acl/hcl";
import { encodeConfig, stackConfig } from "../../config";
import { HA_LOCK_TIMING } from "../../components/cluster/loadBalancer";
import { dynamoDb, DynamoDbTarget } from "../../lib/dynamoDb";
import { clearStaleLockInput, HA_LOCK_KEY, Item } from "../../lib/haLock";
import { makeClusterTls } from "../../local/tlsFiles";
import { runProgram } from "../../offline/runtime";
import { renderedVaultConfig } from "../../scripts/planReport";
import { toolPath } from "../../scripts/liveTools";
import { staleLock } from "../../scripts/staleLock";
import { decodeConfig } from "../fixtures";
import { VaultCluster } from "./clusterNodes";
import { Emulator, kmsFolder, startDynamoDb, startLocalKms, TableSchema } from "./emulators";
import { createClusterNetwork } from "./network";
import { runDirectory, stopProcess, waitFor } from "./processes";
import { StackFacts, stackFacts } from "./programFacts";

const ENTRIES = 300;
const KV_MOUNT = "restore";
/** DynamoDBLockRenewInterval (physical/dynamodb/dynamodb.go:68): the holder rewrites Expires this often. */
const LOCK_RENEW_SECONDS = 5;
const PROJECT_ROOT = path.resolve(__dirname, "../..");
const CREDENTIALS = { accessKeyId: "test-access-key", secretAccessKey: "test-secret-key" };

describe("live: backup, restore to a new table, and the stale HA lock", function () {
  const suiteStarted = performance.now();
  let dev: StackFacts;
  let dynamo: Emulator;
  let db: DynamoDbTarget;
  let vaultBinary: string;
  let original: VaultCluster;
  let rootToken: string;
  let restoredTable: TableSchema;
  let restoredHcl: string;
  let backupItems: Item[] = [];
  let originalAfterKill: Item[] = [];
  const acknowledged = new Map<string, string>();
  const figures: Record<string, string> = {};

  before(async function () {
    this.timeout(120_000);
    vaultBinary = await toolPath("vault");
    dev = await stackFacts("dev");
    const network = createClusterNetwork(1);
    dynamo = await startDynamoDb(network.hub.namespace, network.hub.ip, dev.table);
    db = { region: dev.region, endpoint: dynamo.endpoint, credentials: CREDENTIALS, timeoutMs: 10_000 };
    const kms = await startLocalKms(await toolPath("local-kms"), network.hub.namespace, network.hub.ip, dev.kmsKeyId, kmsFolder(dev.kmsKeyId));
    restoredTable = { ...dev.table, name: `${dev.table.name}-restored-${process.pid}` };
    // The runbook's switch, through the program itself: cluster.storageTableName renders the nodes' vault.hcl.
    const config = decodeConfig(stackConfig("dev"));
    config["vault-platform:cluster"].storageTableName = restoredTable.name;
    restoredHcl = renderedVaultConfig((await runProgram(encodeConfig(config), "dev")).registrations)!;
    const setup = {
      vaultBinary,
      tls: makeClusterTls(dev.tls, path.join(runDirectory(), "tls")),
      tlsCertPath: dev.tlsCertFile,
      tlsKeyPath: dev.tlsKeyFile,
      serverName: dev.loadBalancerDnsName,
      env: {
        AWS_DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_KMS_ENDPOINT: kms.endpoint, AWS_REGION: dev.region,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_EC2_METADATA_DISABLED: "true",
      },
    };
    original = new VaultCluster(setup, network.nodes, dev.vaultHcl);
  });

  after(() => {
    console.log(`restore summary: ${Object.entries(figures).map(([name, value]) => `${name} ${value}`).join("; ")}; suite ${seconds(suiteStarted)} s`);
  });

  it("renders the restored table into vault.hcl through cluster.storageTableName, and changes nothing else", () => {
    const [before, after] = [dev.vaultHcl, restoredHcl].map((text) => parseHcl(text, "vault.hcl"));
    assert.equal(after.storage[0].dynamodb[0].table, restoredTable.name);
    after.storage[0].dynamodb[0].table = dev.table.name;
    assert.deepEqual(after, before);
  });

  it(`initialises one node with recovery keys and writes ${ENTRIES} KV entries, remembering each acknowledged one`, async function () {
    this.timeout(120_000);
    const [node] = original.nodes;
    original.start(node);
    await original.waitForHealth(node, 501, 30_000);
    const init = await original.call(node, "PUT", "sys/init", { body: { recovery_shares: 1, recovery_threshold: 1 } });
    assert.deepEqual([init.keys, init.recovery_keys.length], [[], 1], "auto-unseal: recovery keys, no unseal keys");
    rootToken = init.root_token;
    const started = performance.now();
    await original.waitForHealth(node, 200, 30_000);
    figures.firstUnseal = `${seconds(started)} s`;
    await original.call(node, "POST", `sys/mounts/${KV_MOUNT}`, { token: rootToken, body: { type: "kv" } });
    const keys = Array.from({ length: ENTRIES }, (_, index) => `app-${String(index).padStart(4, "0")}`);
    for (let start = 0; start < keys.length; start += 10) {
      await Promise.all(keys.slice(start, start + 10).map(async (key) => {
        const value = randomBytes(12).toString("hex");
        const written = await original.request(node, "PUT", `${KV_MOUNT}/${key}`, { token: rootToken, body: { value } });
        if (written.status === 204) acknowledged.set(key, value);
      }));
    }
    assert.equal(acknowledged.size, ENTRIES);
  });

  it("reports the live node's lock as held, and `--clear` refuses it (exit 1) and leaves it", async function () {
    this.timeout(60_000);
    const checked = await staleLock(db, dev.table.name, false);
    assert.equal(checked.state.state, "held");
    assert.match(checked.lines[0], /: HA lock \(Path "core", Key "_lock"\): held by [0-9a-f-]{36} \(expires in \d+\.\d s/);
    const before = await lockItem(dev.table.name);
    const refused = staleLockCli(dev.table.name, "--clear");
    assert.equal(refused.status, 1, refused.output);
    assert.match(refused.output, /--clear refused: the lock is held by a live node/);
    const after = await lockItem(dev.table.name);
    assert.ok(after !== undefined && after.Identity.B === before!.Identity.B, "the held lock is still there, same holder");
  });

  it("backs the table up (a full Scan to a file) and loads it into a NEW table with the same key schema", async function () {
    this.timeout(120_000);
    let started = performance.now();
    backupItems = await scanAll(dev.table.name);
    const backupFile = path.join(runDirectory(), `${dev.table.name}.backup.jsonl`);
    // Barrier-encrypted values only (Vault encrypts before storage), but kept private all the same.
    fs.writeFileSync(backupFile, backupItems.map((item) => JSON.stringify(item)).join("\n") + "\n", { mode: 0o600 });
    figures.backup = `${backupItems.length} items ${(fs.statSync(backupFile).size / 1024).toFixed(0)} KiB in ${seconds(started)} s`;
    assert.ok(backupItems.length > ENTRIES, `the backup holds the ${ENTRIES} entries and Vault's own records`);
    assert.ok(backupItems.some((item) => item.Path.S === "core" && item.Key.S === "_lock"), "a backup of a live table holds the HA lock item");

    started = performance.now();
    const described = (await dynamoDb(db, "DescribeTable", { TableName: dev.table.name })).Table;
    await dynamoDb(db, "CreateTable", {
      TableName: restoredTable.name, KeySchema: described.KeySchema, AttributeDefinitions: described.AttributeDefinitions, BillingMode: "PAY_PER_REQUEST",
    });
    await waitFor("the new table to become ACTIVE", async () => ((await dynamoDb(db, "DescribeTable", { TableName: restoredTable.name })).Table.TableStatus === "ACTIVE" ? true : undefined), 10_000);
    const fromFile = fs.readFileSync(backupFile, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Item);
    for (let start = 0; start < fromFile.length; start += 25) await batchWrite(restoredTable.name, fromFile.slice(start, start + 25));
    figures.restore = `${fromFile.length} items into ${restoredTable.name} in ${seconds(started)} s`;
    assert.deepEqual(sortItems(await scanAll(restoredTable.name)), sortItems(backupItems));
  });

  it(`kill -9 leaves the lock held, stale once its Expires passes (within the ${HA_LOCK_TIMING.ttlSeconds} s TTL), and \`--clear\` removes only that`, async function () {
    this.timeout(90_000);
    const [node] = original.nodes;
    const killed = performance.now();
    await stopProcess(node.process!, "SIGKILL");
    const held = await staleLock(db, dev.table.name, false);
    assert.equal(held.state.state, "held", "right after the kill the lock is still within its TTL");
    const stale = await waitFor("the lock to turn stale", async () => {
      const result = await staleLock(db, dev.table.name, false);
      return result.state.state === "stale" ? result : undefined;
    }, (HA_LOCK_TIMING.ttlSeconds + 5) * 1000, 200);
    const staleAfter = (performance.now() - killed) / 1000;
    figures.staleLock = `held ${held.state.state === "held" ? held.state.secondsLeft.toFixed(1) : "?"} s more after kill -9, stale ${staleAfter.toFixed(1)} s after it`;
    // The last renewal was at most one renew interval before the kill; 1 s covers the polling and the calls.
    assert.ok(staleAfter >= HA_LOCK_TIMING.ttlSeconds - LOCK_RENEW_SECONDS - 1 && staleAfter <= HA_LOCK_TIMING.ttlSeconds + 1, `stale after ${staleAfter} s`);
    assert.match(stale.lines[0], /stale \(expired \d+\.\d s ago\), last held by [0-9a-f-]{36}: its holder stopped renewing it/);

    // A lock taken between the check and the delete (another Identity, a new Expires) is never removed: the
    // delete built from the stale item is refused by DynamoDB, the retaken lock stays.
    const staleItem = (await lockItem(dev.table.name))!;
    const retaken: Item = { ...staleItem, Identity: { B: Buffer.from("another-node").toString("base64") }, Expires: { N: String(BigInt(Date.now() + 15_000) * 1_000_000n) } };
    for (const changed of [retaken, { ...staleItem, Expires: retaken.Expires }]) {
      await dynamoDb(db, "PutItem", { TableName: dev.table.name, Item: changed });
      await assert.rejects(dynamoDb(db, "DeleteItem", clearStaleLockInput(dev.table.name, staleItem)), /ConditionalCheckFailedException/);
      assert.deepEqual(await lockItem(dev.table.name), changed, "the lock taken or renewed meanwhile is still there");
    }
    await dynamoDb(db, "PutItem", { TableName: dev.table.name, Item: staleItem });

    const cleared = staleLockCli(dev.table.name, "--clear");
    assert.equal(cleared.status, 0, cleared.output);
    assert.match(cleared.output, /stale \(expired .*\n--clear: deleted the stale lock item/);
    assert.equal(await lockItem(dev.table.name), undefined);
    assert.match(staleLockCli(dev.table.name).output, /: no lock: no node is active/);
    originalAfterKill = await scanAll(dev.table.name);
  });

  it("a node started on the restored table unseals itself through the same KMS key and reads back every acknowledged write", async function () {
    this.timeout(120_000);
    const restored = new VaultCluster(original.setup, original.nodes.map((node) => node.host), restoredHcl);
    const [node] = restored.nodes;
    // The restored table carries the lock item of the node that was active at backup time; Vault takes it
    // over once its Expires has passed, so a restore needs no lock clearing (a real restore takes minutes).
    const copiedLock = await staleLock(db, restoredTable.name, false);
    figures.restoredLock = copiedLock.state.state === "none" ? "none" : `${copiedLock.state.state} at start`;
    assert.notEqual(copiedLock.state.state, "none", "the backup's lock item came along");
    const started = performance.now();
    restored.start(node);
    await restored.waitForHealth(node, 200, 60_000);
    figures.restoredUnseal = `${seconds(started)} s to active`;
    const seal = await restored.call(node, "GET", "sys/seal-status");
    assert.deepEqual([seal.type, seal.initialized, seal.sealed, seal.recovery_seal], ["awskms", true, false, true]);
    const mismatched: string[] = [];
    const keys = [...acknowledged.keys()];
    for (let start = 0; start < keys.length; start += 16) {
      await Promise.all(keys.slice(start, start + 16).map(async (key) => {
        const read = await restored.request(node, "GET", `${KV_MOUNT}/${key}`, { token: rootToken });
        if (read.status !== 200 || read.body?.data?.value !== acknowledged.get(key)) mismatched.push(`${key}: ${read.status}`);
      }));
    }
    assert.deepEqual(mismatched, []);
    figures.entries = `${acknowledged.size} acknowledged, ${acknowledged.size - mismatched.length} read back from the restored table`;
    // New writes go to the restored table (storage keys are plain text: KV v1 puts logical/<mount UUID>/<key>).
    await restored.call(node, "PUT", `${KV_MOUNT}/after-restore`, { token: rootToken, body: { value: "new" } });
    assert.ok((await scanAll(restoredTable.name)).some((item) => item.Path.S?.startsWith("logical/") && item.Key.S === "after-restore"));
    figures.items = `${backupItems.length} in the backup, ${(await scanAll(restoredTable.name)).length} in the restored table after the restored node ran`;
    await stopProcess(node.process!);
  });

  it("leaves the old table exactly as it was when its node died: the restored node never touched it", async () => {
    assert.ok(originalAfterKill.length > 0);
    assert.deepEqual(sortItems(await scanAll(dev.table.name)), sortItems(originalAfterKill));
    assert.ok(!originalAfterKill.some((item) => item.Path.S === "core" && item.Key.S === "_lock"));
    assert.ok(!originalAfterKill.some((item) => item.Key.S === "after-restore"), "the write after the restore is not in the old table");
  });

  async function lockItem(table: string): Promise<any | undefined> {
    return (await dynamoDb(db, "GetItem", { TableName: table, Key: HA_LOCK_KEY, ConsistentRead: true })).Item;
  }

  async function scanAll(table: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    for (let page = 0; page < 1_000; page++) {
      const answer = await dynamoDb(db, "Scan", { TableName: table, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) });
      items.push(...answer.Items);
      startKey = answer.LastEvaluatedKey;
      if (startKey === undefined) return items;
    }
    throw new Error(`${table}: more than 1000 Scan pages`);
  }

  async function batchWrite(table: string, items: Item[]): Promise<void> {
    let requests = items.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; attempt < 10 && requests.length > 0; attempt++) {
      const answer = await dynamoDb(db, "BatchWriteItem", { RequestItems: { [table]: requests } });
      requests = answer.UnprocessedItems?.[table] ?? [];
      if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
    if (requests.length > 0) throw new Error(`${table}: ${requests.length} items left unprocessed after 10 attempts`);
  }

  /** `npm run stale-lock` as an operator runs it (the script through ts-node), against dynalite. */
  function staleLockCli(table: string, ...args: string[]): { status: number | null; output: string } {
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/staleLock.ts", "--table", table, "--region", dev.region, "--endpoint", dynamo.endpoint, ...args], {
      cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }
});

/** Items in a stable order (by Path, then Key), for comparing two tables. */
function sortItems(items: Item[]): Item[] {
  return [...items].sort((a, b) => `${a.Path.S}\u0000${a.Key.S}`.localeCompare(`${b.Path.S}\u0000${b.Key.S}`));
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(2);
}
