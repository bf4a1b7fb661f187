/**
 * The cluster's CA and server certificate, made with the openssl CLI from exactly what the program
 * asks `@pulumi/tls` for (components/cluster/tls.ts): the curves, subjects, lifetimes, allowed uses
 * and the certificate request's DNS names and IP addresses, as registered in a mock run.
 */
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";

export interface CertificateSubject {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
}

export interface CertificateSpec {
  keyCurve: string;
  subject: CertificateSubject;
  validityHours: number;
  allowedUses: string[];
}

export interface ClusterTlsSpec {
  ca: CertificateSpec;
  server: CertificateSpec & { dnsNames: string[]; ipAddresses: string[] };
}

export interface ClusterTlsFiles {
  caCertificate: string;
  /** The server certificate followed by the CA's, as the bootstrap script writes vault.crt. */
  certificateFile: string;
  keyFile: string;
}

const OPENSSL_CURVES: Record<string, string> = { P256: "prime256v1", P384: "secp384r1", P521: "secp521r1" };
const SUBJECT_FIELDS: Record<string, string> = { organization: "O", organizationalUnit: "OU", commonName: "CN" };
const KEY_USAGES: Record<string, string> = {
  cert_signing: "keyCertSign", crl_signing: "cRLSign", digital_signature: "digitalSignature", key_encipherment: "keyEncipherment",
};
const EXTENDED_KEY_USAGES: Record<string, string> = { server_auth: "serverAuth", client_auth: "clientAuth" };

/** Runs openssl, bounded; its error output comes with the exception when it fails. */
function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 });
}

/** Writes the CA and the server's key and certificate chain into `directory`. */
export function makeClusterTls(spec: ClusterTlsSpec, directory: string): ClusterTlsFiles {
  fs.mkdirSync(directory, { recursive: true });
  const file = (name: string) => path.join(directory, name);
  makeKey(spec.ca.keyCurve, file("ca.key"));
  fs.writeFileSync(file("ca.cnf"), opensslConfig(spec.ca, ["basicConstraints = critical,CA:TRUE"]));
  openssl(["req", "-x509", "-new", "-key", file("ca.key"), "-config", file("ca.cnf"), "-days", days(spec.ca), "-out", file("ca.crt")]);

  makeKey(spec.server.keyCurve, file("vault.key"));
  const alternativeNames = [...spec.server.dnsNames.map((name) => `DNS:${name}`), ...spec.server.ipAddresses.map((ip) => `IP:${ip}`)];
  fs.writeFileSync(file("server.cnf"), opensslConfig(spec.server, ["basicConstraints = critical,CA:FALSE", `subjectAltName = ${alternativeNames.join(",")}`]));
  openssl(["req", "-new", "-key", file("vault.key"), "-config", file("server.cnf"), "-out", file("server.csr")]);
  openssl([
    "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial",
    "-days", days(spec.server), "-extfile", file("server.cnf"), "-extensions", "extensions", "-out", file("server.crt"),
  ]);
  const caCertificate = fs.readFileSync(file("ca.crt"), "utf8");
  fs.writeFileSync(file("vault.crt"), fs.readFileSync(file("server.crt"), "utf8") + caCertificate);
  return { caCertificate, certificateFile: file("vault.crt"), keyFile: file("vault.key") };
}

function makeKey(curve: string, keyFile: string): void {
  const name = OPENSSL_CURVES[curve];
  if (!name) throw new Error(`no openssl name for curve ${curve}`);
  openssl(["ecparam", "-name", name, "-genkey", "-noout", "-out", keyFile]);
}

function days(spec: CertificateSpec): string {
  return String(Math.ceil(spec.validityHours / 24));
}

/** A config with the subject and the extensions: the allowed uses as key usages, plus `extra`. */
function opensslConfig(spec: CertificateSpec, extra: string[]): string {
  const subject = Object.entries(spec.subject).map(([field, value]) => {
    if (!SUBJECT_FIELDS[field]) throw new Error(`no openssl name for subject field ${field}`);
    return `${SUBJECT_FIELDS[field]} = ${value}`;
  });
  const unknown = spec.allowedUses.filter((use) => !KEY_USAGES[use] && !EXTENDED_KEY_USAGES[use]);
  if (unknown.length > 0) throw new Error(`no openssl name for allowed use ${unknown.join(", ")}`);
  const usages = (names: Record<string, string>) => spec.allowedUses.filter((use) => names[use]).map((use) => names[use]);
  const extensions = [...extra, `keyUsage = critical,${usages(KEY_USAGES).join(",")}`];
  if (usages(EXTENDED_KEY_USAGES).length > 0) extensions.push(`extendedKeyUsage = ${usages(EXTENDED_KEY_USAGES).join(",")}`);
  return [
    "[req]", "prompt = no", "distinguished_name = subject", "x509_extensions = extensions", "req_extensions = extensions",
    "[subject]", ...subject, "[extensions]", ...extensions, "",
  ].join("\n");
}
