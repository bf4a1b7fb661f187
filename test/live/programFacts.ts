/**
 * What the cluster suite takes from the real program, run under the mock runtime: the rendered
 * vault.hcl, the table schema, the TLS it asks for, the target group's health check and the
 * failover figure it exports. The suite runs the cluster from these, so a change to the program is
 * a change to what is tested.
 */
import { parseHcl } from "../../acl/hcl";
import { renderedVaultConfig } from "../../scripts/planReport";
import { ProgramRun, runProgram, unwrapSecret } from "../../offline/runtime";
import { stackConfig } from "../../config";
import { ofType, onlyOfType } from "../programRun";
import { ClusterTlsSpec } from "../../local/tlsFiles";
import { TableSchema } from "./emulators";
import { AWS_TYPES, TLS_TYPES } from "../../components/resourceTypes";

export interface HealthCheck {
  path: string;
  matcher: string;
}

export interface StackFacts {
  stack: string;
  /** vault.hcl as every node renders it, with NODE_IP_PLACEHOLDER still in it. */
  vaultHcl: string;
  region: string;
  kmsKeyId: string;
  /** Where the listener reads its certificate chain and key. */
  tlsCertFile: string;
  tlsKeyFile: string;
  table: TableSchema;
  tls: ClusterTlsSpec;
  loadBalancerDnsName: string;
  healthCheck: HealthCheck;
  failoverSeconds: number;
}

/** Runs the program for `stack` and collects what the cluster suite needs. */
export async function stackFacts(stack: string): Promise<StackFacts> {
  const run = await runProgram(stackConfig(stack), stack);
  const vaultHcl = renderedVaultConfig(run.registrations);
  if (!vaultHcl) throw new Error(`the ${stack} stack renders no vault.hcl (is the cluster enabled?)`);
  const config = parseHcl(vaultHcl, "vault.hcl");
  const dynamodb = config.storage[0].dynamodb[0];
  const awskms = config.seal[0].awskms[0];
  const listener = config.listener[0].tcp[0];
  if (dynamodb.region !== awskms.region) throw new Error(`storage region ${dynamodb.region} differs from seal region ${awskms.region}`);
  const table = onlyOfType(run, AWS_TYPES.table).inputs;
  const healthCheck = onlyOfType(run, AWS_TYPES.targetGroup).inputs.healthCheck;
  return {
    stack,
    vaultHcl,
    region: dynamodb.region,
    kmsKeyId: awskms.kms_key_id,
    tlsCertFile: listener.tls_cert_file,
    tlsKeyFile: listener.tls_key_file,
    table: { name: dynamodb.table, hashKey: table.hashKey, rangeKey: table.rangeKey, attributes: table.attributes, billingMode: table.billingMode },
    tls: tlsSpec(run),
    loadBalancerDnsName: run.resolved.loadBalancerDnsName,
    healthCheck: { path: healthCheck.path, matcher: healthCheck.matcher },
    failoverSeconds: run.resolved.failoverSeconds,
  };
}

function tlsSpec(run: ProgramRun): ClusterTlsSpec {
  const keys = ofType(run, TLS_TYPES.privateKey);
  // The mock runtime's key placeholders carry the key's name, which links a certificate to its key.
  const curveOf = (pem: unknown) => {
    const key = keys.find((candidate) => String(unwrapSecret(pem)).includes(`\n${candidate.name}\n`));
    if (!key) throw new Error("a certificate's key is not among the registered private keys");
    return key.inputs.ecdsaCurve;
  };
  const ca = onlyOfType(run, TLS_TYPES.selfSignedCert).inputs;
  const request = onlyOfType(run, TLS_TYPES.certRequest).inputs;
  const signed = onlyOfType(run, TLS_TYPES.locallySignedCert).inputs;
  return {
    ca: { keyCurve: curveOf(ca.privateKeyPem), subject: ca.subject, validityHours: ca.validityPeriodHours, allowedUses: ca.allowedUses },
    server: {
      keyCurve: curveOf(request.privateKeyPem),
      subject: request.subject,
      validityHours: signed.validityPeriodHours,
      allowedUses: signed.allowedUses,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
    },
  };
}
