/**
 * A FAKE Kubernetes API server: just enough of one, over real TLS on loopback, for Vault's Kubernetes
 * auth method to log in for real. It is not Kubernetes and proves nothing about a cluster's RBAC.
 *
 * What Vault 1.21.1 calls (its built-in github.com/hashicorp/vault-plugin-auth-kubernetes v0.23.1):
 * - writing `auth/<mount>/config` calls nothing (path_config.go, pathConfigWrite only parses the PEMs);
 * - every login POSTs a TokenReview (token_review.go, tokenReviewAPI.Review) with the reviewer JWT as
 *   bearer and `spec.audiences` = the role's `audience` (or the JWT's own `aud` when the role has none),
 *   then requires `status.authenticated`, an intersection of `status.audiences` with what it asked for,
 *   and a `status.user.username` of `system:serviceaccount:<ns>:<sa>` whose parts and `status.user.uid`
 *   equal the JWT's `kubernetes.io` claims (path_login.go, serviceAccount.lookup);
 * - GET /api/v1/namespaces/<ns> only for roles with `bound_service_account_namespace_selector`
 *   (namespace_validator.go), GET /api/v1/namespaces/<ns>/serviceaccounts/<sa> only with
 *   `use_annotations_as_alias_metadata` (service_account_getter.go).
 * Without `pem_keys` Vault never checks the JWT's signature (path_login.go, DontVerifySignature): the
 * TokenReview answer is the only thing that stops a forged token, so this server checks signatures.
 *
 * Served, all behind `Authorization: Bearer <reviewer JWT>` (401 Status otherwise, as an API server
 * answers a bad credential; the reviewer JWT stands in for every RBAC grant):
 * - POST /apis/authentication.k8s.io/v1/tokenreviews: authenticates tokens this server signed, like
 *   kube-apiserver's service-account authenticator (pkg/serviceaccount/claims.go: 60 s leeway on exp/nbf;
 *   the spec's audiences, or the API audiences [issuer] when it names none, must meet the token's `aud`);
 * - POST /api/v1/namespaces/<ns>/serviceaccounts/<sa>/token: the real TokenRequest API (what
 *   `kubectl create token` calls) with `{"spec":{"audiences":[...],"expirationSeconds":N}}`, N >= 600;
 *   answers `status.token`. This is how a separate process gets login tokens;
 * - GET /api/v1/namespaces/<ns> and GET /api/v1/namespaces/<ns>/serviceaccounts/<sa>: every namespace
 *   and service account exists (labels: only `kubernetes.io/metadata.name`; no annotations);
 * - anything else: 404 Status.
 *
 * Run: npx ts-node --transpile-only local/fakeKubernetes.ts [--port N] [--dir DIR] [--host IP] [--issuer URL]
 * It prints one JSON line on stdout ({ url, caCertificateFile, reviewerJwt, publicKeyFile, issuer }),
 * one JSON line per request on stderr, and serves until SIGTERM or SIGINT. With --dir, what it makes
 * (CA, server certificate, signing key, reviewer JWT) is kept there and reused by the next start, so a
 * Vault configured against one run keeps working against the next.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomUUID, sign, verify } from "crypto";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { uuidFromSeed } from "../lib/uuid";
import { ClusterTlsFiles, makeClusterTls } from "./tlsFiles";

export interface FakeKubernetesOptions {
  /** Default 127.0.0.1 (the certificate names 127.0.0.1 and localhost only). */
  host?: string;
  /** Default 0: the kernel picks a free port. */
  port?: number;
  /** Where the CA, certificate, signing key and reviewer JWT live (made when missing, reused when present). Default: a fresh temp folder, removed by close(). */
  directory?: string;
  /** The `iss` of issued tokens and the API server's own audience. Default kubeadm's, https://kubernetes.default.svc.cluster.local. */
  issuer?: string;
  /** Called after each answer (the standalone process logs them to stderr). */
  onRequest?: (request: FakeKubernetesRequest) => void;
}

/** One answered request, for tests that need to know whether Vault asked at all, and what it was told. */
export interface FakeKubernetesRequest {
  method: string;
  path: string;
  status: number;
  /** TokenReviews only: the review's outcome. */
  authenticated?: boolean;
  error?: string;
}

export interface FakeKubernetes {
  /** https://127.0.0.1:<port>: Vault's `kubernetes_host`. */
  url: string;
  /** Vault's `kubernetes_ca_cert`. */
  caCertificatePem: string;
  caCertificateFile: string;
  /** Vault's `token_reviewer_jwt`, and the bearer every request here must carry. */
  reviewerJwt: string;
  /** The tokens' RS256 verification key (SPKI PEM): what Vault's `pem_keys` would take. */
  publicKeyPem: string;
  publicKeyFile: string;
  issuer: string;
  /** Every request answered so far, in order. */
  requests: FakeKubernetesRequest[];
  /**
   * A projected service-account token, as the kubelet mounts one or `kubectl create token` prints it.
   * `issuedAt` back-dates it (a token that has already expired: issuedAt in the past, short ttl).
   */
  issueToken(namespace: string, serviceAccount: string, audiences: string[], ttlSeconds?: number, issuedAt?: Date): string;
  /** Stops listening, drops kept-alive connections (Vault pools them) and removes a temp folder. */
  close(): Promise<void>;
}

const DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
// What the project's Kubernetes component creates (components/vault/kubernetes.ts).
const REVIEWER = { namespace: "vault-auth", serviceAccount: "vault-token-reviewer" };
const REVIEWER_TTL_SECONDS = 366 * 24 * 3600;
// kube-apiserver validates exp/nbf with go-jose's jwt.DefaultLeeway (pkg/serviceaccount/claims.go).
const LEEWAY_SECONDS = 60;
const TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
const NAMESPACE = /^\/api\/v1\/namespaces\/([a-z0-9-]+)$/;
const SERVICE_ACCOUNT = /^\/api\/v1\/namespaces\/([a-z0-9-]+)\/serviceaccounts\/([a-z0-9.-]+)(\/token)?$/;

interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  "kubernetes.io": { namespace: string; serviceaccount: { name: string; uid: string } };
}

type Answer = { status: number; body: unknown; review?: { authenticated: boolean; error?: string } };

/** Starts the fake and resolves once it listens. */
export async function startFakeKubernetes(options: FakeKubernetesOptions = {}): Promise<FakeKubernetes> {
  const host = options.host ?? "127.0.0.1";
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  const temporary = options.directory === undefined;
  const directory = options.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), "fake-kubernetes-"));
  const file = (name: string) => path.join(directory, name);
  const tls = certificates(directory);
  const signingKey = serviceAccountKey(file("service-account.key"));
  const publicKey = createPublicKey(signingKey);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  fs.writeFileSync(file("service-account.pub"), publicKeyPem);
  // Kubernetes' key ID: base64url SHA-256 of the public key's DER (pkg/serviceaccount/jwt.go, keyIDFromPublicKey).
  const keyId = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("base64url");
  // Stateless stand-in for the service account objects: a stable UID per name, per signing key.
  const uidOf = (namespace: string, name: string) => uuidFromSeed(`${publicKeyPem}/${namespace}/${name}`);

  const issueToken = (namespace: string, serviceAccount: string, audiences: string[], ttlSeconds = 3600, issuedAt = new Date()): string => {
    const iat = Math.floor(issuedAt.getTime() / 1000);
    const claims: ServiceAccountClaims = {
      aud: audiences, exp: iat + ttlSeconds, iat, iss: issuer, jti: randomUUID(),
      "kubernetes.io": { namespace, serviceaccount: { name: serviceAccount, uid: uidOf(namespace, serviceAccount) } },
      nbf: iat, sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
    };
    const signed = `${base64url({ alg: "RS256", kid: keyId })}.${base64url(claims)}`;
    return `${signed}.${sign("sha256", Buffer.from(signed), signingKey).toString("base64url")}`;
  };

  const reviewerFile = file("reviewer.jwt");
  if (!fs.existsSync(reviewerFile)) fs.writeFileSync(reviewerFile, issueToken(REVIEWER.namespace, REVIEWER.serviceAccount, [issuer], REVIEWER_TTL_SECONDS));
  const reviewerJwt = fs.readFileSync(reviewerFile, "utf8").trim();

  /** kube-apiserver's service-account authenticator, for tokens of this server only. */
  const review = (token: string, wanted: string[]): { claims: ServiceAccountClaims; audiences: string[] } | { error: string } => {
    const [header, payload, signature, extra] = token.split(".");
    if (signature === undefined || extra !== undefined) return { error: "[invalid bearer token, not a JWT]" };
    let claims: ServiceAccountClaims;
    try {
      if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "RS256") return { error: "[invalid bearer token, unexpected signing algorithm]" };
      claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    } catch {
      return { error: "[invalid bearer token, malformed JWT]" };
    }
    // Tokens of another issuer are not this authenticator's to judge: the API server falls through to "invalid".
    if (claims.iss !== issuer) return { error: "[invalid bearer token, token issuer not recognised]" };
    if (!verify("sha256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"))) {
      return { error: "[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]" };
    }
    const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter((audience) => wanted.includes(audience));
    if (audiences.length === 0) return { error: `[invalid bearer token, token audiences ${JSON.stringify(claims.aud)} is invalid for the target audiences ${JSON.stringify(wanted)}]` };
    const now = Date.now() / 1000;
    if (now - LEEWAY_SECONDS > claims.exp) return { error: "[invalid bearer token, service account token has expired]" };
    if (now + LEEWAY_SECONDS < claims.nbf) return { error: "[invalid bearer token, service account token is not valid yet]" };
    const account = claims["kubernetes.io"]?.serviceaccount;
    if (!account || account.uid !== uidOf(claims["kubernetes.io"].namespace, account.name)) return { error: "[invalid bearer token, service account UID does not match claim]" };
    return { claims, audiences };
  };

  const answer = (method: string, url: string, authorization: string | undefined, body: string): Answer => {
    if (authorization !== `Bearer ${reviewerJwt}`) return { status: 401, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 } };
    const route = new URL(url, "https://fake").pathname;
    const request = () => JSON.parse(body || "{}");
    if (route === TOKEN_REVIEWS && method === "POST") {
      // Vault marshals an authv1.TokenReview without apiVersion/kind; the API server takes those from the URL.
      const tokenReview = request();
      const spec = tokenReview.spec ?? {};
      if (!spec.token) return failure(400, "BadRequest", "token is required for TokenReview in authentication");
      const wanted: string[] = spec.audiences?.length ? spec.audiences : [issuer];
      const outcome = review(spec.token, wanted);
      // As kube-apiserver answers (pkg/registry/authentication/tokenreview/storage.go): 201, the spec echoed;
      // `authenticated` is omitempty in Go, so a refusal carries only `user: {}` and `error`.
      const status = "error" in outcome ? { user: {}, error: outcome.error } : {
        authenticated: true,
        user: {
          username: outcome.claims.sub,
          uid: outcome.claims["kubernetes.io"].serviceaccount.uid,
          groups: ["system:serviceaccounts", `system:serviceaccounts:${outcome.claims["kubernetes.io"].namespace}`, "system:authenticated"],
          extra: { "authentication.kubernetes.io/credential-id": [`JTI=${outcome.claims.jti}`] },
        },
        audiences: outcome.audiences,
      };
      return {
        status: 201,
        body: { kind: "TokenReview", apiVersion: "authentication.k8s.io/v1", metadata: { creationTimestamp: null }, spec, status },
        review: "error" in outcome ? { authenticated: false, error: outcome.error } : { authenticated: true },
      };
    }
    const namespace = NAMESPACE.exec(route);
    if (namespace && method === "GET") {
      const name = namespace[1];
      return { status: 200, body: { kind: "Namespace", apiVersion: "v1", metadata: { name, uid: uuidFromSeed(`namespace/${name}`), labels: { "kubernetes.io/metadata.name": name } }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } } };
    }
    const account = SERVICE_ACCOUNT.exec(route);
    if (account && !account[3] && method === "GET") {
      return { status: 200, body: { kind: "ServiceAccount", apiVersion: "v1", metadata: { name: account[2], namespace: account[1], uid: uidOf(account[1], account[2]) } } };
    }
    if (account && account[3] && method === "POST") {
      const spec = request().spec ?? {};
      const audiences: string[] = spec.audiences?.length ? spec.audiences : [issuer];
      const seconds: number = spec.expirationSeconds ?? 3600;
      // The same floor as the real validation, so a script written against this works against a cluster.
      if (seconds < 600) return failure(422, "Invalid", `TokenRequest.authentication.k8s.io "${account[2]}" is invalid: spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration less than 10 minutes`);
      const issued = new Date();
      return {
        status: 201,
        body: {
          kind: "TokenRequest", apiVersion: "authentication.k8s.io/v1",
          metadata: { name: account[2], namespace: account[1], creationTimestamp: null },
          spec: { audiences, expirationSeconds: seconds, boundObjectRef: null },
          status: { token: issueToken(account[1], account[2], audiences, seconds, issued), expirationTimestamp: new Date(issued.getTime() + seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z") },
        },
      };
    }
    return failure(404, "NotFound", "the server could not find the requested resource");
  };

  const requests: FakeKubernetesRequest[] = [];
  const server = https.createServer({ key: fs.readFileSync(tls.keyFile), cert: fs.readFileSync(tls.certificateFile) }, (incoming, response) => {
    let body = "";
    incoming.setEncoding("utf8");
    incoming.on("data", (chunk) => { body += chunk; });
    incoming.on("end", () => {
      let result: Answer;
      try {
        result = answer(incoming.method ?? "GET", incoming.url ?? "/", incoming.headers.authorization, body);
      } catch (error) {
        result = failure(400, "BadRequest", `could not decode the request: ${error}`);
      }
      const entry = { method: incoming.method ?? "GET", path: incoming.url ?? "/", status: result.status, ...result.review };
      requests.push(entry);
      options.onRequest?.(entry);
      response.writeHead(result.status, { "Content-Type": "application/json" }).end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `https://${host}:${port}`,
    caCertificatePem: tls.caCertificate,
    caCertificateFile: file("ca.crt"),
    reviewerJwt,
    publicKeyPem,
    publicKeyFile: file("service-account.pub"),
    issuer,
    requests,
    issueToken,
    close: () => new Promise<void>((resolve) => {
      server.close(() => {
        if (temporary) fs.rmSync(directory, { recursive: true, force: true });
        resolve();
      });
      server.closeAllConnections();
    }),
  };
}

/** The CA and server certificate (SANs 127.0.0.1, localhost), made once per folder and reused after. */
function certificates(directory: string): ClusterTlsFiles {
  const made = { caCertificate: path.join(directory, "ca.crt"), certificateFile: path.join(directory, "vault.crt"), keyFile: path.join(directory, "vault.key") };
  if (!Object.values(made).every((name) => fs.existsSync(name))) {
    return makeClusterTls({
      ca: { keyCurve: "P256", subject: { commonName: "fake-kubernetes-ca" }, validityHours: 8760, allowedUses: ["cert_signing", "crl_signing", "digital_signature"] },
      server: {
        keyCurve: "P256", subject: { commonName: "kube-apiserver" }, validityHours: 8760, allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        dnsNames: ["localhost", "kubernetes.default.svc"], ipAddresses: ["127.0.0.1"],
      },
    }, directory);
  }
  return { ...made, caCertificate: fs.readFileSync(made.caCertificate, "utf8") };
}

function serviceAccountKey(keyFile: string): KeyObject {
  if (!fs.existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  return createPrivateKey(fs.readFileSync(keyFile));
}

function failure(code: number, reason: string, message: string): Answer {
  return { status: code, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, details: {}, code } };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}


if (require.main === module) {
  const { values } = parseArgs({ options: { host: { type: "string" }, port: { type: "string" }, dir: { type: "string" }, issuer: { type: "string" } } });
  const directory = values.dir ? path.resolve(values.dir) : undefined;
  if (directory) fs.mkdirSync(directory, { recursive: true });
  startFakeKubernetes({ host: values.host, port: values.port === undefined ? 0 : Number(values.port), directory, issuer: values.issuer,
    onRequest: (request) => console.error(JSON.stringify({ time: new Date().toISOString(), ...request })),
  }).then((fake) => {
    console.log(JSON.stringify({ url: fake.url, caCertificateFile: fake.caCertificateFile, reviewerJwt: fake.reviewerJwt, publicKeyFile: fake.publicKeyFile, issuer: fake.issuer }));
    const stop = () => { fake.close().then(() => process.exit(0)); };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  }, (error) => {
    console.error(error);
    process.exit(1);
  });
}
