import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { requiredVersion, userOnlyPlugins } from "../scripts/liveTools";

describe("live tools", () => {
  const savedPath = process.env.PATH;
  afterEach(() => { process.env.PATH = savedPath; });

  it("reports the user's Node.js language host and Vault provider from PATH, and none when PATH has none", () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-bin-"));
    fs.writeFileSync(path.join(bin, "pulumi-resource-vault"), "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), "not executable", { mode: 0o644 });
    process.env.PATH = bin;
    assert.deepEqual(userOnlyPlugins(), [
      { name: "pulumi-language-nodejs", path: undefined },
      { name: "pulumi-resource-vault", path: path.join(bin, "pulumi-resource-vault") },
    ]);
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "vault-platform-empty-"));
    assert.ok(userOnlyPlugins().every((plugin) => plugin.path === undefined));
  });

  it("stamps the Pulumi CLI with the version its wrapper module requires", () => {
    const goMod = fs.readFileSync(path.join(__dirname, "..", "tools", "pulumi", "go.mod"), "utf8");
    assert.equal(requiredVersion(goMod, "github.com/pulumi/pulumi/pkg/v3"), "v3.276.0");
    assert.equal(requiredVersion("require (\n\tgithub.com/pulumi/pulumi/pkg/v3 v3.1.2 // indirect\n)\n", "github.com/pulumi/pulumi/pkg/v3"), "v3.1.2");
    assert.throws(() => requiredVersion("module x\n", "github.com/pulumi/pulumi/pkg/v3"), /does not require github.com\/pulumi\/pulumi\/pkg\/v3/);
  });
});
