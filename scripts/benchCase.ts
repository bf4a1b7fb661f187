/**
 * One benchmark measurement, in its own process so memory and caches do not leak between cases:
 * `ours` runs the real program under the mock runtime; `baseline` registers the same custom resources,
 * with the same SDK classes, inputs and explicit providers, directly (no components, no validation, no
 * access checks, no outputs wired between resources). Both are timed until every registration has
 * reached the engine, as the Pulumi runner waits for them before it exits.
 * Prints one JSON line: custom resources registered (providers aside), milliseconds, peak RSS.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as vault from "@pulumi/vault";
import * as fs from "fs";
import { parseArgs } from "util";
import { parseConfig, PlatformConfig, PROJECT, stackConfig, withVaultLayerOn } from "../config";
import { generatedTenants } from "./generatedTenants";
import { lastRegistrations, MOCKS, Registration, runPlatform, unwrapSecret } from "../offline/runtime";
import { ResourceClass, sdkClasses } from "./sdkClasses";

/** One explicit provider per package, as the program has. */
function explicitProviders(): Record<string, pulumi.ProviderResource> {
  return {
    aws: new aws.Provider("aws", { region: "eu-west-1" }),
    tls: new tls.Provider("tls", {}),
    vault: new vault.Provider("vault", { address: "https://vault.example.internal:8200", token: pulumi.secret("hvs.bench") }),
    kubernetes: new k8s.Provider("kubernetes", {}),
  };
}

/** The stack with the Vault layer on and `consumers` generated tenants (mixed bindings, one tenant policy each), parsed once. */
function benchConfig(stack: string, consumers: number | undefined): PlatformConfig {
  const generated = consumers === undefined ? undefined : generatedTenants(consumers);
  return withVaultLayerOn(parseConfig(stackConfig(stack), { env: {}, overrides: { consumers: generated } }), "hvs.bench");
}

/** The baseline: the same resources, inputs and explicit providers, registered in one flat loop. */
async function registerDirectly(replay: Registration[], stack: string, classOf: (type: string) => ResourceClass): Promise<void> {
  await pulumi.runtime.setMocks(MOCKS, PROJECT, stack, false);
  await pulumi.runtime.runInPulumiStack(async () => {
    const providers = explicitProviders();
    for (const resource of replay) {
      const props = Object.fromEntries(Object.entries(resource.inputs).map(([key, value]) => [key, unwrapSecret(value)]));
      const ResourceType = classOf(resource.type);
      new ResourceType(resource.name, props, { provider: providers[resource.type.split(":")[0]] });
    }
  });
  await pulumi.runtime.disconnect();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    stack: { type: "string", default: "dev" }, consumers: { type: "string" }, mode: { type: "string", default: "ours" }, registrations: { type: "string" },
  } });
  const consumers = values.consumers === undefined ? undefined : Number(values.consumers);
  const stack = values.stack!;
  // Both modes load the SDK modules (which load lazily on first use) before the clock starts.
  const classOf = sdkClasses();
  const replay = values.mode === "ours" ? [] : JSON.parse(fs.readFileSync(values.registrations!, "utf8")) as Registration[];
  const started = process.hrtime.bigint();
  if (values.mode === "ours") await runPlatform(benchConfig(stack, consumers), stack);
  else await registerDirectly(replay, stack, classOf);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const registrations = lastRegistrations().filter((registration) => registration.custom && !registration.type.startsWith("pulumi:providers:"));
  if (values.mode === "ours" && values.registrations) fs.writeFileSync(values.registrations, JSON.stringify(registrations));
  process.stdout.write(JSON.stringify({ registered: registrations.length, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + "\n");
}

void main();
