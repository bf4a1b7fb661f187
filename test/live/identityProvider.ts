/**
 * An OpenID Connect identity provider on loopback for the OIDC suite: our wrapper around
 * github.com/oauth2-proxy/mockoidc (tools/mockoidc), over HTTPS with a CA made here, one OAuth
 * client, and the people who log in handed over one per authorization request.
 */
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { toolPath } from "../../scripts/liveTools";
import { makeLoopbackCertificates } from "./loopbackTls";
import { ManagedProcess, startProcess, stopProcess, waitFor } from "./processes";

/** A person as the IdP knows them; the ID token carries each claim whose scope was asked for. */
export interface IdpUser {
  Subject: string;
  Email: string;
  EmailVerified: boolean;
  PreferredUsername: string;
  Groups: string[];
}

export interface IdentityProvider {
  /** The issuer URL, which is also Vault's oidc_discovery_url. */
  issuer: string;
  /** The CA that signed the IdP's certificate. */
  caFile: string;
  process: ManagedProcess;
  /** The next authorization request logs this person in. */
  queueUser(user: IdpUser): Promise<void>;
  /** Follows an authorization URL as a browser would, once: the redirect the IdP answers with. */
  authorize(authUrl: string): Promise<URL>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const READY = /^issuer=(\S+) control=(\S+)$/m;

export async function startIdentityProvider(dir: string, clientId: string, clientSecret: string): Promise<IdentityProvider> {
  const certificates = makeLoopbackCertificates(dir, "vault-platform live IdP CA");
  const ca = fs.readFileSync(certificates.ca);
  const binary = await toolPath("mockoidc");
  const idp = startProcess("mockoidc", binary, ["-cert", certificates.cert, "-key", certificates.key, "-client-id", clientId, "-client-secret", clientSecret]);
  const [, issuer, control] = await waitFor("the identity provider to listen", async () => {
    if (idp.hasExited()) throw new Error(`mockoidc exited early; see ${idp.logFile}`);
    return READY.exec(fs.readFileSync(idp.logFile, "utf8")) ?? undefined;
  }, START_TIMEOUT_MS);
  return {
    issuer,
    caFile: path.resolve(certificates.ca),
    process: idp,
    queueUser: async (user) => {
      const answer = await fetch(`${control}/users`, { method: "POST", body: JSON.stringify(user), signal: AbortSignal.timeout(5_000) });
      if (answer.status !== 204) throw new Error(`the IdP refused the user: ${answer.status} ${await answer.text()}`);
    },
    authorize: (authUrl) => new Promise((resolve, reject) => {
      const request = https.get(authUrl, { ca, timeout: 5_000 }, (response) => {
        response.resume();
        const location = response.headers.location;
        if (response.statusCode !== 302 || !location) reject(new Error(`the IdP answered ${response.statusCode}, not a redirect`));
        else resolve(new URL(location));
      });
      request.on("timeout", () => request.destroy(new Error("the IdP did not answer in 5 s")));
      request.on("error", reject);
    }),
    stop: () => stopProcess(idp),
  };
}
