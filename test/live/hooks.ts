/** Mocha root hooks of the live suites: whatever a suite started is stopped when the run ends. */
import { stopEverything } from "./processes";

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopEverything();
  },
};
