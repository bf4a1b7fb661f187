/**
 * A real PostgreSQL 15 server from Debian's packages for the live suites: its own data directory under the
 * run directory, listening on 127.0.0.1 only (a free port) with its socket in that directory, password
 * (SCRAM) authentication everywhere, started and stopped by PID through ./processes.ts. PostgreSQL refuses
 * to run as root, so initdb and the server run as the `postgres` user (setpriv execs: the PID we stop is
 * the postmaster's own).
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freeLoopbackPort } from "./devVault";
import { logTail, ManagedProcess, run, runDirectory, startProcess, stopProcess, waitFor } from "./processes";

export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";
const STARTUP_TIMEOUT_MS = 30_000;

export interface PostgresLogin {
  user: string;
  password: string;
  database?: string;
}

export interface PostgresServer {
  port: number;
  /** The server's superuser (`postgres`), for the test's own checks. */
  superuser: PostgresLogin;
  /** Runs SQL as `login` through psql (bounded); returns the rows unaligned, or the failure. */
  query(login: PostgresLogin, sql: string): { ok: boolean; output: string };
  stop(): Promise<void>;
}

/** A random password of letters and digits (nothing psql or a connection URL would need to escape). */
export function randomPassword(): string {
  return crypto.randomBytes(24).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 24);
}

/** Starts the server; the caller stops it (and ./processes.ts does when the suite ends, whatever happened). */
export async function startPostgres(): Promise<PostgresServer> {
  const postgresUser = os.userInfo().uid === 0 ? lookupUser("postgres") : undefined;
  if (postgresUser === undefined) throw new Error("the PostgreSQL suite runs as root and starts the server as the postgres user (apt-get install postgresql)");
  const asPostgres = ["--reuid", String(postgresUser.uid), "--regid", String(postgresUser.gid), "--init-groups", "--"];
  // The server must reach its directory: the run directory lets the postgres group through, no one else.
  fs.chownSync(runDirectory(), 0, postgresUser.gid);
  fs.chmodSync(runDirectory(), 0o710);
  const home = fs.mkdtempSync(path.join(runDirectory(), "postgres-"));
  fs.chownSync(home, postgresUser.uid, postgresUser.gid);
  const dataDir = path.join(home, "data");
  const superuser: PostgresLogin = { user: "postgres", password: randomPassword() };
  const passwordFile = path.join(home, "superuser-password");
  fs.writeFileSync(passwordFile, superuser.password, { mode: 0o600 });
  fs.chownSync(passwordFile, postgresUser.uid, postgresUser.gid);
  try {
    run("setpriv", [...asPostgres, `${POSTGRES_BIN}/initdb`, "-D", dataDir, "-U", superuser.user, "--auth=scram-sha-256", `--pwfile=${passwordFile}`, "--encoding=UTF8", "--no-instructions"]);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
  const port = await freeLoopbackPort();
  const server: ManagedProcess = startProcess("postgres", "setpriv", [...asPostgres, `${POSTGRES_BIN}/postgres`, "-D", dataDir,
    "-c", "listen_addresses=127.0.0.1", "-c", `port=${port}`, "-c", `unix_socket_directories=${home}`, "-c", "log_connections=on"]);

  const query = (login: PostgresLogin, sql: string) => {
    const result = spawnSync(`${POSTGRES_BIN}/psql`, ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", login.user, "-d", login.database ?? "postgres", "-c", sql], {
      env: { ...process.env, PGPASSWORD: login.password, PGCONNECT_TIMEOUT: "5" }, encoding: "utf8", timeout: 15_000,
    });
    return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
  };
  await waitFor("PostgreSQL to accept connections", async () => {
    if (server.hasExited()) throw new Error(`postgres exited:\n${logTail(server)}`);
    return query(superuser, "select 1").ok ? true : undefined;
  }, STARTUP_TIMEOUT_MS, 200);
  // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for Vault's pooled connections to close).
  return { port, superuser, query, stop: () => stopProcess(server, "SIGINT") };
}

function lookupUser(name: string): { uid: number; gid: number } | undefined {
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((entry) => entry.startsWith(`${name}:`));
  if (line === undefined) return undefined;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}
