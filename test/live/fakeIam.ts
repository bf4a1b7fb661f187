/**
 * A fake AWS IAM and STS for the AWS-engine live test, in the test process, on loopback. moto (what the
 * issue names) comes from PyPI, which this machine cannot reach, and neither Debian, the npm registry nor
 * the Go module proxy serve an IAM emulator. It speaks the AWS Query protocol (form-encoded POST, XML
 * answers) for exactly the actions Vault's engine calls (builtin/logical/aws: secret_access_keys.go
 * secretAccessKeysCreate and assumeRole, path_user.go pathUserRollback) plus the caller's GetUser and
 * GetCallerIdentity, and checks each request's Signature Version 4 against the secret key it knows for the
 * request's access key: the root key Vault is configured with and the keys it issued. An unknown key, a
 * deleted one, a wrong signature or a stale date are refused as AWS refuses them.
 *
 * What it is not: IAM's policy evaluation (a user's key may only ask who it is), eventual consistency,
 * real STS sessions, or instance-role credentials. See the README's "AWS secrets engine".
 */
import { createHash, createHmac, randomBytes, randomUUID } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface FakeIamUser {
  name: string;
  path: string;
  arn: string;
  attachedPolicies: string[];
  inlinePolicies: string[];
  accessKeys: string[];
}

/** One request the fake answered: the action, the access key it was signed with, the status. */
export interface FakeIamRequest {
  action: string;
  accessKeyId?: string;
  status: number;
  code?: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
/** AWS refuses a request whose X-Amz-Date is more than 5 minutes off ("Signature expired"). */
const MAX_SKEW_MS = 5 * 60_000;
const NAMESPACES: Record<string, string> = { iam: "https://iam.amazonaws.com/doc/2010-05-08/", sts: "https://sts.amazonaws.com/doc/2011-06-15/" };

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding, as SigV4's canonical query string wants it. */
const uriEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(query: string): string {
  if (query === "") return "";
  return query.split("&").map((pair) => {
    const [key, value = ""] = pair.split("=").map((part) => decodeURIComponent(part.replace(/\+/g, " ")));
    return [uriEncode(key), uriEncode(value)] as const;
  }).sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1)).map(([key, value]) => `${key}=${value}`).join("&");
}

export interface SigningInput {
  method: string;
  /** Path and query, e.g. "/?Action=ListUsers&Version=2010-05-08". */
  url: string;
  /** Header name (any case) to value; the signed ones must be among them. */
  headers: Record<string, string>;
  signedHeaders: string[];
  body: string;
  /** The credential scope: yyyymmdd/region/service/aws4_request. */
  scope: string;
  amzDate: string;
  secretAccessKey: string;
}

/** The SigV4 signature of a request (AWS General Reference, "Create a signed AWS API request"). */
export function sigV4Signature(input: SigningInput): string {
  const [path, query = ""] = input.url.split("?");
  const lower = Object.fromEntries(Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const signed = [...input.signedHeaders].sort();
  const canonicalHeaders = signed.map((name) => `${name}:${String(lower[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonicalRequest = [input.method, path || "/", canonicalQuery(query), canonicalHeaders, signed.join(";"), sha256(input.body)].join("\n");
  const stringToSign = [ALGORITHM, input.amzDate, input.scope, sha256(canonicalRequest)].join("\n");
  const [date, region, service, terminator] = input.scope.split("/");
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, date), region), service), terminator);
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}

/** Sends a signed AWS Query request (what an AWS SDK does), for the test's own calls with issued keys. */
export async function signedQuery(endpoint: string, service: "iam" | "sts", region: string, credentials: AwsCredentials, params: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(endpoint);
  const body = new URLSearchParams(params).toString();
  const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded; charset=utf-8", host: url.host, "x-amz-date": amzDate,
    ...(credentials.sessionToken ? { "x-amz-security-token": credentials.sessionToken } : {}),
  };
  const signedHeaders = Object.keys(headers).sort();
  const signature = sigV4Signature({ method: "POST", url: "/", headers, signedHeaders, body, scope, amzDate, secretAccessKey: credentials.secretAccessKey });
  const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(";")}, Signature=${signature}`;
  const response = await fetch(url, { method: "POST", headers: { ...headers, authorization }, body });
  return { status: response.status, body: await response.text() };
}

const xmlEscape = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** An XML element from a name and its content (a string is text; an array is `member` items; an object is child elements). */
function xml(name: string, content: unknown): string {
  if (Array.isArray(content)) return `<${name}>${content.map((item) => xml("member", item)).join("")}</${name}>`;
  if (content !== null && typeof content === "object") return `<${name}>${Object.entries(content).map(([key, value]) => xml(key, value)).join("")}</${name}>`;
  return `<${name}>${xmlEscape(String(content))}</${name}>`;
}

class AwsError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

interface IssuedKey {
  secretAccessKey: string;
  /** The IAM user it belongs to, or the assumed role's session. */
  owner: { user: string } | { assumedRoleArn: string; sessionToken: string; expires: number };
}

export interface FakeIamOptions {
  account: string;
  /** The key Vault's engine is configured with (config/root): it may make every call. */
  root: AwsCredentials;
  /** The roles AssumeRole accepts. */
  roleArns: string[];
}

/** The fake IAM and STS, listening on 127.0.0.1:<port>. */
export class FakeIam {
  readonly requests: FakeIamRequest[] = [];
  readonly users = new Map<string, FakeIamUser>();
  private readonly keys = new Map<string, IssuedKey>();
  private server?: http.Server;

  constructor(private readonly options: FakeIamOptions) {}

  async start(): Promise<string> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const params = Object.fromEntries(new URLSearchParams(body));
        const action = params.Action ?? "";
        let service = "iam";
        let accessKeyId: string | undefined;
        let status = 200;
        let text: string;
        try {
          ({ service, accessKeyId } = this.authenticate(request, body));
          text = this.answer(service, action, params, accessKeyId);
        } catch (error) {
          const failure = error instanceof AwsError ? error : new AwsError(500, "InternalFailure", (error as Error).message);
          status = failure.status;
          text = xml("ErrorResponse", { Error: { Type: status >= 500 ? "Receiver" : "Sender", Code: failure.code, Message: failure.message }, RequestId: randomUUID() });
          this.requests.push({ action, accessKeyId, status, code: failure.code });
          response.writeHead(status, { "content-type": "text/xml" }).end(text);
          return;
        }
        this.requests.push({ action, accessKeyId, status });
        response.writeHead(status, { "content-type": "text/xml" }).end(text);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Checks the SigV4 signature against the secret of the access key it names; returns the service and the key. */
  private authenticate(request: http.IncomingMessage, body: string): { service: string; accessKeyId: string } {
    const authorization = String(request.headers.authorization ?? "");
    const parsed = new RegExp(`^${ALGORITHM} Credential=([^/]+)/(\\d{8}/[^/]+/(iam|sts)/aws4_request), ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$`).exec(authorization);
    if (!parsed) throw new AwsError(403, "IncompleteSignature", "Authorization header requires a SigV4 Credential, SignedHeaders and Signature");
    const [, accessKeyId, scope, service, signedHeaders, signature] = parsed;
    const secret = accessKeyId === this.options.root.accessKeyId ? this.options.root.secretAccessKey : this.keys.get(accessKeyId)?.secretAccessKey;
    if (secret === undefined) throw new AwsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    const amzDate = String(request.headers["x-amz-date"] ?? "");
    const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
    if (Number.isNaN(when) || Math.abs(Date.now() - when) > MAX_SKEW_MS || !scope.startsWith(amzDate.slice(0, 8))) {
      throw new AwsError(403, "SignatureDoesNotMatch", "Signature expired or its date does not match the credential scope");
    }
    const names = signedHeaders.split(";");
    if (!names.includes("host") || !names.includes("x-amz-date")) throw new AwsError(403, "SignatureDoesNotMatch", "host and x-amz-date must be signed");
    const headers = Object.fromEntries(names.map((name) => [name, String(request.headers[name] ?? "")]));
    const expected = sigV4Signature({ method: request.method ?? "POST", url: request.url ?? "/", headers, signedHeaders: names, body, scope, amzDate, secretAccessKey: secret });
    if (expected !== signature) throw new AwsError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    const issued = this.keys.get(accessKeyId);
    if (issued && "sessionToken" in issued.owner) {
      if (!names.includes("x-amz-security-token") || request.headers["x-amz-security-token"] !== issued.owner.sessionToken) throw new AwsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
      if (Date.now() > issued.owner.expires) throw new AwsError(403, "ExpiredToken", "The security token included in the request is expired");
    }
    return { service, accessKeyId };
  }

  private user(name: string | undefined): FakeIamUser {
    const user = name === undefined ? undefined : this.users.get(name);
    if (!user) throw new AwsError(404, "NoSuchEntity", `The user with name ${name} cannot be found.`);
    return user;
  }

  private respond(service: string, action: string, result?: Record<string, unknown>): string {
    const metadata = { ResponseMetadata: { RequestId: randomUUID() } };
    return `<${action}Response xmlns="${NAMESPACES[service]}">${result ? xml(`${action}Result`, result) : ""}${xml("ResponseMetadata", metadata.ResponseMetadata)}</${action}Response>`;
  }

  private userXml(user: FakeIamUser) {
    return { Path: user.path, UserName: user.name, UserId: `AIDA${sha256(user.arn).slice(0, 17).toUpperCase()}`, Arn: user.arn, CreateDate: new Date().toISOString() };
  }

  private answer(service: string, action: string, params: Record<string, string>, accessKeyId: string): string {
    const caller = this.keys.get(accessKeyId)?.owner;
    // A key Vault issued may only ask who it is: this fake evaluates no IAM policy.
    if (caller !== undefined && !["GetCallerIdentity", "GetUser"].includes(action)) {
      throw new AwsError(403, "AccessDenied", `${accessKeyId} is not authorized to perform ${service}:${action} (the fake grants issued keys identity calls only)`);
    }
    const ok = (result?: Record<string, unknown>) => this.respond(service, action, result);
    const call = `${service}:${action}`;
    switch (call) {
      case "sts:GetCallerIdentity": {
        const arn = caller === undefined ? `arn:aws:iam::${this.options.account}:user/vault-root`
          : "user" in caller ? this.user(caller.user).arn : caller.assumedRoleArn;
        return ok({ Arn: arn, UserId: accessKeyId, Account: this.options.account });
      }
      case "iam:GetUser": {
        const name = params.UserName ?? (caller !== undefined && "user" in caller ? caller.user : undefined);
        if (caller !== undefined && params.UserName !== undefined && !("user" in caller && caller.user === params.UserName)) throw new AwsError(403, "AccessDenied", "a user key may only get its own user");
        return ok({ User: this.userXml(this.user(name)) });
      }
      case "iam:CreateUser": {
        const name = params.UserName;
        if (!/^[\w+=,.@-]{1,64}$/.test(name ?? "")) throw new AwsError(400, "ValidationError", "UserName must be 1-64 characters of [\\w+=,.@-]");
        if (this.users.has(name)) throw new AwsError(409, "EntityAlreadyExists", `User with name ${name} already exists.`);
        const path = params.Path ?? "/";
        const user = { name, path, arn: `arn:aws:iam::${this.options.account}:user${path}${name}`, attachedPolicies: [], inlinePolicies: [], accessKeys: [] };
        this.users.set(name, user);
        return ok({ User: this.userXml(user) });
      }
      case "iam:AttachUserPolicy": {
        const user = this.user(params.UserName);
        if (!/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/\S+$/.test(params.PolicyArn ?? "")) throw new AwsError(400, "InvalidInput", `ARN ${params.PolicyArn} is not valid.`);
        if (!user.attachedPolicies.includes(params.PolicyArn)) user.attachedPolicies.push(params.PolicyArn);
        return ok();
      }
      case "iam:PutUserPolicy": {
        const user = this.user(params.UserName);
        if (!user.inlinePolicies.includes(params.PolicyName)) user.inlinePolicies.push(params.PolicyName);
        return ok();
      }
      case "iam:CreateAccessKey": {
        const user = this.user(params.UserName);
        const key = { id: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`, secret: randomBytes(30).toString("base64").slice(0, 40) };
        this.keys.set(key.id, { secretAccessKey: key.secret, owner: { user: user.name } });
        user.accessKeys.push(key.id);
        return ok({ AccessKey: { UserName: user.name, AccessKeyId: key.id, Status: "Active", SecretAccessKey: key.secret, CreateDate: new Date().toISOString() } });
      }
      case "iam:ListGroupsForUser":
        this.user(params.UserName);
        return ok({ Groups: [], IsTruncated: "false" });
      case "iam:ListUserPolicies":
        return ok({ PolicyNames: this.user(params.UserName).inlinePolicies, IsTruncated: "false" });
      case "iam:ListAttachedUserPolicies":
        return ok({ AttachedPolicies: this.user(params.UserName).attachedPolicies.map((arn) => ({ PolicyName: arn.split("/").pop(), PolicyArn: arn })), IsTruncated: "false" });
      case "iam:ListAccessKeys": {
        const user = this.user(params.UserName);
        return ok({ AccessKeyMetadata: user.accessKeys.map((id) => ({ UserName: user.name, AccessKeyId: id, Status: "Active", CreateDate: new Date().toISOString() })), IsTruncated: "false" });
      }
      case "iam:DeleteAccessKey": {
        const user = this.user(params.UserName);
        if (!user.accessKeys.includes(params.AccessKeyId)) throw new AwsError(404, "NoSuchEntity", `The Access Key with id ${params.AccessKeyId} cannot be found.`);
        user.accessKeys = user.accessKeys.filter((id) => id !== params.AccessKeyId);
        this.keys.delete(params.AccessKeyId);
        return ok();
      }
      case "iam:DetachUserPolicy": {
        const user = this.user(params.UserName);
        if (!user.attachedPolicies.includes(params.PolicyArn)) throw new AwsError(404, "NoSuchEntity", `Policy ${params.PolicyArn} was not found.`);
        user.attachedPolicies = user.attachedPolicies.filter((arn) => arn !== params.PolicyArn);
        return ok();
      }
      case "iam:DeleteUserPolicy": {
        const user = this.user(params.UserName);
        user.inlinePolicies = user.inlinePolicies.filter((name) => name !== params.PolicyName);
        return ok();
      }
      case "iam:DeleteUser": {
        const user = this.user(params.UserName);
        // Like IAM: a user that still has keys or policies cannot be deleted.
        if (user.accessKeys.length + user.attachedPolicies.length + user.inlinePolicies.length > 0) {
          throw new AwsError(409, "DeleteConflict", "Cannot delete entity, must delete access keys and policies first.");
        }
        this.users.delete(user.name);
        return ok();
      }
      case "sts:AssumeRole": {
        if (!this.options.roleArns.includes(params.RoleArn)) throw new AwsError(403, "AccessDenied", `not authorized to perform sts:AssumeRole on ${params.RoleArn}`);
        const seconds = Number(params.DurationSeconds ?? 3600);
        if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) throw new AwsError(400, "ValidationError", "DurationSeconds must be between 900 and 43200");
        const session = params.RoleSessionName;
        const arn = `arn:aws:sts::${this.options.account}:assumed-role/${params.RoleArn.split("/").pop()}/${session}`;
        const key = { id: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`, secret: randomBytes(30).toString("base64").slice(0, 40), token: randomBytes(48).toString("base64") };
        const expires = Date.now() + seconds * 1000;
        this.keys.set(key.id, { secretAccessKey: key.secret, owner: { assumedRoleArn: arn, sessionToken: key.token, expires } });
        return ok({
          Credentials: { AccessKeyId: key.id, SecretAccessKey: key.secret, SessionToken: key.token, Expiration: new Date(expires).toISOString() },
          AssumedRoleUser: { AssumedRoleId: `AROA${sha256(params.RoleArn).slice(0, 17).toUpperCase()}:${session}`, Arn: arn },
        });
      }
      default:
        throw new AwsError(400, "InvalidAction", `${call} is not one of the actions Vault's AWS engine makes (this fake serves only those)`);
    }
  }
}
