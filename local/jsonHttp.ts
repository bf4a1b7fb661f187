/** The one HTTP client of the live suites: a JSON body out, the status and the parsed body back. */
import * as http from "http";
import * as https from "https";

export interface JsonResponse {
  status: number;
  /** Parsed JSON, the raw text when it is not JSON (e.g. an error page), undefined when empty. */
  body: any;
}

export interface JsonRequest {
  method: string;
  headers?: Record<string, string>;
  /** Serialised as JSON; `contentType` names its media type (default application/json). */
  body?: unknown;
  contentType?: string;
  timeoutMs: number;
  /** For https: the CA to verify the server against, and the name to verify (when the URL's host is an IP the certificate does not name). */
  ca?: string;
  servername?: string;
}

/** Resolves with any status; rejects only on transport errors or a timeout (error code ETIMEDOUT). */
export function jsonRequest(url: URL, request: JsonRequest): Promise<JsonResponse> {
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  const headers = { ...request.headers, ...(payload === undefined ? {} : { "Content-Type": request.contentType ?? "application/json" }) };
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(url, { method: request.method, headers, ca: request.ca, servername: request.servername, timeout: request.timeoutMs, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => { text += chunk; });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: parsed(text) }));
    });
    outgoing.on("timeout", () => outgoing.destroy(Object.assign(new Error(`${request.method} ${url.href} timed out`), { code: "ETIMEDOUT" })));
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}

function parsed(text: string): any {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
