import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { ClusterComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface VaultTlsArgs extends ClusterComponentArgs {
  /** The TLS provider for the keys and certificates. */
  tlsProvider: tls.Provider;
  /** DNS names clients use: the load balancer's name and the optional domain. */
  dnsNames: pulumi.Input<string>[];
  /** Server certificate lifetime; renewed by `pulumi up` within the last 30 days. */
  validityHours?: number;
  /** The nodes' role: with the deployers, the only principals that may read the bundle. */
  nodeRoleArn: pulumi.Input<string>;
  /** Roles that run `pulumi up`: the provider reads the version back after writing it. */
  deployerRoleArns: string[];
}

const CA_VALIDITY_HOURS = 10 * 365 * 24;
const SERVER_VALIDITY_HOURS = 365 * 24;
const EARLY_RENEWAL_HOURS = 30 * 24;

/**
 * The bundle's resource policy. An explicit Deny outranks every IAM Allow, so a principal of the account
 * with a broad `secretsmanager:GetSecretValue` still cannot read the server's private key. The provider's
 * create and refresh call GetSecretValue, hence the deployers.
 */
export function tlsSecretPolicy(nodeRoleArn: string, deployerRoleArns: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Sid: "OnlyNodesAndDeployersRead",
      Effect: "Deny",
      Principal: "*",
      Action: "secretsmanager:GetSecretValue",
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [nodeRoleArn, ...deployerRoleArns] } },
    }],
  });
}

/**
 * A private CA and the nodes' server certificate. The bundle reaches the nodes through Secrets Manager
 * (read with the instance role), never through user-data; clients get only the CA certificate.
 */
export class VaultTls extends pulumi.ComponentResource {
  readonly caCertificate: pulumi.Output<string>;
  readonly secretArn: pulumi.Output<string>;
  /** The bundle's current version: changes whenever the certificate is renewed. */
  readonly secretVersionId: pulumi.Output<string>;

  constructor(name: string, args: VaultTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("cluster", "VaultTls", name, opts));
    const tlsChild = { parent: this, provider: args.tlsProvider };
    const subject = { organization: "vault-platform", organizationalUnit: args.namePrefix };
    const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P384" }, tlsChild);
    const ca = new tls.SelfSignedCert(`${name}-ca`, {
      privateKeyPem: caKey.privateKeyPem,
      isCaCertificate: true,
      subject: { ...subject, commonName: `${args.namePrefix} Vault CA` },
      validityPeriodHours: CA_VALIDITY_HOURS,
      allowedUses: ["cert_signing", "crl_signing"],
    }, tlsChild);
    const serverKey = new tls.PrivateKey(`${name}-server-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, tlsChild);
    const request = new tls.CertRequest(`${name}-server-csr`, {
      privateKeyPem: serverKey.privateKeyPem,
      subject: { ...subject, commonName: "vault" },
      dnsNames: [...args.dnsNames, "localhost"],
      ipAddresses: ["127.0.0.1"],
    }, tlsChild);
    const server = new tls.LocallySignedCert(`${name}-server`, {
      certRequestPem: request.certRequestPem,
      caPrivateKeyPem: caKey.privateKeyPem,
      caCertPem: ca.certPem,
      validityPeriodHours: args.validityHours ?? SERVER_VALIDITY_HOURS,
      earlyRenewalHours: EARLY_RENEWAL_HOURS,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    }, tlsChild);

    const awsChild = { parent: this, provider: args.provider };
    const secret = new aws.secretsmanager.Secret(`${name}-bundle`, {
      description: `Vault server TLS bundle (${args.namePrefix})`,
      recoveryWindowInDays: 7,
    }, awsChild);
    // The policy first: the private key is never stored in a secret without it.
    const readers = new aws.secretsmanager.SecretPolicy(`${name}-bundle`, {
      secretArn: secret.arn,
      policy: pulumi.output(args.nodeRoleArn).apply((role) => tlsSecretPolicy(role, args.deployerRoleArns)),
      blockPublicPolicy: true,
    }, awsChild);
    const version = new aws.secretsmanager.SecretVersion(`${name}-bundle`, {
      secretId: secret.id,
      secretString: pulumi.secret(
        pulumi.all([server.certPem, serverKey.privateKeyPem, ca.certPem]).apply(([certificate, privateKey, caCertificate]) =>
          JSON.stringify({ certificate, privateKey, caCertificate })),
      ),
    }, { ...awsChild, dependsOn: [readers] });

    this.caCertificate = ca.certPem;
    this.secretArn = secret.arn;
    this.secretVersionId = version.versionId;
    this.registerOutputs({ caCertificate: this.caCertificate, secretArn: this.secretArn, secretVersionId: this.secretVersionId });
  }
}
