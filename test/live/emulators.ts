/**
 * The AWS services a Vault node talks to, emulated in the hub namespace: DynamoDB (dynalite, storage
 * and HA lock) and KMS (local-kms, auto-unseal). Both speak AWS's JSON protocol
 * over plain HTTP; the nodes find them through the SDKs' endpoint environment variables.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { JsonResponse, jsonRequest } from "../../local/jsonHttp";
import { ManagedProcess, runDirectory, startProcess, startTypeScriptProcess, waitFor } from "./processes";

const DYNAMODB_PORT = 8000;
const KMS_PORT = 4000;

/** The table as the program declares it (`aws:dynamodb/table:Table` inputs), plus its name. */
export interface TableSchema {
  name: string;
  hashKey: string;
  rangeKey: string;
  attributes: Array<{ name: string; type: string }>;
  billingMode: string;
}

export interface Emulator {
  /** What the nodes put in AWS_DYNAMODB_ENDPOINT or AWS_KMS_ENDPOINT. */
  endpoint: string;
  process: ManagedProcess;
}

/** One AWS JSON-protocol call; resolves with the status and parsed body. Signatures are made up: emulators do not check them. */
export function awsJsonCall(endpoint: string, target: string, protocolVersion: "1.0" | "1.1", body: unknown): Promise<JsonResponse> {
  const headers = {
    "X-Amz-Target": target,
    "X-Amz-Date": new Date().toISOString().replace(/[-:]|\.\d+/g, ""),
    Authorization: "AWS4-HMAC-SHA256 Credential=test/20260101/eu-west-1/service/aws4_request, SignedHeaders=host, Signature=0",
  };
  return jsonRequest(new URL(endpoint), { method: "POST", headers, body, contentType: `application/x-amz-json-${protocolVersion}`, timeoutMs: 5_000 });
}

/**
 * dynalite in the hub namespace, with the table created beforehand as the program declares it: in
 * production Vault finds the program's table, it never creates one of its own.
 */
export async function startDynamoDb(namespace: string, ip: string, table: TableSchema): Promise<Emulator> {
  // Through dynaliteServer.ts: plain dynalite exits when a killed node aborts a request.
  const dynalite = startTypeScriptProcess("dynalite", path.join(__dirname, "dynaliteServer.ts"), [
    "--host", ip, "--port", String(DYNAMODB_PORT), "--createTableMs", "0",
  ], { netns: namespace });
  const endpoint = `http://${ip}:${DYNAMODB_PORT}`;
  await waitFor("dynalite to accept CreateTable", async () => {
    if (dynalite.hasExited()) throw new Error(`dynalite exited; see ${dynalite.logFile}`);
    const created = await awsJsonCall(endpoint, "DynamoDB_20120810.CreateTable", "1.0", {
      TableName: table.name,
      AttributeDefinitions: table.attributes.map((attribute) => ({ AttributeName: attribute.name, AttributeType: attribute.type })),
      KeySchema: [{ AttributeName: table.hashKey, KeyType: "HASH" }, { AttributeName: table.rangeKey, KeyType: "RANGE" }],
      BillingMode: table.billingMode,
    });
    if (created.status !== 200) throw new Error(`CreateTable answered ${created.status} ${JSON.stringify(created.body)}`);
    return true;
  }, 15_000);
  await waitFor("the table to become ACTIVE", async () => {
    const described = await awsJsonCall(endpoint, "DynamoDB_20120810.DescribeTable", "1.0", { TableName: table.name });
    return described.body?.Table?.TableStatus === "ACTIVE" ? true : undefined;
  }, 5_000);
  return { endpoint, process: dynalite };
}

/** The region, account and key ID of a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`). */
export function kmsKeyArnParts(arn: string): { region: string; account: string; keyId: string } {
  const match = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/([0-9a-f-]{36})$/.exec(arn);
  if (!match) throw new Error(`${arn} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<uuid>)`);
  return { region: match[1], account: match[2], keyId: match[3] };
}

/**
 * A local-kms folder seeded with the seal key the program names (one AES-256 key, fresh material): its
 * seed file and its database, which keeps the key when local-kms restarts.
 */
export function kmsFolder(keyArn: string): string {
  const folder = fs.mkdtempSync(path.join(runDirectory(), "local-kms-"));
  const seed = { Keys: { Symmetric: { Aes: [{ Metadata: { KeyId: kmsKeyArnParts(keyArn).keyId }, BackingKeys: [randomBytes(32).toString("hex")] }] } } };
  fs.writeFileSync(path.join(folder, "seed.yaml"), yaml.dump(seed), { mode: 0o600 });
  return folder;
}

/**
 * local-kms (github.com/nsmithuk/local-kms, built from its Go module by scripts/liveTools.ts) in the hub
 * namespace, where its all-interfaces listener reaches only this test's network; waits (bounded) until
 * it describes the seal key.
 */
export async function startLocalKms(binary: string, namespace: string, ip: string, keyArn: string, folder: string): Promise<Emulator> {
  const { region, account, keyId } = kmsKeyArnParts(keyArn);
  const kms = startProcess("local-kms", binary, [], {
    netns: namespace,
    env: {
      PATH: process.env.PATH, KMS_DATA_PATH: path.join(folder, "data"), KMS_SEED_PATH: path.join(folder, "seed.yaml"),
      KMS_REGION: region, KMS_ACCOUNT_ID: account, PORT: String(KMS_PORT),
    },
  });
  const endpoint = `http://${ip}:${KMS_PORT}`;
  await waitFor("local-kms to describe the seal key by its ARN, as Vault's awskms seal does", async () => {
    if (kms.hasExited()) throw new Error(`local-kms exited; see ${kms.logFile}`);
    const described = await awsJsonCall(endpoint, "TrentService.DescribeKey", "1.1", { KeyId: keyArn }).catch(() => undefined);
    return described?.body?.KeyMetadata?.Arn === keyArn && described.body.KeyMetadata.KeyId === keyId ? true : undefined;
  }, 15_000);
  return { endpoint, process: kms };
}
