/**
 * A real OpenLDAP directory for the live suite: Debian's slapd, run as our own instance (own slapd.conf,
 * own MDB database under the run directory, LDAPS only on a free loopback port, a CA made here with
 * openssl), loaded with slapadd before it starts and stopped by its PID. Never the package's own service.
 */
import * as fs from "fs";
import * as path from "path";
import { freeLoopbackPort } from "./devVault";
import { logTail, ManagedProcess, run, startProcess, stopProcess, waitFor } from "./processes";
import { makeLoopbackCertificates } from "./loopbackTls";

export const SUFFIX = "dc=example,dc=org";
export const PEOPLE_DN = `ou=people,${SUFFIX}`;
export const GROUPS_DN = `ou=groups,${SUFFIX}`;
/** The account Vault searches the directory as: it may read, nothing more. */
export const BIND_DN = `cn=vault,ou=services,${SUFFIX}`;
export const OPERATORS_GROUP = "vault-operators";

export interface DirectoryUser { uid: string; password: string; groups: string[] }

export interface Directory {
  /** ldaps://127.0.0.1:<port> */
  url: string;
  /** The CA that signed the directory's certificate, for Vault's `certificate` and ldapsearch. */
  caFile: string;
  process: ManagedProcess;
  /** Searches the directory as the bind account (ldapsearch over LDAPS, verifying the CA). */
  search(base: string, filter: string, bindPassword: string): string;
  stop(): Promise<void>;
}

/** Where Debian's slapd finds its schemas and modules. */
const SCHEMA_DIR = "/etc/ldap/schema";
const MODULE_DIR = "/usr/lib/ldap";
const START_TIMEOUT_MS = 20_000;

/** {SSHA} hash of a password, as slappasswd makes it (the directory never stores one in clear). */
const hashed = (password: string) => run("slappasswd", ["-s", password]).trim();

/** The entries: the suffix, people, groups (groupOfNames), the bind account. */
function entries(users: DirectoryUser[], bindPassword: string): string {
  const groups = [...new Set(users.flatMap((user) => user.groups))];
  const entry = (lines: string[]) => `${lines.join("\n")}\n`;
  return [
    entry([`dn: ${SUFFIX}`, "objectClass: dcObject", "objectClass: organization", "dc: example", "o: Example"]),
    entry([`dn: ${PEOPLE_DN}`, "objectClass: organizationalUnit", "ou: people"]),
    entry([`dn: ${GROUPS_DN}`, "objectClass: organizationalUnit", "ou: groups"]),
    entry([`dn: ou=services,${SUFFIX}`, "objectClass: organizationalUnit", "ou: services"]),
    entry([`dn: ${BIND_DN}`, "objectClass: organizationalRole", "objectClass: simpleSecurityObject", "cn: vault", `userPassword: ${hashed(bindPassword)}`]),
    ...users.map((user) => entry([`dn: uid=${user.uid},${PEOPLE_DN}`, "objectClass: inetOrgPerson", `uid: ${user.uid}`, `cn: ${user.uid}`, `sn: ${user.uid}`, `userPassword: ${hashed(user.password)}`])),
    ...groups.map((group) => entry([
      `dn: cn=${group},${GROUPS_DN}`, "objectClass: groupOfNames", `cn: ${group}`,
      ...users.filter((user) => user.groups.includes(group)).map((user) => `member: uid=${user.uid},${PEOPLE_DN}`),
    ])),
  ].join("\n");
}

/** slapd.conf: LDAPS with our certificate, one MDB database; anyone may bind, only the bind account may read, passwords compare only. */
function slapdConf(dir: string, certificates: { ca: string; cert: string; key: string }): string {
  return [
    ...["core", "cosine", "inetorgperson", "nis"].map((schema) => `include ${SCHEMA_DIR}/${schema}.schema`),
    `pidfile ${path.join(dir, "slapd.pid")}`,
    `argsfile ${path.join(dir, "slapd.args")}`,
    `modulepath ${MODULE_DIR}`,
    "moduleload back_mdb",
    `TLSCACertificateFile ${certificates.ca}`,
    `TLSCertificateFile ${certificates.cert}`,
    `TLSCertificateKeyFile ${certificates.key}`,
    "database mdb",
    "maxsize 16777216",
    `suffix "${SUFFIX}"`,
    `directory ${path.join(dir, "db")}`,
    `access to attrs=userPassword by anonymous auth by * none`,
    `access to * by dn.exact="${BIND_DN}" read by self read by * none`,
    "",
  ].join("\n");
}

/** Starts slapd on a free loopback port with these users, waiting (bounded) until an LDAPS search as the bind account answers. */
export async function startDirectory(dir: string, users: DirectoryUser[], bindPassword: string): Promise<Directory> {
  fs.mkdirSync(path.join(dir, "db"), { recursive: true });
  const certificates = makeLoopbackCertificates(dir, "vault-platform live LDAP CA");
  const conf = path.join(dir, "slapd.conf");
  fs.writeFileSync(conf, slapdConf(dir, certificates));
  fs.writeFileSync(path.join(dir, "entries.ldif"), entries(users, bindPassword));
  run("slapadd", ["-f", conf, "-l", path.join(dir, "entries.ldif")]);
  const url = `ldaps://127.0.0.1:${await freeLoopbackPort()}`;
  // -d keeps slapd in the foreground (so its PID is the one we stop); "stats" logs each bind and search.
  // Stopped by its PID (stopProcess, or the suite's stopEverything should a test fail).
  const slapd = startProcess("slapd", "/usr/sbin/slapd", ["-d", "stats", "-f", conf, "-h", `${url}/`]);
  const search = (base: string, filter: string, password: string) => run("ldapsearch", ["-LLL", "-H", url, "-x", "-D", BIND_DN, "-w", password, "-b", base, filter, "dn"], {
    env: { ...process.env, LDAPTLS_CACERT: certificates.ca, LDAPTLS_REQCERT: "demand" }, timeoutMs: 5_000,
  });
  await waitFor("slapd to answer an LDAPS search", async () => {
    if (slapd.hasExited()) throw new Error(`slapd exited: ${logTail(slapd)}`);
    return search(SUFFIX, "(objectClass=organization)", bindPassword).includes(SUFFIX) ? true : undefined;
  }, START_TIMEOUT_MS, 200);
  return { url, caFile: certificates.ca, process: slapd, search, stop: () => stopProcess(slapd) };
}
