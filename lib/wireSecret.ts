/**
 * How a secret value travels between a Pulumi program, the engine and a provider: an object holding
 * the signature key and `value` (Pulumi's "4dabf18193072939515e22adb298388d" marker), and how an
 * unknown value travels during a preview.
 */
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
/** The engine's placeholder for a value not known until apply. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when a value is marked secret. */
export function isSecretInput(value: unknown): boolean {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** The value, unwrapped from its secret marker if it has one. */
export function unwrapSecret(value: any): any {
  return isSecretInput(value) ? value.value : value;
}

/** A value marked secret. */
export function markSecret(value: unknown): Record<string, unknown> {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** The value with every secret marker removed, deeply. */
export function revealed(value: unknown): any {
  const inner = unwrapSecret(value);
  if (Array.isArray(inner)) return inner.map(revealed);
  if (inner && typeof inner === "object") return Object.fromEntries(Object.entries(inner).map(([key, item]) => [key, revealed(item)]));
  return inner;
}

/** True when the value, or anything inside it, is the engine's unknown placeholder. */
export function containsUnknown(value: unknown): boolean {
  const inner = unwrapSecret(value);
  if (inner === UNKNOWN_VALUE) return true;
  if (Array.isArray(inner)) return inner.some(containsUnknown);
  if (inner && typeof inner === "object") return Object.values(inner).some(containsUnknown);
  return false;
}
