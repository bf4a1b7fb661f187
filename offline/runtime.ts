/**
 * Runs the real program (config parsing, every component) under Pulumi's mock runtime and records
 * every registration with its options: what `pulumi up` would send, without a CLI, a cloud or a Vault.
 * Used by the tests, `npm run plan` and `npm run bench`. Computed values (ARNs, IDs, DNS names,
 * certificates, tokens) are placeholders made up here.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { ParseOptions, parseConfig, PlatformConfig, PROJECT, RawConfig } from "../config";
import { createPlatform, PlatformOptions, PlatformOutputs } from "../platform";
import { AWS_TYPES, KUBERNETES_TYPES, TLS_TYPES, VAULT_TYPES } from "../components/resourceTypes";
import { uuidFromSeed } from "../lib/uuid";

export { isSecretInput, unwrapSecret } from "../lib/wireSecret";

export const ACCOUNT_ID = "123456789012";

export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** Inputs as the engine receives them; secret values keep their marker (see isSecretInput). */
  inputs: Record<string, any>;
  parent: string;
  provider: string;
  protect: boolean;
  retainOnDelete: boolean;
  /** Former type tokens this resource is aliased to (what keeps a renamed component's URNs). */
  aliasTypes: string[];
  /** URNs of the resources it was declared to depend on (`dependsOn`), which the engine creates first. */
  dependencies: string[];
}

export interface ProgramRun {
  registrations: Registration[];
  outputs: PlatformOutputs;
  /** Resolved stack outputs. */
  resolved: Record<string, any>;
}

let current: Registration[] = [];
/** Inputs as the mock monitor already deserialized them for newResource, by type and name (names are unique here). */
const inputsByResource = new Map<string, Record<string, any>>();
const original = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: MockMonitor, req: any, callback: (err: any, res: any) => void) {
  return original.call(this, req, (err: any, response: any) => {
    if (!err) {
      current.push({
        type: req.getType(), name: req.getName(), urn: response.getUrn(), custom: req.getCustom(),
        inputs: inputsByResource.get(`${req.getType()}::${req.getName()}`) ?? {},
        parent: req.getParent(), provider: req.getProvider(), protect: req.getProtect() === true,
        retainOnDelete: req.getRetainondelete() === true,
        aliasTypes: req.getAliasesList().map((alias: any) => alias.getSpec()?.getType()).filter((type: unknown) => typeof type === "string" && type !== ""),
        dependencies: req.getDependenciesList(),
      });
    }
    callback(err, response);
  });
};

/** Resolves once the stack's own outputs reach the monitor: runInPulumiStack returns before that. */
let stackOutputsRegistered: () => void = () => undefined;
const originalOutputs = MockMonitor.prototype.registerResourceOutputs;
MockMonitor.prototype.registerResourceOutputs = function (this: MockMonitor, req: any, callback: (err: any, res: any) => void) {
  originalOutputs.call(this, req, callback);
  if (String(req.getUrn()).includes("::pulumi:pulumi:Stack::")) stackOutputsRegistered();
};

/** A placeholder PEM block whose body names the resource. */
function pem(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Plausible values for what AWS, TLS, Vault and Kubernetes compute on create (what the mock runtime answers). */
export function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const arn = (service: string) => `arn:aws:${service}:eu-west-1:${ACCOUNT_ID}:${name}`;
  switch (type) {
    case AWS_TYPES.table: return { name: `${name}-abc123`, arn: arn("dynamodb") };
    case AWS_TYPES.backupVault: return { name: `${name}-abc123`, arn: arn("backup") };
    case AWS_TYPES.backupPlan: return { arn: arn("backup"), version: `${name}-version-1` };
    // KMS names a key by a UUID, and its ARN ends in key/<that UUID> (local-kms, like KMS, resolves nothing else).
    case AWS_TYPES.kmsKey: {
      const keyId = uuidFromSeed(name);
      return { arn: `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/${keyId}`, keyId };
    }
    case AWS_TYPES.role: return { name: `${name}-abc123`, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}` };
    case AWS_TYPES.loadBalancer: return { arn: arn("elasticloadbalancing"), arnSuffix: `net/${name}/0123456789abcdef`, dnsName: `${name}-0123.elb.eu-west-1.amazonaws.com` };
    case AWS_TYPES.targetGroup: return { arn: arn("elasticloadbalancing"), arnSuffix: `targetgroup/${name}/0123456789abcdef` };
    case AWS_TYPES.logGroup: return { arn: `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:${inputs.name}` };
    case AWS_TYPES.metricAlarm: return { arn: arn("cloudwatch"), name: inputs.name };
    case AWS_TYPES.launchTemplate: return { latestVersion: 1 };
    case AWS_TYPES.autoScalingGroup: return { name: `${name}-abc123` };
    // Secrets Manager's version IDs are UUIDs; this one follows the secret string, as a new version would.
    case AWS_TYPES.secretVersion: return { versionId: uuidFromSeed(JSON.stringify(inputs.secretString)) };
    case TLS_TYPES.privateKey: return { privateKeyPem: pem("PRIVATE KEY", name) };
    case TLS_TYPES.selfSignedCert:
    case TLS_TYPES.locallySignedCert: return { certPem: pem("CERTIFICATE", name) };
    case TLS_TYPES.certRequest: return { certRequestPem: pem("CERTIFICATE REQUEST", name) };
    case VAULT_TYPES.pkiRootCert: return { certificate: pem("CERTIFICATE", name), issuingCa: pem("CERTIFICATE", name) };
    case VAULT_TYPES.pkiIntermediateCertRequest: return { csr: pem("CERTIFICATE REQUEST", name) };
    case VAULT_TYPES.pkiRootSignIntermediate: return { certificate: pem("CERTIFICATE", name), certificateBundle: pem("CERTIFICATE", name), issuingCa: pem("CERTIFICATE", `${name}-issuer`) };
    case VAULT_TYPES.approleRole: return { roleId: `${inputs.roleName}-role-id` };
    case VAULT_TYPES.approleSecretId: return { secretId: `${inputs.roleName}-secret-id`, accessor: `${name}-accessor` };
    case VAULT_TYPES.token: return { clientToken: `hvs.${name}-token` };
    case KUBERNETES_TYPES.secret: return { data: { token: Buffer.from(`jwt-${name}`).toString("base64"), "ca.crt": Buffer.from("k8s-ca").toString("base64") } };
    default: return { arn: arn(type.split(":")[1]?.split("/")[0] ?? "unknown") };
  }
}

/** What a resource really computed, when the caller knows it (the local stack's applied state); else placeholders. */
export type KnownState = (type: string, name: string) => Record<string, any> | undefined;
let knownState: KnownState = () => undefined;


export const MOCKS: pulumi.runtime.Mocks = {
  newResource: (args) => {
    inputsByResource.set(`${args.type}::${args.name}`, args.inputs);
    return { id: `${args.name}-id`, state: { ...args.inputs, ...(knownState(args.type, args.name) ?? computedState(args.type, args.name, args.inputs)) } };
  },
  // The program makes no invokes (account and partition come from the role ARN); a new one must get a mock here.
  call: (args) => {
    throw new Error(`no mock result for invoke ${args.token}; add one in offline/runtime.ts`);
  },
};

/** What the last run registered, also when it failed. */
export function lastRegistrations(): Registration[] {
  return [...current];
}

/**
 * Runs the program with this raw configuration (parsed inside the stack, as `pulumi up` does). VAULT_TOKEN
 * comes from `parse.env` only, never from this process's environment.
 */
export function runProgram(config: RawConfig, stack = "dev", parse: ParseOptions = {}, options: PlatformOptions = {}): Promise<ProgramRun> {
  return runStack(stack, config, () => parseConfig(pulumi.runtime.allConfig(), { ...parse, env: parse.env ?? {} }), options);
}

/**
 * Runs the program with configuration already parsed (and possibly adjusted) by the caller; `known` gives
 * resources the values they really computed, so that the stack outputs are the real ones.
 */
export async function runPlatform(config: PlatformConfig, stack = "dev", options: PlatformOptions = {}, known?: KnownState): Promise<ProgramRun> {
  knownState = known ?? (() => undefined);
  try {
    return await runStack(stack, {}, () => config, options);
  } finally {
    knownState = () => undefined;
  }
}

async function runStack(stack: string, raw: RawConfig, platformConfig: () => PlatformConfig, options: PlatformOptions): Promise<ProgramRun> {
  current = [];
  inputsByResource.clear();
  await pulumi.runtime.setMocks(MOCKS, PROJECT, stack, false);
  pulumi.runtime.setAllConfig(raw);
  let outputs: PlatformOutputs = {};
  const settled = new Promise<void>((resolve) => { stackOutputsRegistered = resolve; });
  const resolved = (await pulumi.runtime.runInPulumiStack(async () => {
    outputs = createPlatform(platformConfig(), options);
    return outputs;
  })) ?? {};
  // The next run replaces the mock monitor; let this stack finish with the current one, every
  // registration included (as the Pulumi runner does before it exits).
  await settled;
  await pulumi.runtime.disconnect();
  return { registrations: current, outputs, resolved };
}
