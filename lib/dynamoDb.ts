/**
 * A minimal DynamoDB client (the JSON protocol, SigV4-signed with credentials from the environment), for the
 * operator scripts and the live suites: the project has no AWS SDK for JavaScript, and a handful of calls
 * (GetItem, DeleteItem, Scan, BatchWriteItem, CreateTable, DescribeTable) do not justify one.
 */
import { createHash, createHmac } from "crypto";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface DynamoDbTarget {
  region: string;
  /** e.g. http://127.0.0.1:8000 for dynalite; DynamoDB's regional endpoint when unset. */
  endpoint?: string;
  credentials: AwsCredentials;
  timeoutMs?: number;
}

/** An error DynamoDB answered: its exception name (e.g. ConditionalCheckFailedException), message and status. */
export class DynamoDbError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(`${code}: ${message}`);
    this.name = "DynamoDbError";
  }
}

/** Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; a clear error when absent. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error("no AWS credentials in the environment: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), "
      + "e.g. eval \"$(aws configure export-credentials --format env)\"");
  }
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

export interface SignedRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/**
 * A SigV4-signed POST of `body` to `/` (AWS General Reference, "Create a signed AWS API request"): what an
 * AWS SDK sends for a JSON-protocol call. `now` is a parameter so that a test can pin the signature.
 */
export function signJsonRequest(target: DynamoDbTarget, service: string, amzTarget: string, body: string, now = new Date()): SignedRequest {
  const url = new URL(target.endpoint ?? `https://${service}.${target.region}.amazonaws.com`);
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const scope = `${amzDate.slice(0, 8)}/${target.region}/${service}/aws4_request`;
  const headers: Record<string, string> = {
    "content-type": "application/x-amz-json-1.0",
    host: url.host,
    "x-amz-date": amzDate,
    "x-amz-target": amzTarget,
    ...(target.credentials.sessionToken ? { "x-amz-security-token": target.credentials.sessionToken } : {}),
  };
  const signed = Object.keys(headers).sort();
  const canonicalRequest = ["POST", url.pathname || "/", "", signed.map((name) => `${name}:${headers[name].trim()}\n`).join(""), signed.join(";"), sha256(body)].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const [date, region, signingService, terminator] = scope.split("/");
  const key = hmac(hmac(hmac(hmac(`AWS4${target.credentials.secretAccessKey}`, date), region), signingService), terminator);
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  const authorization = `AWS4-HMAC-SHA256 Credential=${target.credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  return { url, headers: { ...headers, authorization }, body };
}

/** One DynamoDB call (`operation` such as "GetItem"); resolves with the answer, throws DynamoDbError for an error answer. */
export async function dynamoDb(target: DynamoDbTarget, operation: string, input: unknown): Promise<any> {
  const request = signJsonRequest(target, "dynamodb", `DynamoDB_20120810.${operation}`, JSON.stringify(input));
  const response = await fetch(request.url, {
    method: "POST", headers: request.headers, body: request.body, signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  const body = text === "" ? {} : JSON.parse(text);
  if (response.status !== 200) {
    const code = String(body.__type ?? "UnknownError").split("#").pop()!;
    throw new DynamoDbError(code, body.message ?? body.Message ?? text, response.status);
  }
  return body;
}
