import { strict as assert } from "assert";

/** The error of class `kind` that `action` throws; fails when it throws nothing or something else. */
export function thrown<E extends Error>(kind: new (...args: any[]) => E, action: () => unknown): E {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`no ${kind.name} was thrown`);
}
