/**
 * Servers `npm start` leaves running for `npm stop` to end: each in its own process group, its output in
 * files, and a PID file that also records the process's start time, so that `npm stop` signals the
 * process it started and never one that later got the same PID.
 */
import { spawn } from "child_process";
import * as fs from "fs";

export interface BackgroundProcess {
  pid: number;
}

interface PidFile {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: the start time in clock ticks since boot. */
  startTime: string;
  command: string;
}

/** The fields of /proc/<pid>/stat after the command name (which is in parentheses and may hold spaces): [0] is the state, [19] the start time. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

const startTimeOf = (pid: number): string | undefined => statFields(pid)?.[19];

/** True while the process exists and is not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== "Z";
}

/** The process a PID file names, when it is still that process (same PID and start time). */
export function runningFromPidFile(pidFile: string): BackgroundProcess | undefined {
  if (!fs.existsSync(pidFile)) return undefined;
  const recorded = JSON.parse(fs.readFileSync(pidFile, "utf8")) as PidFile;
  return startTimeOf(recorded.pid) === recorded.startTime ? { pid: recorded.pid } : undefined;
}

/** Starts `command` detached (its own process group), stdout and stderr appended to files, and writes its PID file. */
export function startInBackground(name: string, command: string, args: string[], files: { pidFile: string; stdout: string; stderr: string }, env: NodeJS.ProcessEnv): BackgroundProcess {
  const stdout = fs.openSync(files.stdout, "a", 0o600);
  const stderr = fs.openSync(files.stderr, "a", 0o600);
  const child = spawn(command, args, { detached: true, stdio: ["ignore", stdout, stderr], env });
  fs.closeSync(stdout);
  fs.closeSync(stderr);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  child.unref();
  const startTime = startTimeOf(child.pid);
  if (startTime === undefined) throw new Error(`${name} exited at once; see ${files.stderr}`);
  fs.writeFileSync(files.pidFile, JSON.stringify({ pid: child.pid, startTime, command } satisfies PidFile), { mode: 0o600 });
  return { pid: child.pid };
}

/**
 * Ends the process a PID file names (SIGTERM to its group, SIGKILL after `graceMs`, both bounded) and
 * removes the file. Returns false when nothing was running.
 */
export async function stopFromPidFile(name: string, pidFile: string, graceMs = 10_000): Promise<boolean> {
  const running = runningFromPidFile(pidFile);
  if (running) {
    for (const [signal, waitMs] of [["SIGTERM", graceMs], ["SIGKILL", 5_000]] as const) {
      try {
        process.kill(-running.pid, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
      const deadline = Date.now() + waitMs;
      while (isAlive(running.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      if (!isAlive(running.pid)) break;
    }
    if (isAlive(running.pid)) throw new Error(`${name} (pid ${running.pid}) did not exit after SIGKILL`);
  }
  fs.rmSync(pidFile, { force: true });
  return running !== undefined;
}
