import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import * as vault from "@pulumi/vault";
import * as fs from "fs";
import * as path from "path";
import { verifyAccess } from "./access";
import { VaultCluster } from "./components/cluster";
import { VaultConfiguration } from "./components/vault";
import { ConfigError, PlatformConfig, PROJECT, PROJECT_ROOT } from "./config";
import { cacheDirectory } from "./lib/cacheDirectory";

/** The stack outputs; secrets stay Pulumi secrets. */
export interface PlatformOutputs {
  vaultAddress?: pulumi.Output<string>;
  loadBalancerDnsName?: pulumi.Output<string>;
  caCertificate?: pulumi.Output<string>;
  kmsKeyArn?: pulumi.Output<string>;
  storageTable?: pulumi.Output<string>;
  backupVault?: pulumi.Output<string>;
  backupPlanId?: pulumi.Output<string>;
  autoScalingGroup?: pulumi.Output<string>;
  alarmTopicArn?: pulumi.Output<string>;
  failoverSeconds?: number;
  apisixVault?: VaultConfiguration["apisixVault"];
  kesKeystore?: VaultConfiguration["kesKeystore"];
  kubernetesRoles?: VaultConfiguration["kubernetesRoles"];
  delivery?: VaultConfiguration["delivery"];
  approles?: VaultConfiguration["approles"];
  tokens?: VaultConfiguration["tokens"];
  pkiCaChain?: VaultConfiguration["pkiCaChain"];
}

/**
 * The Vault provider reads its CA from a file; the cluster's CA only exists as an output, so it is
 * written to a per-stack file once known: in the user's own cache folder (mode 0700), never a shared
 * path such as /tmp where another local user could plant a CA first. The path is stable, so the
 * provider's configuration does not change between runs.
 */
function caFileFor(stack: string, caCertificate: pulumi.Output<string>): pulumi.Output<string> {
  return caCertificate.apply((pem) => {
    const directory = path.join(cacheDirectory(), "stacks", stack);
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    fs.chmodSync(directory, 0o700);
    const file = path.join(directory, "ca.pem");
    fs.writeFileSync(file, pem, { mode: 0o600 });
    return file;
  });
}

/**
 * The CA of an existing Vault (`vault.caCertFile`), which its clients in Kubernetes must trust as the
 * provider does. Before the file exists (an offline plan of the local stack before `npm start` makes it)
 * nothing can reach that Vault yet, the provider included; the layer is then declared without it.
 */
function trustedCaFile(file: string | undefined): string | undefined {
  const resolved = file === undefined ? undefined : path.resolve(PROJECT_ROOT, file);
  return resolved !== undefined && fs.existsSync(resolved) ? fs.readFileSync(resolved, "utf8") : undefined;
}

export interface PlatformOptions {
  /** Refuse to build when an access check fails (default). `npm run plan` turns it off to report instead. */
  enforceAccess?: boolean;
}

/** Builds every component from validated configuration and returns the stack outputs. */
export function createPlatform(config: PlatformConfig, { enforceAccess = true }: PlatformOptions = {}): PlatformOutputs {
  if (enforceAccess) {
    const { problems } = verifyAccess(config.vaultLayer);
    if (problems.length > 0) {
      throw new ConfigError(`Access check failed (${problems.length}); fix the policy or the expectation, then run \`npm run plan\`:\n${problems.map((problem) => `- ${problem}`).join("\n")}`);
    }
  }
  const stack = pulumi.getStack();
  const outputs: PlatformOutputs = {};
  let vaultAddress: pulumi.Input<string> | undefined = config.vault.address;
  let caCertificate: pulumi.Output<string> | undefined;

  if (config.cluster.enabled) {
    const cluster = new VaultCluster("vault", {
      cluster: config.cluster, region: config.region, namePrefix: `vault-${stack}`, auditLogPath: config.audit.path, awsEngine: config.vaultLayer.engines.aws,
      kubernetesApi: config.kubernetes.enabled
        ? { port: Number(new URL(config.kubernetes.host!).port || 443), cidrs: config.kubernetes.apiServerCidrs }
        : undefined,
      provider: new aws.Provider("aws", {
        region: config.region as aws.Region,
        defaultTags: { tags: { Project: PROJECT, Stack: stack, ManagedBy: "pulumi" } },
      }),
      tlsProvider: new tls.Provider("tls", {}),
    });
    Object.assign(outputs, {
      vaultAddress: cluster.vaultAddress, loadBalancerDnsName: cluster.loadBalancerDnsName, caCertificate: cluster.caCertificate,
      kmsKeyArn: cluster.kmsKeyArn, storageTable: cluster.storageTable, backupVault: cluster.backupVault, backupPlanId: cluster.backupPlanId,
      autoScalingGroup: cluster.autoScalingGroup, alarmTopicArn: cluster.alarmTopicArn, failoverSeconds: cluster.failoverSeconds,
    });
    vaultAddress = config.vault.address ?? cluster.vaultAddress;
    caCertificate = cluster.caCertificate;
  }

  if (config.vault.configure) {
    const login = config.vaultLayer.login;
    const provider = new vault.Provider("vault", {
      address: vaultAddress!,
      // The provisioner's own account when the stack declares one: it logs in, and no token is configured at all.
      ...(login
        ? { authLoginUserpass: { mount: login.path, username: login.username, password: pulumi.secret(config.vaultLayer.secrets[login.passwordSecret].reveal()) } }
        : { token: config.vaultToken! }),
      // Relative to the project folder, as every file the config names, wherever the provider runs.
      caCertFile: config.vault.caCertFile !== undefined ? path.resolve(PROJECT_ROOT, config.vault.caCertFile) : caCertificate ? caFileFor(stack, caCertificate) : undefined,
      maxLeaseTtlSeconds: config.vault.providerTokenTtlSeconds,
    });
    const kubernetesProvider = config.kubernetes.enabled && !config.kubernetes.reviewer ? new k8s.Provider("kubernetes", { context: config.kubernetes.context }) : undefined;
    const layer = new VaultConfiguration("vault-config", { layer: config.vaultLayer, provider, kubernetesProvider, vaultAddress: vaultAddress!, caCertificate: caCertificate ?? trustedCaFile(config.vault.caCertFile) });
    Object.assign(outputs, {
      apisixVault: layer.apisixVault, kesKeystore: layer.kesKeystore, kubernetesRoles: layer.kubernetesRoles, delivery: layer.delivery,
      approles: layer.approles, tokens: layer.tokens,
      // Only with the PKI engine: an undefined output is reported on every run.
      ...(layer.pkiCaChain ? { pkiCaChain: layer.pkiCaChain } : {}),
    });
  }
  return outputs;
}
