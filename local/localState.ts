/**
 * The local stack's state: what the stand-in for `pulumi up` applied (see local/vaultApplier.ts) and the
 * stack outputs, in one JSON file. Like Pulumi's passphrase secrets provider, every secret (SecretIDs,
 * tokens) is encrypted with a key derived from PULUMI_CONFIG_PASSPHRASE; nothing secret is stored in clear.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Secret } from "../lib/secret";
import type { ResourceOutputs, ResourceState } from "./vaultApplier";

/** The passphrase when PULUMI_CONFIG_PASSPHRASE is unset: for a Vault on loopback that holds no real secret, never for a real stack. */
export const LOCAL_PASSPHRASE_DEFAULT = "vault-platform-local";

const FORMAT = 1;

export interface LocalState {
  resources: ResourceState[];
  /** The stack outputs as the program computed them from the applied resources; secrets as Secret. */
  outputs: Record<string, unknown>;
}

interface Sealed {
  secret: string;
}

interface StateFile {
  format: number;
  /** The scrypt salt of the passphrase key. */
  salt: string;
  resources: Array<Omit<ResourceState, "outputs"> & { outputs: Record<string, unknown> }>;
  outputs: Record<string, unknown>;
}

export class LocalStateError extends Error {}

function keyFor(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, 32);
}

/** Secret values become { secret: "<iv>:<tag>:<ciphertext>" } (AES-256-GCM), deeply. */
function seal(value: unknown, key: Buffer): unknown {
  if (value instanceof Secret) {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const encrypted = Buffer.concat([cipher.update(value.reveal(), "utf8"), cipher.final()]);
    return { secret: [iv, cipher.getAuthTag(), encrypted].map((part) => part.toString("base64")).join(":") } satisfies Sealed;
  }
  if (Array.isArray(value)) return value.map((item) => seal(item, key));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, seal(item, key)]));
  return value;
}

function unseal(value: unknown, key: Buffer, file: string): unknown {
  if (value && typeof value === "object" && !Array.isArray(value) && typeof (value as Sealed).secret === "string" && Object.keys(value).length === 1) {
    const [iv, tag, encrypted] = (value as Sealed).secret.split(":").map((part) => Buffer.from(part, "base64"));
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAuthTag(tag);
      return new Secret(Buffer.concat([decipher.update(encrypted), decipher.final()]).toString("utf8"));
    } catch {
      throw new LocalStateError(`${file}: its secrets do not decrypt with this PULUMI_CONFIG_PASSPHRASE; use the passphrase of the run that wrote it`);
    }
  }
  if (Array.isArray(value)) return value.map((item) => unseal(item, key, file));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, unseal(item, key, file)]));
  return value;
}

/** The state in `file`; empty when there is none yet. */
export function readLocalState(file: string, passphrase: string): LocalState {
  if (!fs.existsSync(file)) return { resources: [], outputs: {} };
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as StateFile;
  if (stored.format !== FORMAT) throw new LocalStateError(`${file}: state format ${stored.format}, this version reads ${FORMAT}`);
  const key = keyFor(passphrase, Buffer.from(stored.salt, "base64"));
  return {
    resources: stored.resources.map((resource) => ({ ...resource, outputs: unseal(resource.outputs, key, file) as ResourceOutputs })),
    outputs: unseal(stored.outputs, key, file) as Record<string, unknown>,
  };
}

/** Writes the state (mode 0600), keeping the salt of an existing file so the passphrase stays the same. */
export function writeLocalState(file: string, passphrase: string, state: LocalState): void {
  const salt = fs.existsSync(file) ? Buffer.from((JSON.parse(fs.readFileSync(file, "utf8")) as StateFile).salt, "base64") : randomBytes(16);
  const key = keyFor(passphrase, salt);
  const stored: StateFile = {
    format: FORMAT,
    salt: salt.toString("base64"),
    resources: state.resources.map((resource) => ({ ...resource, outputs: seal(resource.outputs, key) as Record<string, unknown> })),
    outputs: seal(state.outputs, key) as Record<string, unknown>,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}
