/**
 * Runs the real program (config parsing, every component) under Pulumi's mock runtime and records
 * every registration with its options: what `pulumi up` would send, without a CLI, a cloud or a Vault.
 * Used by the tests, `npm run plan` and `npm run bench`. Computed values (ARNs, IDs, DNS names,
 * certificates, tokens) are placeholders made up here.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { PROJECT_ROOT } from "../components/vault/policies";
import { ConfigError, parseConfig, RawConfig } from "../config";
import { createPlatform, PlatformOptions, PlatformOutputs } from "../platform";

export const ROOT = PROJECT_ROOT;
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

/** Plausible values for what AWS, TLS, Vault and Kubernetes compute on create. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const arn = (service: string) => `arn:aws:${service}:eu-west-1:${ACCOUNT_ID}:${name}`;
  switch (type) {
    case "aws:dynamodb/table:Table": return { name: `${name}-abc123`, arn: arn("dynamodb") };
    case "aws:kms/key:Key": return { arn: arn("kms"), keyId: `${name}-key-id` };
    case "aws:iam/role:Role": return { name: `${name}-abc123`, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}` };
    case "aws:lb/loadBalancer:LoadBalancer": return { arn: arn("elasticloadbalancing"), dnsName: `${name}-0123.elb.eu-west-1.amazonaws.com` };
    case "aws:ec2/launchTemplate:LaunchTemplate": return { latestVersion: 1 };
    case "aws:autoscaling/group:Group": return { name: `${name}-abc123` };
    case "tls:index/privateKey:PrivateKey": return { privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${name}\n-----END PRIVATE KEY-----\n` };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert": return { certPem: `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n` };
    case "tls:index/certRequest:CertRequest": return { certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\n${name}\n-----END CERTIFICATE REQUEST-----\n` };
    case "vault:appRole/authBackendRole:AuthBackendRole": return { roleId: `${inputs.roleName}-role-id` };
    case "vault:appRole/authBackendRoleSecretId:AuthBackendRoleSecretId": return { secretId: `${inputs.roleName}-secret-id`, accessor: `${name}-accessor` };
    case "vault:index/token:Token": return { clientToken: `hvs.${name}-token` };
    case "kubernetes:core/v1:Secret": return { data: { token: Buffer.from(`jwt-${name}`).toString("base64"), "ca.crt": Buffer.from("k8s-ca").toString("base64") } };
    default: return { arn: arn(type.split(":")[1]?.split("/")[0] ?? "unknown") };
  }
}

export const MOCKS: pulumi.runtime.Mocks = {
  newResource: (args) => {
    inputsByResource.set(`${args.type}::${args.name}`, args.inputs);
    return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs) } };
  },
  // The program makes no invokes (account and partition come from the role ARN); a new one must get a mock here.
  call: (args) => {
    throw new Error(`no mock result for invoke ${args.token}; add one in offline/runtime.ts`);
  },
};

/** The config of a stack file as Pulumi hands it to the program: objects JSON-encoded. */
export function stackFileConfig(file: string): RawConfig {
  if (!fs.existsSync(file)) throw new ConfigError(`no stack file ${file}; create it or pick another --stack`);
  let document: { config?: Record<string, unknown> } | undefined;
  try {
    document = yaml.load(fs.readFileSync(file, "utf8")) as typeof document;
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    throw new ConfigError(`${file} is not valid YAML: ${error.reason} at line ${error.mark.line + 1}; fix the file`);
  }
  return encodeConfig(document?.config ?? {});
}

/** The config of this project's `Pulumi.<stack>.yaml`. */
export function stackConfig(stack: string): RawConfig {
  return stackFileConfig(path.join(ROOT, `Pulumi.${stack}.yaml`));
}

export function encodeConfig(config: Record<string, unknown>): RawConfig {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

/** What the last run registered, also when it failed. */
export function lastRegistrations(): Registration[] {
  return [...current];
}

/** Runs the program with this raw configuration and returns every registration and the outputs. */
export async function runProgram(config: RawConfig, stack = "dev", env: NodeJS.ProcessEnv = {}, options: PlatformOptions = {}): Promise<ProgramRun> {
  current = [];
  inputsByResource.clear();
  await pulumi.runtime.setMocks(MOCKS, "vault-platform", stack, false);
  pulumi.runtime.setAllConfig(config);
  let outputs: PlatformOutputs = {};
  const settled = new Promise<void>((resolve) => { stackOutputsRegistered = resolve; });
  const resolved = (await pulumi.runtime.runInPulumiStack(async () => {
    outputs = createPlatform(parseConfig(pulumi.runtime.allConfig(), { env }), options);
    return outputs;
  })) ?? {};
  // The next run replaces the mock monitor; let this stack finish with the current one, every
  // registration included (as the Pulumi runner does before it exits).
  await settled;
  await pulumi.runtime.disconnect();
  return { registrations: current, outputs, resolved };
}

const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

/** True when an input reached the engine marked secret. */
export function isSecretInput(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** The value of an input, unwrapped from its secret marker if it has one. */
export function plain(value: any): any {
  return isSecretInput(value) ? value.value : value;
}

/** Resolves an Output's value (mocks resolve everything, secrets included). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => { resolve(value); return value; }));
}

export function ofType(run: ProgramRun, type: string): Registration[] {
  return run.registrations.filter((registration) => registration.type === type);
}

export function one(run: ProgramRun, type: string): Registration {
  const found = ofType(run, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}
