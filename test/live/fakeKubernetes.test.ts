/**
 * Vault's Kubernetes auth method against the fake API server (local/fakeKubernetes.ts): a real dev
 * Vault logs service accounts in through the fake's TokenReview over TLS, and refuses what a cluster
 * would make it refuse. The fake itself is held to kube-apiserver's answers first, directly.
 *
 * Which layer refuses what (vault-plugin-auth-kubernetes v0.23.1, path_login.go): the namespace, the
 * service account name, the audience and the expiry come from the JWT's claims and are checked by
 * Vault before it asks the API server (parseAndValidateJWT), so the fake sees no TokenReview for them.
 * Without `pem_keys` Vault does not check the JWT's signature (DontVerifySignature): a forged token
 * reaches the TokenReview, and only the fake's refusal stops it.
 */
import { strict as assert } from "assert";
import { generateKeyPairSync, sign } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { FakeKubernetes, startFakeKubernetes } from "../../local/fakeKubernetes";
import { DevVault, startDevVault } from "./devVault";
import { jsonRequest, JsonResponse } from "../../local/jsonHttp";
import { logTail, runDirectory, startTypeScriptProcess, stopProcess, waitFor } from "./processes";
import { vaultCall, vaultRequest } from "../../local/vaultHttp";

const TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
const MY_APP_POLICY = `path "secret/data/my-app/*" {\n  capabilities = ["read"]\n}\n`;

/** The same header and claims signed with a key the fake never had. */
function forged(token: string): string {
  const [header, payload] = token.split(".");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return `${header}.${payload}.${sign("sha256", Buffer.from(`${header}.${payload}`), privateKey).toString("base64url")}`;
}

function claimsOf(token: string): any {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe("live: Vault's Kubernetes auth against the fake Kubernetes API server", function () {
  let vault: DevVault;
  let kube: FakeKubernetes;
  const root = () => ({ token: vault.rootToken });

  async function writeConfig(overrides: Record<string, unknown> = {}): Promise<void> {
    await vaultCall(vault.endpoint, "POST", "auth/kubernetes/config", {
      ...root(),
      body: { kubernetes_host: kube.url, kubernetes_ca_cert: kube.caCertificatePem, token_reviewer_jwt: kube.reviewerJwt, disable_local_ca_jwt: true, ...overrides },
    });
  }

  /** A login, and the requests the fake answered while Vault handled it. */
  async function login(jwt: string, role = "my-app") {
    const seen = kube.requests.length;
    const response = await vaultRequest(vault.endpoint, "POST", "auth/kubernetes/login", { body: { role, jwt } });
    const requests = kube.requests.slice(seen);
    return { response, requests, reviews: requests.filter((request) => request.path === TOKEN_REVIEWS) };
  }

  function review(body: unknown, bearer: string | null = kube.reviewerJwt): Promise<JsonResponse> {
    return jsonRequest(new URL(TOKEN_REVIEWS, kube.url), {
      method: "POST", body, timeoutMs: 5_000, ca: kube.caCertificatePem, headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
    });
  }

  before(async function () {
    this.timeout(60_000);
    [vault, kube] = await Promise.all([startDevVault(), startFakeKubernetes()]);
    await vaultCall(vault.endpoint, "POST", "sys/auth/kubernetes", { ...root(), body: { type: "kubernetes" } });
    await vaultCall(vault.endpoint, "PUT", "sys/policies/acl/my-app", { ...root(), body: { policy: MY_APP_POLICY } });
    await writeConfig();
    await vaultCall(vault.endpoint, "POST", "auth/kubernetes/role/my-app", {
      ...root(),
      body: { bound_service_account_names: ["my-app-account"], bound_service_account_namespaces: ["default"], audience: "vault", token_policies: ["my-app"], token_ttl: "10m" },
    });
    await vaultCall(vault.endpoint, "POST", "secret/data/my-app/config", { ...root(), body: { data: { greeting: "hello" } } });
    await vaultCall(vault.endpoint, "POST", "secret/data/other-app/config", { ...root(), body: { data: { greeting: "not yours" } } });
  });

  after(async function () {
    this.timeout(30_000);
    if (kube) await kube.close();
    if (vault) await stopProcess(vault.process);
  });

  describe("the fake answers as kube-apiserver does", () => {
    it("authenticates a token it issued: 201, the TokenReview echoed, the service account's user and the met audiences", async () => {
      const token = kube.issueToken("default", "my-app-account", ["vault", "other"]);
      const claims = claimsOf(token);
      assert.equal(claims.sub, "system:serviceaccount:default:my-app-account");
      assert.equal(claims.iss, kube.issuer);
      assert.deepEqual(claims.aud, ["vault", "other"]);
      assert.equal(claims.exp - claims.iat, 3600);
      assert.equal(claims.nbf, claims.iat);
      assert.deepEqual(Object.keys(claims["kubernetes.io"]), ["namespace", "serviceaccount"]);

      const answer = await review({ spec: { token, audiences: ["vault"] } });
      assert.equal(answer.status, 201);
      assert.deepEqual(answer.body, {
        kind: "TokenReview", apiVersion: "authentication.k8s.io/v1", metadata: { creationTimestamp: null },
        spec: { token, audiences: ["vault"] },
        status: {
          authenticated: true,
          user: {
            username: "system:serviceaccount:default:my-app-account",
            uid: claims["kubernetes.io"].serviceaccount.uid,
            groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
            extra: { "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`] },
          },
          audiences: ["vault"],
        },
      });
      // Another service account has another UID, stable across tokens.
      const other = claimsOf(kube.issueToken("default", "other-account", ["vault"]))["kubernetes.io"].serviceaccount.uid;
      assert.notEqual(other, claims["kubernetes.io"].serviceaccount.uid);
      assert.equal(claimsOf(kube.issueToken("default", "my-app-account", ["x"]))["kubernetes.io"].serviceaccount.uid, claims["kubernetes.io"].serviceaccount.uid);
    });

    it("refuses other audiences, expired and forged tokens with authenticated omitted and an error, as the real server does", async () => {
      const refusal = async (token: string, audiences?: string[]) => {
        const answer = await review({ spec: audiences ? { token, audiences } : { token } });
        assert.equal(answer.status, 201);
        assert.equal(answer.body.status.authenticated, undefined, JSON.stringify(answer.body.status));
        assert.deepEqual(answer.body.status.user, {});
        return answer.body.status.error as string;
      };
      assert.match(await refusal(kube.issueToken("default", "my-app-account", ["vault"]), ["other"]), /token audiences \["vault"\] is invalid for the target audiences \["other"\]/);
      // No spec.audiences: the API server's own audience (the issuer) must be in the token.
      assert.match(await refusal(kube.issueToken("default", "my-app-account", ["vault"])), /is invalid for the target audiences \["https:\/\/kubernetes\.default\.svc\.cluster\.local"\]/);
      assert.equal((await review({ spec: { token: kube.issueToken("default", "my-app-account", [kube.issuer]) } })).body.status.audiences[0], kube.issuer);
      assert.match(await refusal(kube.issueToken("default", "my-app-account", ["vault"], 60, minutesAgo(3)), ["vault"]), /service account token has expired/);
      assert.match(await refusal(forged(kube.issueToken("default", "my-app-account", ["vault"])), ["vault"]), /error in cryptographic primitive/);
      assert.match(await refusal("not-a-jwt", ["vault"]), /invalid bearer token/);
      // kube-apiserver allows 60 s of clock skew on exp (go-jose's DefaultLeeway): expired 30 s ago still passes.
      const justExpired = await review({ spec: { token: kube.issueToken("default", "my-app-account", ["vault"], 60, minutesAgo(1.5)), audiences: ["vault"] } });
      assert.equal(justExpired.body.status.authenticated, true);
    });

    it("answers a bad credential with 401, a missing token with 400 and an unknown path with 404, each as a Status", async () => {
      const token = kube.issueToken("default", "my-app-account", ["vault"]);
      const unauthorized = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };
      assert.deepEqual(await review({ spec: { token } }, null), { status: 401, body: unauthorized });
      assert.deepEqual(await review({ spec: { token } }, token), { status: 401, body: unauthorized });
      const missing = await review({ spec: {} });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.message, "token is required for TokenReview in authentication");
      const unknown = await jsonRequest(new URL("/api/v1/pods", kube.url), { method: "GET", timeoutMs: 5_000, ca: kube.caCertificatePem, headers: { Authorization: `Bearer ${kube.reviewerJwt}` } });
      assert.deepEqual(unknown, {
        status: 404,
        body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server could not find the requested resource", reason: "NotFound", details: {}, code: 404 },
      });
    });

    it("serves TLS that verifies against its own CA only, for 127.0.0.1 and localhost", async () => {
      const get = (options: { ca?: string; servername?: string }) => jsonRequest(new URL("/api/v1/namespaces/default", kube.url), {
        method: "GET", timeoutMs: 5_000, headers: { Authorization: `Bearer ${kube.reviewerJwt}` }, ...options,
      });
      assert.equal((await get({ ca: kube.caCertificatePem })).status, 200);
      assert.equal((await get({ ca: kube.caCertificatePem, servername: "localhost" })).status, 200);
      await assert.rejects(get({ ca: kube.caCertificatePem, servername: "kubernetes.example" }), /altnames/);
      await assert.rejects(get({}), (error: any) => error.code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || /self.signed|unable to verify/i.test(error.message));
    });

    it("runs as a process: one JSON line on stdout, tokens through the TokenRequest API, gone after SIGTERM", async function () {
      this.timeout(30_000);
      const directory = path.join(runDirectory(), "fake-kubernetes-process");
      const server = startTypeScriptProcess("fake-kubernetes", path.resolve(__dirname, "../../local/fakeKubernetes.ts"), ["--port", "0", "--dir", directory]);
      try {
        const started = await waitFor("the fake Kubernetes process to print its settings", async () => {
          if (server.hasExited()) throw new Error(`exited early:\n${logTail(server)}`);
          const line = fs.readFileSync(server.logFile, "utf8").split("\n").find((text: string) => text.startsWith("{\"url\""));
          return line ? JSON.parse(line) : undefined;
        }, 20_000);
        assert.deepEqual(Object.keys(started), ["url", "caCertificateFile", "reviewerJwt", "publicKeyFile", "issuer"]);
        assert.match(started.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        const ca = fs.readFileSync(started.caCertificateFile, "utf8");
        const call = (route: string, body: unknown) => jsonRequest(new URL(route, started.url), {
          method: "POST", body, timeoutMs: 5_000, ca, headers: { Authorization: `Bearer ${started.reviewerJwt}` },
        });
        const requested = await call("/api/v1/namespaces/default/serviceaccounts/my-app-account/token", { spec: { audiences: ["vault"], expirationSeconds: 600 } });
        assert.equal(requested.status, 201, JSON.stringify(requested.body));
        assert.equal(requested.body.kind, "TokenRequest");
        const reviewed = await call(TOKEN_REVIEWS, { spec: { token: requested.body.status.token, audiences: ["vault"] } });
        assert.equal(reviewed.body.status.user.username, "system:serviceaccount:default:my-app-account");
        const tooShort = await call("/api/v1/namespaces/default/serviceaccounts/my-app-account/token", { spec: { expirationSeconds: 60 } });
        assert.equal(tooShort.status, 422);
        // This process's tokens are no good at the in-process fake: another signing key.
        assert.equal((await review({ spec: { token: requested.body.status.token, audiences: ["vault"] } })).body.status.authenticated, undefined);
      } finally {
        await stopProcess(server);
      }
      assert.equal(await server.exited, 0, logTail(server));
    });
  });

  describe("a real Vault logs in through it", () => {
    it("logs default/my-app-account in with audience vault: the token carries my-app and reads only my-app's secrets", async () => {
      const { response, reviews } = await login(kube.issueToken("default", "my-app-account", ["vault"]));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.deepEqual(reviews.map((entry) => [entry.status, entry.authenticated]), [[201, true]]);
      const auth = response.body.auth;
      assert.ok(auth.policies.includes("my-app"), JSON.stringify(auth.policies));
      assert.deepEqual(auth.token_policies, ["default", "my-app"]);
      assert.equal(auth.metadata.service_account_namespace, "default");
      assert.equal(auth.metadata.service_account_name, "my-app-account");
      assert.equal(auth.lease_duration, 600);
      const own = await vaultRequest(vault.endpoint, "GET", "secret/data/my-app/config", { token: auth.client_token });
      assert.equal(own.status, 200);
      assert.equal(own.body.data.data.greeting, "hello");
      assert.equal((await vaultRequest(vault.endpoint, "GET", "secret/data/other-app/config", { token: auth.client_token })).status, 403);
    });

    // [what, token, status Vault answers, its error, whether the fake was asked]
    const refusals: Array<[string, () => string, number, RegExp, "not asked" | "refused by the fake"]> = [
      ["another namespace", () => kube.issueToken("kube-system", "my-app-account", ["vault"]), 403, /^namespace not authorized$/, "not asked"],
      ["another service account", () => kube.issueToken("default", "other-account", ["vault"]), 403, /^service account name not authorized$/, "not asked"],
      ["a wrong audience", () => kube.issueToken("default", "my-app-account", [kube.issuer]), 403, /^invalid audience \(aud\) claim: audience claim does not match any expected audience$/, "not asked"],
      ["an expired token", () => kube.issueToken("default", "my-app-account", ["vault"], 600, minutesAgo(20)), 403, /^invalid expiration time \(exp\) claim: token is expired$/, "not asked"],
      ["a token signed by another key", () => forged(kube.issueToken("default", "my-app-account", ["vault"])), 403, /^permission denied$/, "refused by the fake"],
    ];
    for (const [what, token, status, error, fake] of refusals) {
      it(`refuses ${what} with ${status} (${fake})`, async () => {
        const { response, reviews } = await login(token());
        assert.equal(response.status, status, JSON.stringify(response.body));
        assert.equal(response.body.errors.length, 1, JSON.stringify(response.body));
        assert.match(response.body.errors[0], error);
        if (fake === "not asked") assert.deepEqual(reviews, []);
        else assert.deepEqual(reviews.map((entry) => [entry.status, entry.authenticated, /cryptographic primitive/.test(entry.error ?? "")]), [[201, false, true]]);
      });
    }

    it("fails a valid login while its config holds a wrong reviewer JWT (the fake answers 401), and passes again once fixed", async () => {
      const valid = kube.issueToken("default", "my-app-account", ["vault"]);
      try {
        await writeConfig({ token_reviewer_jwt: kube.issueToken("vault-auth", "vault-token-reviewer", [kube.issuer]) });
        const { response, reviews } = await login(valid);
        assert.equal(response.status, 403, JSON.stringify(response.body));
        assert.deepEqual(response.body.errors, ["permission denied"]);
        assert.deepEqual(reviews.map((entry) => entry.status), [401]);
      } finally {
        await writeConfig();
      }
      assert.equal((await login(valid)).response.status, 200);
    });

    it("with pem_keys = the fake's public key, Vault itself refuses the forged token and still logs the real one in", async () => {
      try {
        await writeConfig({ pem_keys: [kube.publicKeyPem] });
        const refused = await login(forged(kube.issueToken("default", "my-app-account", ["vault"])));
        assert.equal(refused.response.status, 403, JSON.stringify(refused.response.body));
        assert.deepEqual(refused.response.body.errors, ["permission denied"]);
        assert.deepEqual(refused.reviews, []);
        const accepted = await login(kube.issueToken("default", "my-app-account", ["vault"]));
        assert.equal(accepted.response.status, 200, JSON.stringify(accepted.response.body));
        assert.equal(accepted.reviews.length, 1);
      } finally {
        await writeConfig();
      }
    });

    it("answers the optional lookups: a namespace selector reads the namespace, alias metadata reads the service account", async () => {
      await vaultCall(vault.endpoint, "POST", "auth/kubernetes/role/team-a", {
        ...root(),
        body: {
          bound_service_account_names: ["*"], audience: "vault", token_policies: ["my-app"],
          bound_service_account_namespace_selector: JSON.stringify({ matchLabels: { "kubernetes.io/metadata.name": "team-a" } }),
        },
      });
      try {
        await writeConfig({ use_annotations_as_alias_metadata: true });
        const inTeam = await login(kube.issueToken("team-a", "worker", ["vault"]), "team-a");
        assert.equal(inTeam.response.status, 200, JSON.stringify(inTeam.response.body));
        assert.deepEqual(inTeam.requests.map((entry) => `${entry.method} ${entry.path} ${entry.status}`), [
          "GET /api/v1/namespaces/team-a 200",
          `POST ${TOKEN_REVIEWS} 201`,
          "GET /api/v1/namespaces/team-a/serviceaccounts/worker 200",
        ]);
        const elsewhere = await login(kube.issueToken("team-b", "worker", ["vault"]), "team-a");
        assert.equal(elsewhere.response.status, 403, JSON.stringify(elsewhere.response.body));
        assert.deepEqual(elsewhere.response.body.errors, ["namespace not authorized"]);
        assert.deepEqual(elsewhere.requests.map((entry) => `${entry.method} ${entry.path}`), ["GET /api/v1/namespaces/team-b"]);
      } finally {
        await writeConfig();
      }
    });
  });
});
