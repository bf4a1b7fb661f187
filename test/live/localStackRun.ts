/**
 * What every live suite that runs `npm start`'s local stack (local/localStack.ts) needs: its own folder
 * and free loopback ports instead of the user's .local/ and ports, and its servers killed by their PID
 * files should the runner die.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigKey, declaredLogin, stackConfig } from "../../config";
import { engineLayout, stateFile } from "../../local/engine";
import { LOCAL_STACK } from "../../local/localStack";
import { runningFromPidFile } from "../../local/backgroundProcess";
import { localLayout, LocalLayout } from "../../local/localServers";
import { vaultCall, VaultEndpoint } from "../../local/vaultHttp";
import { freeLoopbackPort } from "./devVault";
import { registerCleanup, runDirectory } from "./processes";

export interface LocalStackRun {
  root: string;
  layout: LocalLayout;
  /** The overrides that move the stack's URLs and files to this run's ports and folder. */
  overrides: Partial<Record<ConfigKey, unknown>>;
}

/** A folder under the run directory, free ports, and the cleanup of the servers npm start leaves running. */
export async function localStackRun(name: string): Promise<LocalStackRun> {
  const root = fs.mkdtempSync(path.join(runDirectory(), `${name}-`));
  const layout = localLayout(root);
  const overrides = {
    vault: { address: `https://127.0.0.1:${await freeLoopbackPort()}`, caCertFile: layout.vault.caFile },
    kubernetes: { host: `https://127.0.0.1:${await freeLoopbackPort()}`, reviewer: layout.kubernetes.reviewer },
  };
  registerCleanup(`the servers of ${name}`, () => {
    for (const pidFile of [layout.vault.pidFile, layout.kubernetes.pidFile]) {
      const running = runningFromPidFile(pidFile);
      try {
        if (running) process.kill(-running.pid, "SIGKILL");
      } catch (error) {
        // Gone between the PID file check and the signal.
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
    }
  });
  return { root, layout, overrides };
}

/** The provisioner's token as the Vault provider gets it: Pulumi.local.yaml's userpass login with the password npm start keeps in the folder. */
export async function provisionerLogin(layout: LocalLayout, endpoint: VaultEndpoint): Promise<string> {
  const login = declaredLogin(stackConfig(LOCAL_STACK));
  if (login === undefined) throw new Error(`Pulumi.${LOCAL_STACK}.yaml declares no vault.login`);
  const password = fs.readFileSync(layout.vault.provisionerPasswordFile, "utf8");
  return (await vaultCall(endpoint, "POST", `auth/${login.path}/login/${login.username}`, { body: { password } })).auth.client_token;
}

/** What the engine wrote for the run's stack: its state file and its stack file, as text, and the state's resources. */
export function engineWrites(root: string): { texts: string[]; resources: Array<{ type: string; inputs: any; outputs: any }> } {
  const state = fs.readFileSync(stateFile(engineLayout(root), LOCAL_STACK), "utf8");
  const stackFile = fs.readFileSync(path.join(engineLayout(root).projectDir, `Pulumi.${LOCAL_STACK}.yaml`), "utf8");
  return { texts: [state, stackFile], resources: JSON.parse(state).checkpoint.latest.resources };
}
