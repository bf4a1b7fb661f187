/** A minimal Vault HTTP API client for the live suites: status codes are answers, not errors. */
import * as http from "http";
import * as https from "https";

export interface VaultResponse {
  status: number;
  body: any;
}

export interface VaultEndpoint {
  /** e.g. http://127.0.0.1:8200 or https://10.213.0.11:8200 */
  address: string;
  /** PEM of the CA that signed the server's certificate (https only). */
  caCertificate?: string;
  /** The name to verify the certificate against when the address is an IP the certificate does not name. */
  servername?: string;
}

/**
 * One request to `apiPath`, relative to /v1/ or a whole /v1/... path as a load balancer's health check
 * names it; resolves with the status and the parsed body, rejects only on transport errors or timeout
 * (with the socket's error code, ETIMEDOUT for a timeout).
 */
export function vaultRequest(
  endpoint: VaultEndpoint,
  method: string,
  apiPath: string,
  options: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<VaultResponse> {
  const url = new URL(apiPath.startsWith("/v1/") ? apiPath : `/v1/${apiPath.replace(/^\/+/, "")}`, endpoint.address);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (options.token) headers["X-Vault-Token"] = options.token;
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method, headers, ca: endpoint.caCertificate, servername: endpoint.servername, timeout: options.timeoutMs ?? 10_000, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => { text += chunk; });
      response.on("end", () => {
        let body: any = text;
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          // Not JSON (e.g. a proxy error page): keep the text for the message.
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on("timeout", () => request.destroy(Object.assign(new Error(`${method} ${url.href} timed out`), { code: "ETIMEDOUT" })));
    request.on("error", reject);
    request.end(payload);
  });
}

/** A request that must succeed (2xx); throws with Vault's errors otherwise. */
export async function vaultCall(endpoint: VaultEndpoint, method: string, apiPath: string, options: { token?: string; body?: unknown } = {}): Promise<any> {
  const response = await vaultRequest(endpoint, method, apiPath, options);
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`${method} ${apiPath} on ${endpoint.address}: ${response.status} ${JSON.stringify(response.body?.errors ?? response.body)}`);
  }
  return response.body;
}
