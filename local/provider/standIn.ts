/**
 * The Vault provider stand-in: what a Pulumi resource provider for `vault:` does with each engine call
 * (CheckConfig, Configure, Check, Diff, Create, Read, Update, Delete), through the Vault HTTP API calls
 * terraform-provider-vault makes (./vaultCalls.ts). It is NOT pulumi-vault: the real provider's Go
 * module cannot be fetched here. ./server.ts serves it to the engine as the `pulumi-resource-vault` plugin.
 *
 * Secrets (the token, the child token, SecretIDs, issued tokens, JWTs) never appear in errors or in the
 * call log; outputs that hold one go back to the engine marked secret.
 */
import * as fs from "fs";
import { containsUnknown, markSecret, revealed } from "../../lib/wireSecret";
import { VaultEndpoint, VaultResponse, vaultRequest } from "../vaultHttp";
import { ApiCall, Inputs, PROVIDER_INPUTS, RESOURCE_CALLS, ResourceCalls, snakeCase, userpassLogin, zeroOf } from "./vaultCalls";

/** The version the stand-in reports: the pinned @pulumi/vault's, so the engine does not warn about a mismatch. */
export const STAND_IN_VERSION: string = require("@pulumi/vault/package.json").version;

/** One call the stand-in made, as its call log keeps it: never a body, a token or a response. */
export interface MadeCall {
  /** The resource's name (the last part of its URN), or "provider" for the provider's own calls. */
  resource: string;
  type: string;
  phase: "configure" | "create" | "update" | "read" | "refresh" | "delete";
  method: string;
  path: string;
  status: number;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/** A refused call: the resource, the call, its status and Vault's own errors (never a body or a secret). */
export class VaultCallError extends Error {
  constructor(resource: string, type: string, call: { method: string; path: string; status: number }, vaultErrors: string[], detail?: string) {
    super(`${type} ${resource}: ${call.method} ${call.path} -> ${call.status}${call.status === 403 ? " (permission denied)" : ""}` +
      `${vaultErrors.length > 0 ? `: ${vaultErrors.join("; ")}` : ""}${detail ? ` (${detail})` : ""}`);
    this.name = "VaultCallError";
  }
}

const PROVIDER_TYPE = "pulumi:providers:vault";
const PROVIDER_TOKEN_TTL_DEFAULT = 1200;

/** The resource's name and type from its URN (`urn:pulumi:<stack>::<project>::<type chain>::<name>`). */
export function urnParts(urn: string): { name: string; type: string } {
  const parts = urn.split("::");
  const chain = parts[2] ?? "";
  return { name: parts.slice(3).join("::"), type: chain.split("$").pop() ?? chain };
}

/** JSON with sorted keys and sorted lists of scalars (Vault's list fields are sets), so equal inputs compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    return `[${(value.every((item) => typeof item !== "object") ? [...items].sort() : items).join(",")}]`;
  }
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Inputs)[key])}`).join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** The inputs a resource type understands, without the SDK's bookkeeping keys. */
function ownInputs(calls: ResourceCalls, values: Inputs | undefined): Inputs {
  return Object.fromEntries(Object.entries(values ?? {}).filter(([key]) => calls.inputs.includes(key)));
}

/** The input keys whose values differ (secret markers aside; an unknown value always differs). */
export function changedInputs(calls: ResourceCalls, olds: Inputs, news: Inputs): string[] {
  const keys = [...new Set([...Object.keys(ownInputs(calls, olds)), ...Object.keys(ownInputs(calls, news))])];
  return keys.filter((key) => containsUnknown(news[key]) || canonical(revealed(olds[key])) !== canonical(revealed(news[key]))).sort();
}

function callsFor(type: string): ResourceCalls {
  const calls = RESOURCE_CALLS[type];
  if (!calls) {
    throw new Error(`${type}: the Vault provider stand-in (local/provider) has no calls for this type; add them from terraform-provider-vault's resource source ` +
      `(known: ${Object.keys(RESOURCE_CALLS).join(", ")})`);
  }
  return calls;
}

function vaultErrors(answer: VaultResponse): string[] {
  const errors = answer.body && typeof answer.body === "object" ? answer.body.errors : undefined;
  return Array.isArray(errors) ? errors.map(String) : [];
}

/** What a resource computed, from its outputs (the keys that are not inputs), revealed. */
function computedOf(calls: ResourceCalls, outputs: Inputs): Record<string, unknown> {
  return revealed(Object.fromEntries(Object.entries(outputs).filter(([key]) => !calls.inputs.includes(key) && key !== "__defaults")));
}

export class VaultStandIn {
  private endpoint?: VaultEndpoint;
  private clientToken?: string;

  constructor(private readonly callLog: (call: MadeCall) => void = () => undefined) {}

  /** CheckConfig: the provider's inputs it understands; anything else would change its calls. */
  checkConfig(news: Inputs): { inputs: Inputs; failures: CheckFailure[] } {
    const failures = Object.keys(news).filter((key) => !PROVIDER_INPUTS.includes(key) && key !== "__defaults")
      .map((property) => ({ property, reason: `the Vault provider stand-in (local/provider) does not implement ${property}` }));
    return { inputs: news, failures };
  }

  /** DiffConfig: a changed setting is an update of the provider, never a replacement of its resources. */
  diffConfig(olds: Inputs, news: Inputs): { changes: boolean; diffs: string[] } {
    const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((key) => key !== "__defaults" && key !== "version");
    const diffs = keys.filter((key) => canonical(revealed(olds[key])) !== canonical(revealed(news[key])));
    return { changes: diffs.length > 0, diffs };
  }

  /**
   * Configure, as internal/provider/meta.go (setClient) does it: with `authLoginUserpass` a login first
   * (./vaultCalls.ts userpassLogin), whose token replaces any given one; otherwise the `token` input (or
   * VAULT_TOKEN). Then LookupSelf with that token, a short-lived child token (TTL maxLeaseTtlSeconds, 1200 s
   * by default) unless skipChildToken, then the server version (Sys().SealStatus). During a preview whose
   * address or credentials are not known yet, nothing is called.
   */
  async configure(args: Inputs, env: NodeJS.ProcessEnv = process.env): Promise<void> {
    if (containsUnknown(args.address) || containsUnknown(args.token) || containsUnknown(args.authLoginUserpass)) return;
    const settings = revealed(args) as Record<string, unknown>;
    const address = String(settings.address ?? env.VAULT_ADDR ?? "");
    if (!address) throw new Error("the Vault provider needs an address (the provider's address input or VAULT_ADDR)");
    const caCertFile = settings.caCertFile ?? env.VAULT_CACERT;
    this.endpoint = { address, caCertificate: caCertFile ? fs.readFileSync(String(caCertFile), "utf8") : undefined };
    let given: string;
    if (settings.authLoginUserpass !== undefined) {
      // The login is made without a token (AuthLoginCommon.login refuses a client that has one).
      const login = await this.send("provider", PROVIDER_TYPE, "configure", userpassLogin(settings.authLoginUserpass), "");
      given = login.body.auth.client_token;
    } else {
      given = String(settings.token ?? env.VAULT_TOKEN ?? "");
      if (!given) throw new Error("the Vault provider needs a token (the provider's token input or VAULT_TOKEN) or a login (authLoginUserpass)");
    }
    await this.send("provider", PROVIDER_TYPE, "configure", { method: "GET", path: "auth/token/lookup-self" }, given);
    let client = given;
    if (String(settings.skipChildToken) !== "true") {
      const ttl = Number(settings.maxLeaseTtlSeconds ?? PROVIDER_TOKEN_TTL_DEFAULT) || PROVIDER_TOKEN_TTL_DEFAULT;
      const created = await this.send("provider", PROVIDER_TYPE, "configure", {
        method: "POST", path: "auth/token/create",
        body: { display_name: settings.tokenName ?? "terraform", num_uses: 0, renewable: false, ttl: `${ttl}s`, explicit_max_ttl: `${ttl}s`, type: "", entity_alias: "" },
      }, given);
      client = created.body.auth.client_token;
    }
    await this.send("provider", PROVIDER_TYPE, "configure", { method: "GET", path: "sys/seal-status" }, client);
    this.clientToken = client;
  }

  /** Check: a known type, and only inputs its calls send. */
  check(urn: string, news: Inputs): { inputs: Inputs; failures: CheckFailure[] } {
    const { type } = urnParts(urn);
    const calls = callsFor(type);
    const failures = Object.keys(news).filter((key) => !calls.inputs.includes(key) && key !== "__defaults")
      .map((property) => ({ property, reason: `not sent by the Vault provider stand-in for ${type} (local/provider/vaultCalls.ts); map it as terraform-provider-vault sends it` }));
    return { inputs: news, failures };
  }

  /** Diff of the old inputs against the new: which inputs changed, and which of them force a replacement (ForceNew). */
  diff(urn: string, oldInputs: Inputs, news: Inputs): { changes: boolean; replaces: string[]; diffs: string[] } {
    const { type, name } = urnParts(urn);
    const calls = callsFor(type);
    const diffs = changedInputs(calls, oldInputs, news);
    const unmodelled = diffs.filter((key) => calls.unmodelled?.includes(key));
    if (unmodelled.length > 0) {
      throw new Error(`${type} ${name}: changing ${unmodelled.join(", ")} is a remount in terraform-provider-vault, which the stand-in does not make; ` +
        "declare a new resource instead, or move it with Vault's sys/remount yourself");
    }
    const replaces = calls.replaceOn === "all" ? diffs : diffs.filter((key) => (calls.replaceOn as string[]).includes(key));
    return { changes: diffs.length > 0, replaces, diffs };
  }

  /** Create: the create calls, what they computed, the read-back; the outputs are the inputs plus what was computed. */
  async create(urn: string, inputs: Inputs): Promise<{ id: string; outs: Inputs }> {
    const { type, name } = urnParts(urn);
    const calls = callsFor(type);
    const i = revealed(ownInputs(calls, inputs));
    const answers: VaultResponse[] = [];
    for (const call of calls.create(i)) answers.push(await this.call(name, type, "create", call));
    const created = calls.created?.(i, answers);
    if (typeof created === "string") throw this.problem(name, type, created);
    const computed = { ...created?.values };
    const secret = [...(created?.secret ?? [])];
    const recorded = await this.readBack(name, type, calls, i, computed);
    Object.assign(computed, recorded.values);
    secret.push(...(recorded.secret ?? []));
    return { id: calls.id(i, computed), outs: { ...inputs, ...withSecrets(computed, secret) } };
  }

  /**
   * Update: the update calls (the create body again, or only the changed fields), the zero value of an input
   * no longer set, then the read-back. What create computed stays in the outputs.
   */
  async update(urn: string, olds: Inputs, oldInputs: Inputs, news: Inputs): Promise<{ outs: Inputs }> {
    const { type, name } = urnParts(urn);
    const calls = callsFor(type);
    if (!calls.update) throw new Error(`${type} ${name}: has no update; every change replaces it`);
    const i = revealed(ownInputs(calls, news));
    const previous = revealed(ownInputs(calls, oldInputs));
    const changed = changedInputs(calls, oldInputs, news);
    const writes = typeof calls.update === "function" ? calls.update(i, previous, changed) : calls.create(i);
    // What is no longer set goes to Vault as its zero value (updateTokenFields and the like send d.Get of a changed field).
    const unset = calls.zeroUnset === false ? [] : changed.filter((key) => i[key] === undefined);
    let updates: ApiCall[] = writes.map((call, index) => (index === 0 && call.body
      ? { ...call, body: { ...Object.fromEntries(unset.map((key) => [snakeCase(key), zeroOf(previous[key])])), ...call.body } }
      : call));
    if (calls.update === "changed") {
      const sent = new Set([...changed.map(snakeCase), ...(calls.alwaysSent ?? [])]);
      updates = updates
        .map((call) => (call.body ? { ...call, body: Object.fromEntries(Object.entries(call.body).filter(([field]) => sent.has(field))) } : call))
        .filter((call, index) => index === 0 || Object.keys(call.body ?? {}).length > 0);
    }
    for (const call of updates) await this.call(name, type, "update", call);
    const kept = Object.fromEntries(Object.entries(olds).filter(([key]) => !calls.inputs.includes(key) && key !== "__defaults"));
    const recorded = await this.readBack(name, type, calls, i, computedOf(calls, olds));
    return { outs: { ...kept, ...news, ...withSecrets(recorded.values, recorded.secret ?? []) } };
  }

  /**
   * Read (refresh): the resource's read calls. Gone: an empty ID, so the engine drops it from the state.
   * Otherwise the inputs Vault reports replace the state's where they differ: that is drift, which the
   * next `up` repairs.
   */
  async read(urn: string, id: string, props: Inputs, inputs: Inputs | undefined): Promise<{ id: string; props: Inputs; inputs: Inputs }> {
    const { type, name } = urnParts(urn);
    const calls = callsFor(type);
    const stateInputs = inputs ?? ownInputs(calls, props);
    const i = revealed(ownInputs(calls, stateInputs));
    const answers: VaultResponse[] = [];
    for (const call of calls.read(i, computedOf(calls, props))) answers.push(await this.call(name, type, "refresh", call, { allowFailure: true }));
    if ((calls.gone ?? (([first]) => first.status === 404))(answers, i)) return { id: "", props: {}, inputs: {} };
    const failed = answers.find((answer) => answer.status < 200 || answer.status >= 300);
    if (failed) throw this.problem(name, type, `refresh answered ${failed.status}: ${vaultErrors(failed).join("; ")}`);
    const observed = calls.observe?.(i, answers) ?? {};
    const drifted = Object.fromEntries(Object.entries(observed).filter(([key, value]) => canonical(value) !== canonical(i[key])));
    return { id, props: { ...props, ...drifted }, inputs: { ...stateInputs, ...drifted } };
  }

  /** Delete: the provider's delete calls (none for what goes with its mount). */
  async delete(urn: string, props: Inputs, oldInputs: Inputs | undefined): Promise<void> {
    const { type, name } = urnParts(urn);
    const calls = callsFor(type);
    const i = revealed(ownInputs(calls, oldInputs ?? props));
    for (const call of calls.remove(i, computedOf(calls, props))) await this.call(name, type, "delete", call);
  }

  private async readBack(name: string, type: string, calls: ResourceCalls, i: Inputs, computed: Record<string, unknown>) {
    const answers: VaultResponse[] = [];
    for (const call of calls.read(i, computed)) answers.push(await this.call(name, type, "read", call));
    const recorded = calls.record?.(i, answers);
    if (typeof recorded === "string") throw this.problem(name, type, recorded);
    return { values: recorded?.values ?? {}, secret: recorded?.secret };
  }

  private problem(name: string, type: string, detail: string): Error {
    return new Error(`${type} ${name}: ${detail}`);
  }

  private call(resource: string, type: string, phase: MadeCall["phase"], call: ApiCall, options: { allowFailure?: boolean } = {}): Promise<VaultResponse> {
    if (!this.clientToken) throw new Error(`${type} ${resource}: the Vault provider was not configured with a known address and token`);
    return this.send(resource, type, phase, call, this.clientToken, options);
  }

  private async send(resource: string, type: string, phase: MadeCall["phase"], call: ApiCall, token: string, options: { allowFailure?: boolean } = {}): Promise<VaultResponse> {
    let answer: VaultResponse;
    try {
      answer = await vaultRequest(this.endpoint!, call.method, call.path, { token, body: call.body });
    } catch (error) {
      throw new VaultCallError(resource, type, { method: call.method, path: call.path, status: 0 }, [], `transport: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    this.callLog({ resource, type, phase, method: call.method, path: call.path, status: answer.status });
    if (!options.allowFailure && (answer.status < 200 || answer.status >= 300)) {
      throw new VaultCallError(resource, type, { method: call.method, path: call.path, status: answer.status }, vaultErrors(answer));
    }
    return answer;
  }
}

/** Computed values with the secret ones marked secret. */
function withSecrets(values: Record<string, unknown>, secret: string[]): Inputs {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, secret.includes(key) ? markSecret(value) : value]));
}
