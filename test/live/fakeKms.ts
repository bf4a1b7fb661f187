/**
 * A STAND-IN for AWS KMS, for the cluster suite only: it is not KMS and proves nothing about KMS.
 * nsmithuk/local-kms cannot be fetched here (the Go module proxy refuses every version), so this
 * implements exactly what Vault's `awskms` seal calls (go-kms-wrapping wrappers/awskms v2, through
 * aws-sdk-go v1's JSON 1.1 protocol): `TrentService.DescribeKey` at start, then `Encrypt` and
 * `Decrypt` of the data key that wraps Vault's root key. One symmetric key, AES-256-GCM; its
 * material comes from a file so that a restarted stand-in still decrypts what it encrypted before.
 * Request signatures are not checked. A field the wrapper does not send is refused, so a change in
 * what Vault asks for fails loudly instead of being half-served.
 *
 * Run: node -r ts-node/register/transpile-only test/live/fakeKms.ts --host IP --port N --key-id ID --key-file FILE
 */
import { createCipheriv, createDecipheriv, randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { parseArgs } from "util";

const CONTENT_TYPE = "application/x-amz-json-1.1";
const BLOB_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

class KmsError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

interface Key {
  id: string;
  material: Buffer;
}

type Operation = (key: Key, request: Record<string, unknown>) => Record<string, unknown>;

/** Per operation: the request fields the awskms wrapper sends, and the answer. */
const OPERATIONS: Record<string, { fields: string[]; answer: Operation }> = {
  DescribeKey: {
    fields: ["KeyId"],
    answer: (key, request) => {
      requireKey(key, request.KeyId);
      return { KeyMetadata: { KeyId: key.id, Arn: key.id, Enabled: true, KeyState: "Enabled", KeyUsage: "ENCRYPT_DECRYPT", KeySpec: "SYMMETRIC_DEFAULT" } };
    },
  },
  Encrypt: {
    fields: ["KeyId", "Plaintext"],
    answer: (key, request) => {
      requireKey(key, request.KeyId);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key.material, iv).setAAD(Buffer.from(key.id));
      const sealed = Buffer.concat([cipher.update(blob(request.Plaintext, "Plaintext")), cipher.final()]);
      const ciphertext = Buffer.concat([Buffer.from([BLOB_VERSION]), iv, cipher.getAuthTag(), sealed]);
      return { CiphertextBlob: ciphertext.toString("base64"), KeyId: key.id, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
    },
  },
  Decrypt: {
    fields: ["CiphertextBlob", "KeyId"],
    answer: (key, request) => {
      if (request.KeyId !== undefined) requireKey(key, request.KeyId);
      const ciphertext = blob(request.CiphertextBlob, "CiphertextBlob");
      if (ciphertext[0] !== BLOB_VERSION || ciphertext.length < 1 + IV_BYTES + TAG_BYTES) throw new KmsError("InvalidCiphertextException", "not a ciphertext of this stand-in");
      const decipher = createDecipheriv("aes-256-gcm", key.material, ciphertext.subarray(1, 1 + IV_BYTES)).setAAD(Buffer.from(key.id));
      decipher.setAuthTag(ciphertext.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      try {
        const plaintext = Buffer.concat([decipher.update(ciphertext.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
        return { Plaintext: plaintext.toString("base64"), KeyId: key.id, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
      } catch {
        throw new KmsError("InvalidCiphertextException", "ciphertext does not authenticate under this key");
      }
    },
  },
};

function requireKey(key: Key, keyId: unknown): void {
  if (keyId !== key.id) throw new KmsError("NotFoundException", `Key '${String(keyId)}' does not exist`);
}

function blob(value: unknown, field: string): Buffer {
  if (typeof value !== "string" || value === "") throw new KmsError("ValidationException", `${field} is required`);
  return Buffer.from(value, "base64");
}

function answer(key: Key, target: string | undefined, body: string): Record<string, unknown> {
  const operation = OPERATIONS[target?.replace(/^TrentService\./, "") ?? ""];
  if (!target?.startsWith("TrentService.") || !operation) throw new KmsError("UnknownOperationException", `this stand-in does not implement ${target}`);
  const request = JSON.parse(body) as Record<string, unknown>;
  const unexpected = Object.keys(request).filter((field) => !operation.fields.includes(field));
  if (unexpected.length > 0) throw new KmsError("ValidationException", `this stand-in does not implement ${unexpected.join(", ")} on ${target}`);
  return operation.answer(key, request);
}

function serve(key: Key, host: string, port: number): void {
  http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => { body += chunk; });
    request.on("end", () => {
      const target = request.headers["x-amz-target"] as string | undefined;
      let status = 200;
      let payload: Record<string, unknown>;
      try {
        payload = answer(key, target, body);
      } catch (error) {
        status = 400;
        payload = error instanceof KmsError ? { __type: error.type, message: error.message } : { __type: "ValidationException", message: String(error) };
      }
      console.log(`${new Date().toISOString()} ${request.socket.remoteAddress} ${target} ${status}`);
      response.writeHead(status, { "Content-Type": CONTENT_TYPE }).end(JSON.stringify(payload));
    });
  }).listen(port, host, () => console.log(`fake KMS for key ${key.id} listening on ${host}:${port}`));
}

if (require.main === module) {
  const { values } = parseArgs({ options: { host: { type: "string" }, port: { type: "string" }, "key-id": { type: "string" }, "key-file": { type: "string" } } });
  if (!values.host || !values.port || !values["key-id"] || !values["key-file"]) throw new Error("usage: fakeKms.ts --host IP --port N --key-id ID --key-file FILE");
  serve({ id: values["key-id"], material: fs.readFileSync(values["key-file"]) }, values.host, Number(values.port));
}
