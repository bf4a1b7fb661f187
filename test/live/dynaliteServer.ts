/**
 * dynalite as the cluster suite runs it: its HTTP server, started as its CLI does, with one difference.
 * dynalite 4.0.0 throws from a request's "error" event (index.js, httpHandler), so a client that dies
 * mid-request (the suite's kill -9 of a node) takes the whole emulator down; DynamoDB does not go down
 * when a client does. That one error (ECONNRESET "aborted", from the request) is logged and dropped here;
 * any other uncaught error still ends the process.
 *
 * Run: node -r ts-node/register/transpile-only test/live/dynaliteServer.ts --host IP --port N --createTableMs MS
 */
import type { Server } from "http";
import { parseArgs } from "util";

// dynalite ships no types: its module is a function of its CLI options that returns the HTTP server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite: (options: { createTableMs: number }) => Server = require("dynalite");

process.on("uncaughtException", (error: NodeJS.ErrnoException) => {
  if (error.code === "ECONNRESET" && error.message === "aborted") {
    console.error("a client aborted its request (dynalite would have exited here)");
    return;
  }
  console.error(error);
  process.exit(1);
});

const { values } = parseArgs({ options: { host: { type: "string" }, port: { type: "string" }, createTableMs: { type: "string" } } });
dynalite({ createTableMs: Number(values.createTableMs ?? 500) }).listen(Number(values.port), values.host, () => {
  console.log(`Dynalite listening at: http://${values.host}:${values.port}`);
});
