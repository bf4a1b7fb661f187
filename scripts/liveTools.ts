/**
 * The binaries the live suites run, found or built from Go modules.
 *
 * Each tool is a small wrapper module of ours under tools/ (go.mod and go.sum committed) that pins
 * the upstream module; it is built once per machine into a cache folder outside the repo and rebuilt
 * when the wrapper changes. A binary the user already has wins: the tool's environment variable
 * (e.g. VAULT_BIN), then the same name on PATH.
 *
 * `npm run live:tools` prints one `name=/absolute/path` line per tool.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cacheDirectory } from "../lib/cacheDirectory";

const PROJECT_ROOT = path.resolve(__dirname, "..");

interface GoTool {
  /** The binary's name, on PATH and in the cache. */
  name: string;
  /** Environment variable that names a binary to use instead. */
  envVar: string;
  /** The wrapper module's folder, relative to the project. */
  moduleDir: string;
  /** What `go build` builds inside the wrapper module. */
  buildPackage: string;
}

const GO_TOOLS: readonly GoTool[] = [
  { name: "vault", envVar: "VAULT_BIN", moduleDir: "tools/vault", buildPackage: "." },
];

export interface ResolvedTool {
  name: string;
  path: string;
  /** Where it came from: the environment variable, PATH, the cache, or a build just now. */
  origin: string;
  /** Seconds the build took, when it was built now. */
  buildSeconds?: number;
}

/** Finds or builds one tool. Throws with the failing command and its output when a build fails. */
function resolveTool(tool: GoTool, log: (line: string) => void = () => undefined): ResolvedTool {
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
  log(`building ${tool.name} from ${tool.moduleDir} into ${binary} (a cold build takes minutes)`);
  fs.mkdirSync(path.dirname(binary), { recursive: true });
  const started = Date.now();
  const args = ["build", "-trimpath", "-ldflags=-s -w", "-o", `${binary}.partial`, tool.buildPackage];
  const result = spawnSync(goBinary(), args, { cwd: path.join(PROJECT_ROOT, tool.moduleDir), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.error || result.status !== 0) {
    throw new Error(`building ${tool.name} failed: (cd ${tool.moduleDir} && go ${args.join(" ")}) ${result.error?.message ?? `exited ${result.status}`}\n${result.stderr}`);
  }
  fs.renameSync(`${binary}.partial`, binary);
  fs.writeFileSync(stampFile, stamp);
  return { name: tool.name, path: binary, origin: "built", buildSeconds: (Date.now() - started) / 1000 };
}

/** Resolves every tool, or the named ones. */
export function resolveTools(names?: string[], log?: (line: string) => void): Record<string, ResolvedTool> {
  const unknown = (names ?? []).filter((name) => !GO_TOOLS.some((tool) => tool.name === name));
  if (unknown.length > 0) throw new Error(`unknown tool ${unknown.join(", ")} (known: ${GO_TOOLS.map((tool) => tool.name).join(", ")})`);
  const wanted = names ? GO_TOOLS.filter((tool) => names.includes(tool.name)) : GO_TOOLS;
  return Object.fromEntries(wanted.map((tool) => [tool.name, resolveTool(tool, log)]));
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

function findOnPath(name: string): string | undefined {
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
 * Binaries only a user can bring: their Go modules cannot be fetched here (the module proxy answers 403,
 * see the README's "The Pulumi CLI and the Vault provider"), so nothing builds them and no suite needs them.
 */
const USER_ONLY_TOOLS = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-vault"];

/** `name=/path` for each user-only binary on PATH, or why there is none. */
export function userOnlyTools(): Array<{ name: string; path?: string }> {
  return USER_ONLY_TOOLS.map((name) => ({ name, path: findOnPath(name) }));
}

if (require.main === module) {
  try {
    const tools = resolveTools(process.argv.slice(2).length > 0 ? process.argv.slice(2) : undefined, (line) => console.error(line));
    for (const tool of Object.values(tools)) {
      console.error(`${tool.name}: ${tool.origin}${tool.buildSeconds === undefined ? "" : `, built in ${tool.buildSeconds.toFixed(0)} s`}`);
      console.log(`${tool.name}=${tool.path}`);
    }
    if (process.argv.slice(2).length === 0) {
      for (const tool of userOnlyTools()) {
        if (tool.path) console.log(`${tool.name}=${tool.path}`);
        else console.error(`${tool.name}: not on PATH, and not buildable here (the Go module proxy answers 403 for its module); npm start uses the stand-in`);
      }
    }
  } catch (error) {
    console.error(`live:tools: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
