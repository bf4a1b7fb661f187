/** Looking into a mocked program run from the tests. */
import * as pulumi from "@pulumi/pulumi";
import type { ProgramRun, Registration } from "../offline/runtime";

/** Resolves an Output's value (mocks resolve everything, secrets included). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => { resolve(value); return value; }));
}

export function ofType(run: Pick<ProgramRun, "registrations">, type: string): Registration[] {
  return run.registrations.filter((registration) => registration.type === type);
}

/** The one registration of this type; fails when there are none or several. */
export function onlyOfType(run: Pick<ProgramRun, "registrations">, type: string): Registration {
  const found = ofType(run, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}
