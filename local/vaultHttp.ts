/** A minimal Vault HTTP API client for the live suites: status codes are answers, not errors. */
import { JsonResponse, jsonRequest } from "./jsonHttp";

export type VaultResponse = JsonResponse;

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
  return jsonRequest(url, {
    method, body: options.body, timeoutMs: options.timeoutMs ?? 10_000, ca: endpoint.caCertificate, servername: endpoint.servername,
    headers: options.token ? { "X-Vault-Token": options.token } : {},
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
