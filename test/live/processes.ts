/**
 * Every process and namespace the live suites start goes through here, so that all of them are
 * stopped by the PID (process group) we started, with bounded waits, even when a test fails or the
 * runner is interrupted: `stopEverything` runs as a root `afterAll` hook, and a synchronous SIGKILL
 * sweep runs when the Node process exits for any reason.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ManagedProcess {
  name: string;
  pid: number;
  /** stdout and stderr of the process, for failure messages. */
  logFile: string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  hasExited(): boolean;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run inside this network namespace (`ip netns exec`, which execs: the PID stays the same). */
  netns?: string;
}

const PROJECT_ROOT = path.resolve(__dirname, "../..");
const running = new Set<ManagedProcess>();
const cleanups: Array<{ description: string; run: () => void }> = [];
let logRoot: string | undefined;

/** A fresh folder for this run's process logs and files. */
export function runDirectory(): string {
  logRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-live-"));
  return logRoot;
}

/** Starts a process in its own process group, with its output in a log file. */
export function startProcess(name: string, command: string, args: string[], options: StartOptions = {}): ManagedProcess {
  const logFile = path.join(runDirectory(), `${name}-${Date.now()}.log`);
  const log = fs.openSync(logFile, "a");
  const [file, argv] = options.netns ? ["ip", ["netns", "exec", options.netns, command, ...args]] : [command, args];
  const child = spawn(file, argv, { env: options.env ?? process.env, cwd: options.cwd, detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  let ended = false;
  const managed: ManagedProcess = {
    name,
    pid: child.pid,
    logFile,
    hasExited: () => ended,
    exited: new Promise((resolve) => child.once("exit", (code, signal) => {
      ended = true;
      running.delete(managed);
      resolve(code ?? signal ?? "unknown");
    })),
  };
  child.once("error", () => undefined);
  running.add(managed);
  return managed;
}

/** Starts one of this project's TypeScript files as a process of its own (a fake server in a namespace, say). */
export function startTypeScriptProcess(name: string, file: string, args: string[], options: StartOptions = {}): ManagedProcess {
  return startProcess(name, process.execPath, ["-r", "ts-node/register/transpile-only", file, ...args], { cwd: PROJECT_ROOT, ...options });
}

/** The tail of a process's log, for assertion messages. */
export function logTail(managed: ManagedProcess, lines = 30): string {
  return fs.readFileSync(managed.logFile, "utf8").split("\n").slice(-lines).join("\n");
}

/** Signals the process group, waits at most `graceMs`, then SIGKILLs it and waits again (bounded). */
export async function stopProcess(managed: ManagedProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
  if (managed.hasExited()) return;
  signalGroup(managed.pid, signal);
  if (await settlesWithin(managed.exited, graceMs)) return;
  signalGroup(managed.pid, "SIGKILL");
  if (!(await settlesWithin(managed.exited, 5_000))) throw new Error(`${managed.name} (pid ${managed.pid}) did not exit after SIGKILL`);
}

/** Registers something to undo when the suite ends (namespaces, links); runs in reverse order. */
export function registerCleanup(description: string, run: () => void): void {
  cleanups.push({ description, run });
}

/** Stops every process still running and runs every cleanup; reports what failed instead of hiding it. */
export async function stopEverything(): Promise<void> {
  const failures: string[] = [];
  await Promise.all([...running].map((managed) => stopProcess(managed).catch((error) => failures.push(String(error)))));
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup.run();
    } catch (error) {
      failures.push(`${cleanup.description}: ${error}`);
    }
  }
  if (failures.length > 0) throw new Error(`cleanup failed:\n${failures.join("\n")}`);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error: any) {
    if (error.code !== "ESRCH") throw error;
  }
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns a value other than undefined; fails after `timeoutMs` naming `description`. */
export async function waitFor<T>(description: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${lastError ? ` (last error: ${lastError})` : ""}`);
}

/** Runs a command to completion (bounded), throwing with its output when it fails. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): string {
  const result = spawnSync(command, args, { env: options.env ?? process.env, input: options.input, encoding: "utf8", timeout: options.timeoutMs ?? 60_000 });
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

// A last resort for a runner that dies or is interrupted: nothing we started may outlive it.
process.once("exit", () => {
  for (const managed of running) signalGroup(managed.pid, "SIGKILL");
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup.run();
    } catch {
      // Exiting anyway; the afterAll hook reports cleanup failures when it gets to run.
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
