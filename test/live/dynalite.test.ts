/** The DynamoDB emulator the cluster suite runs must outlive a client killed mid-request, as DynamoDB does. */
import { strict as assert } from "assert";
import * as net from "net";
import * as path from "path";
import { freeLoopbackPort } from "./devVault";
import { startTypeScriptProcess, stopProcess, waitFor } from "./processes";
import { awsJsonCall } from "./emulators";

describe("live: dynalite as the cluster suite runs it", () => {
  it("keeps serving after a client dies in the middle of a request", async function () {
    this.timeout(30_000);
    const port = await freeLoopbackPort();
    const dynalite = startTypeScriptProcess("dynalite-abort", path.join(__dirname, "dynaliteServer.ts"), ["--host", "127.0.0.1", "--port", String(port), "--createTableMs", "0"]);
    const listTables = () => awsJsonCall(`http://127.0.0.1:${port}`, "DynamoDB_20120810.ListTables", "1.0", {});
    try {
      await waitFor("dynalite to answer", async () => ((await listTables().catch(() => undefined))?.status === 200 ? true : undefined), 15_000);
      // Half a request, then the connection is gone: what a node killed with SIGKILL leaves behind.
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => {
          socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{\"TableName\":");
          setTimeout(() => { socket.destroy(); resolve(); }, 200);
        });
        socket.on("error", reject);
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.ok(!dynalite.hasExited(), "dynalite exited when a client aborted its request");
      assert.equal((await listTables()).status, 200);
    } finally {
      await stopProcess(dynalite);
    }
  });
});
