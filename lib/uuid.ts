import { createHash } from "crypto";

/** A UUID-shaped id that is always the same for the same seed: fakes and placeholders stay stable across runs. */
export function uuidFromSeed(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
