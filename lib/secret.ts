/** A secret value that prints as "[secret]" (console.log, util.inspect, JSON, template strings). */
import * as util from "util";

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[secret]";
  }
  toJSON(): string {
    return "[secret]";
  }
  [util.inspect.custom](): string {
    return "[secret]";
  }
}
