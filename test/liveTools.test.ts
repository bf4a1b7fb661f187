import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { userOnlyTools } from "../scripts/liveTools";

describe("live tools: what only a user can bring", () => {
  const savedPath = process.env.PATH;
  afterEach(() => { process.env.PATH = savedPath; });

  it("reports the user's pulumi, language host and Vault provider from PATH, and none when PATH has none", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-bin-"));
    for (const name of ["pulumi", "pulumi-resource-vault"]) fs.writeFileSync(path.join(bin, name), "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), "not executable", { mode: 0o644 });
    process.env.PATH = bin;
    assert.deepEqual(userOnlyTools(), [
      { name: "pulumi", path: path.join(bin, "pulumi") },
      { name: "pulumi-language-nodejs", path: undefined },
      { name: "pulumi-resource-vault", path: path.join(bin, "pulumi-resource-vault") },
    ]);
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-empty-"));
    assert.ok(userOnlyTools().every((tool) => tool.path === undefined));
  });
});
