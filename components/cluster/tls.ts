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
}

const CA_VALIDITY_HOURS = 10 * 365 * 24;
const SERVER_VALIDITY_HOURS = 365 * 24;
const EARLY_RENEWAL_HOURS = 30 * 24;

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
    const version = new aws.secretsmanager.SecretVersion(`${name}-bundle`, {
      secretId: secret.id,
      secretString: pulumi.secret(
        pulumi.all([server.certPem, serverKey.privateKeyPem, ca.certPem]).apply(([certificate, privateKey, caCertificate]) =>
          JSON.stringify({ certificate, privateKey, caCertificate })),
      ),
    }, awsChild);

    this.caCertificate = ca.certPem;
    this.secretArn = secret.arn;
    this.secretVersionId = version.versionId;
    this.registerOutputs({ caCertificate: this.caCertificate, secretArn: this.secretArn, secretVersionId: this.secretVersionId });
  }
}
