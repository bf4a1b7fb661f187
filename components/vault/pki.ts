import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { PkiConfig } from "../../config";
import { pkiKeyBits, pkiRoleSettings } from "../../config/engines";
import type { Secret } from "../../lib/secret";
import { seconds, VaultComponentArgs } from "./common";
import { componentArgs } from "../componentType";

export interface PkiEngineArgs extends VaultComponentArgs {
  /** `vault-platform:engines.pki`: the root, the intermediate and the roles. */
  pki: PkiConfig;
  /** `vault-platform:secrets`, for an imported root's PEM bundle. */
  secrets: Record<string, Secret>;
  /** Vault's https address: the certificates name their issuer's certificate and CRL under it. */
  vaultAddress: pulumi.Input<string>;
}

/**
 * The certificate chain of the mTLS mesh: a root CA (generated inside Vault, its key never leaving it, or
 * imported once from a PEM bundle) on one mount, an intermediate on another whose key Vault generates
 * and the root signs, and one role per declared kind of leaf. Consumers granted a role issue or sign
 * leaves at `<intermediate>/issue|sign/<role>` (config/grants.ts). Both mounts and the root are
 * protected: deleting one destroys the CA keys and every certificate record.
 */
export class PkiEngine extends pulumi.ComponentResource {
  /** The intermediate's certificate then the root's (PEM): what clients trust. Not secret. */
  readonly caChain: pulumi.Output<string>;

  constructor(name: string, args: PkiEngineArgs, opts?: pulumi.ComponentResourceOptions) {
    super(...componentArgs("vault", "PkiEngine", name, opts));
    const { pki } = args;
    const child = { parent: this, provider: args.provider, dependsOn: args.after };
    const address = pulumi.output(args.vaultAddress);
    // The issuing-certificate and CRL URLs each certificate carries: set before anything is signed on the mount.
    const urls = (mount: vault.Mount, label: string) => new vault.pkisecret.SecretBackendConfigUrls(`${name}-${label}-urls`, {
      backend: mount.path,
      issuingCertificates: [pulumi.interpolate`${address}/v1/${mount.path}/ca`],
      crlDistributionPoints: [pulumi.interpolate`${address}/v1/${mount.path}/crl`],
    }, child);

    const rootMount = new vault.Mount(`${name}-root`, {
      path: pki.rootPath,
      type: "pki",
      description: "Root CA of the mTLS chain, managed by vault-platform",
      // The longest thing signed here: the root itself, or (imported root) the intermediate.
      maxLeaseTtlSeconds: seconds("commonName" in pki.root ? pki.root.ttl : pki.intermediate.ttl),
    }, { ...child, protect: true });
    const rootUrls = urls(rootMount, "root");
    const root = "commonName" in pki.root
      ? new vault.pkisecret.SecretBackendRootCert(`${name}-root-ca`, {
        backend: rootMount.path,
        type: "internal",
        commonName: pki.root.commonName,
        ttl: String(pki.root.ttl),
        keyType: pki.root.keyType,
        keyBits: pkiKeyBits(pki.root.keyType, pki.root.keyBits),
      }, { ...child, protect: true })
      : new vault.pkisecret.SecretBackendConfigCa(`${name}-root-ca`, {
        backend: rootMount.path,
        pemBundle: pulumi.secret(args.secrets[pki.root.importedBundleSecret].reveal()),
      }, { ...child, protect: true });

    const intermediateMount = new vault.Mount(`${name}-intermediate`, {
      path: pki.intermediatePath,
      type: "pki",
      description: "Intermediate CA of the mTLS chain (issues the leaves), managed by vault-platform",
      maxLeaseTtlSeconds: seconds(pki.intermediate.ttl),
    }, { ...child, protect: true });
    const intermediateUrls = urls(intermediateMount, "intermediate");
    const request = new vault.pkisecret.SecretBackendIntermediateCertRequest(`${name}-intermediate-csr`, {
      backend: intermediateMount.path,
      type: "internal",
      commonName: pki.intermediate.commonName,
      keyType: pki.intermediate.keyType,
      keyBits: pkiKeyBits(pki.intermediate.keyType, pki.intermediate.keyBits),
    }, child);
    const signed = new vault.pkisecret.SecretBackendRootSignIntermediate(`${name}-intermediate-signed`, {
      backend: rootMount.path,
      csr: request.csr,
      commonName: pki.intermediate.commonName,
      ttl: String(pki.intermediate.ttl),
    }, { ...child, dependsOn: [...(args.after ?? []), root, rootUrls] });
    // The bundle (intermediate and root): Vault then answers each leaf's whole chain in ca_chain.
    const installed = new vault.pkisecret.SecretBackendIntermediateSetSigned(`${name}-intermediate-ca`, {
      backend: intermediateMount.path,
      certificate: signed.certificateBundle,
    }, child);

    for (const role of pki.roles) {
      new vault.pkisecret.SecretBackendRole(`${name}-role-${role.name}`, {
        backend: intermediateMount.path,
        name: role.name,
        ...pkiRoleSettings(role),
      }, { ...child, dependsOn: [...(args.after ?? []), installed, intermediateUrls] });
    }

    this.caChain = signed.certificateBundle;
    this.registerOutputs({ caChain: this.caChain });
  }
}
