/**
 * The binaries the live suites and `npm start` run, found or built from Go modules.
 *
 * Each tool is a small wrapper module of ours under tools/ (go.mod and go.sum committed) that pins
 * the upstream module; it is built once per machine into a cache folder outside the repo and rebuilt
 * when the wrapper changes. A binary the user already has wins: the tool's environment variable
 * (e.g. VAULT_BIN), then the same name on PATH.
 *
 * `npm run live:tools` prints one `name=/absolute/path` line per tool. A build prints its progress
 * (elapsed time, packages compiled, the one being compiled) at least every 30 s.
 */
import { spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cacheDirectory } from "../lib/cacheDirectory";

const PROJECT_ROOT = path.resolve(__dirname, "..");
const PROGRESS_INTERVAL_MS = 30_000;

interface GoTool {
  /** The binary's name, on PATH and in the cache. */
  name: string;
  /** Environment variable that names a binary to use instead. */
  envVar: string;
  /** The wrapper module's folder, relative to the project. */
  moduleDir: string;
  /** What `go build` builds inside the wrapper module. */
  buildPackage: string;
  /** Extra `-X` settings for the linker, given the wrapper's go.mod text. */
  linkerVariables?: (goMod: string) => string[];
}

const GO_TOOLS: readonly GoTool[] = [
  { name: "vault", envVar: "VAULT_BIN", moduleDir: "tools/vault", buildPackage: "." },
  {
    name: "pulumi", envVar: "PULUMI_BIN", moduleDir: "tools/pulumi", buildPackage: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
    // Without it `pulumi version` prints v0.0.0 and the Automation API refuses the CLI as too old.
    linkerVariables: (goMod) => [`github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${requiredVersion(goMod, "github.com/pulumi/pulumi/pkg/v3")}`],
  },
  { name: "local-kms", envVar: "LOCAL_KMS_BIN", moduleDir: "tools/local-kms", buildPackage: "github.com/nsmithuk/local-kms" },
  { name: "mockoidc", envVar: "MOCKOIDC_BIN", moduleDir: "tools/mockoidc", buildPackage: "." },
];

export type ToolName = "vault" | "pulumi" | "local-kms" | "mockoidc";

export interface ResolvedTool {
  name: string;
  path: string;
  /** Where it came from: the environment variable, PATH, the cache, or a build just now. */
  origin: string;
  /** Seconds the build took, when it was built now. */
  buildSeconds?: number;
}

/** The version a go.mod requires of a module. */
export function requiredVersion(goMod: string, modulePath: string): string {
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod);
  if (!match) throw new Error(`the wrapper go.mod does not require ${modulePath}`);
  return match[1];
}

/** Finds or builds one tool. Rejects with the failing command and its output when a build fails. */
async function resolveTool(tool: GoTool, log: (line: string) => void): Promise<ResolvedTool> {
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${tool.envVar}=${fromEnv} is not an executable file: unset it or point it at a ${tool.name} binary`);
    return { name: tool.name, path: path.resolve(fromEnv), origin: tool.envVar };
  }
  const onPath = findOnPath(tool.name);
  if (onPath) return { name: tool.name, path: onPath, origin: "PATH" };

  const binary = path.join(cacheDirectory(), "bin", tool.name);
  const stampFile = `${binary}.stamp`;
  const stamp = moduleStamp(tool);
  if (isExecutable(binary) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp) {
    return { name: tool.name, path: binary, origin: "cache" };
  }
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const started = Date.now();
  await goBuild(tool, `${binary}.partial`, log);
  fs.renameSync(`${binary}.partial`, binary);
  fs.writeFileSync(stampFile, stamp);
  return { name: tool.name, path: binary, origin: "built", buildSeconds: (Date.now() - started) / 1000 };
}

/** `go build -v`, reporting every PROGRESS_INTERVAL_MS how long it has run and which package it compiles. */
function goBuild(tool: GoTool, output: string, log: (line: string) => void): Promise<void> {
  const moduleDir = path.join(PROJECT_ROOT, tool.moduleDir);
  const variables = tool.linkerVariables?.(fs.readFileSync(path.join(moduleDir, "go.mod"), "utf8")) ?? [];
  const args = ["build", "-v", "-trimpath", `-ldflags=-s -w${variables.map((variable) => ` -X ${variable}`).join("")}`, "-o", output, tool.buildPackage];
  log(`building ${tool.name} from ${tool.moduleDir} (go ${args.join(" ")}); a cold build takes minutes, progress every ${PROGRESS_INTERVAL_MS / 1000} s`);
  const started = Date.now();
  let compiled = 0;
  let current = "fetching modules";
  const stderrTail: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(goBinary(), args, { cwd: moduleDir, stdio: ["ignore", "ignore", "pipe"] });
    const timer = setInterval(() => {
      log(`building ${tool.name}: ${formatElapsed(Date.now() - started)} elapsed, ${compiled} packages compiled, now ${current}`);
    }, PROGRESS_INTERVAL_MS);
    let partialLine = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partialLine + chunk).split("\n");
      partialLine = lines.pop() ?? "";
      for (const line of lines) {
        // `go build -v` names each package as it compiles it; anything else is a diagnostic.
        if (/^[\w.-]+(\/[\w.@~+-]+)*$/.test(line)) {
          compiled += 1;
          current = line;
        }
        stderrTail.push(line);
        if (stderrTail.length > 40) stderrTail.shift();
      }
    });
    const finish = (error?: Error) => {
      clearInterval(timer);
      if (error) reject(error);
      else resolve();
    };
    child.on("error", (error) => finish(new Error(`building ${tool.name} failed: ${goBinary()} could not start (${error.message}); install Go 1.26.6 or newer (README, "What you need")`)));
    child.on("close", (code) => {
      if (code === 0) return finish();
      finish(new Error(`building ${tool.name} failed: (cd ${tool.moduleDir} && go ${args.join(" ")}) exited ${code}\n${[...stderrTail, partialLine].join("\n")}`));
    });
  });
}

function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** Resolves every tool, or the named ones, one after the other (two Go builds at once only share the cores). */
export async function resolveTools(names?: ToolName[], log: (line: string) => void = (line) => console.error(line)): Promise<Record<string, ResolvedTool>> {
  const unknown = (names ?? []).filter((name) => !GO_TOOLS.some((tool) => tool.name === name));
  if (unknown.length > 0) throw new Error(`unknown tool ${unknown.join(", ")} (known: ${GO_TOOLS.map((tool) => tool.name).join(", ")})`);
  const resolved: Record<string, ResolvedTool> = {};
  for (const tool of names ? GO_TOOLS.filter((candidate) => names.includes(candidate.name as ToolName)) : GO_TOOLS) {
    resolved[tool.name] = await resolveTool(tool, log);
  }
  return resolved;
}

/** The path of one tool, found or built. */
export async function toolPath(name: ToolName, log?: (line: string) => void): Promise<string> {
  return (await resolveTools([name], log))[name].path;
}

/** A hash of the wrapper module's files: a changed pin means a rebuild. */
function moduleStamp(tool: GoTool): string {
  const dir = path.join(PROJECT_ROOT, tool.moduleDir);
  const hash = createHash("sha256");
  for (const file of fs.readdirSync(dir).sort()) {
    if (/\.(go|mod|sum)$/.test(file)) hash.update(file).update(fs.readFileSync(path.join(dir, file)));
  }
  return hash.digest("hex");
}

function goBinary(): string {
  return findOnPath("go") ?? "/usr/local/go/bin/go";
}

export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Plugins only a user can bring: their Go modules cannot be fetched here (the module proxy answers 403,
 * see the README's "The Pulumi engine here"). Where both are on PATH, `npm start` runs plain
 * `pulumi up --stack local` with them; otherwise it runs the same program inline, with the stand-in provider.
 */
const USER_ONLY_PLUGINS = ["pulumi-language-nodejs", "pulumi-resource-vault"];

/** `name=/path` for each user-only plugin on PATH, or no path. */
export function userOnlyPlugins(): Array<{ name: string; path?: string }> {
  return USER_ONLY_PLUGINS.map((name) => ({ name, path: findOnPath(name) }));
}

if (require.main === module) {
  const requested = process.argv.slice(2) as ToolName[];
  resolveTools(requested.length > 0 ? requested : undefined).then((tools) => {
    for (const tool of Object.values(tools)) {
      console.error(`${tool.name}: ${tool.origin}${tool.buildSeconds === undefined ? "" : `, built in ${tool.buildSeconds.toFixed(0)} s`}`);
      console.log(`${tool.name}=${tool.path}`);
    }
    if (requested.length === 0) {
      for (const plugin of userOnlyPlugins()) {
        if (plugin.path) console.log(`${plugin.name}=${plugin.path}`);
        else console.error(`${plugin.name}: not on PATH, and not buildable here (the Go module proxy answers 403 for its module); npm start runs the program inline with the stand-in provider`);
      }
    }
  }, (error) => {
    console.error(`live:tools: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
