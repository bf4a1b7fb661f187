/** How the npm scripts end: a bad argument or config prints its one message (no stack trace) and exits 2. */
import { ConfigError } from "../config";

export function runScript(main: (argv: string[]) => void): void {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    const known = error instanceof ConfigError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    console.error(known ? (error as Error).message : error);
    process.exit(2);
  }
}
