/** Certificates for the servers the live suites start on loopback (a directory, an identity provider). */
import * as fs from "fs";
import * as path from "path";
import { run } from "./processes";

export interface LoopbackCertificates {
  /** The CA's certificate: what a client is told to trust. */
  ca: string;
  cert: string;
  key: string;
}

/** A CA named `caName` and a server certificate for 127.0.0.1 it signed, made with openssl in `dir`. */
export function makeLoopbackCertificates(dir: string, caName: string): LoopbackCertificates {
  const file = (name: string) => path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${caName}`, "-keyout", file("ca.key"), "-out", file("ca.crt")]);
  run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", file("server.key"), "-out", file("server.csr")]);
  fs.writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  run("openssl", ["x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("server.ext"), "-out", file("server.crt")]);
  return { ca: file("ca.crt"), cert: file("server.crt"), key: file("server.key") };
}
