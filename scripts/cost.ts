/**
 * `npm run cost -- --stack <name> [--write-readme]`: the stack's monthly cost at list prices, as Markdown
 * (costEstimate.ts). `--write-readme` rewrites the README's generated cost sections (dev, prod and the price
 * table) between their `<!-- cost:<name> -->` markers; a unit test fails while they differ from the stack files.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError, PROJECT_ROOT } from "../config";
import { EU_WEST_1_PRICES } from "./awsPrices";
import { estimateMonthlyCost, renderAssumptions, renderCostTable, renderPriceTable } from "./costEstimate";
import { runScript } from "./cli";
import { stackDeclarations } from "./provisionerPolicy";

const USAGE = "npm run cost -- --stack <name> [--write-readme]";
export const README_FILE = path.join(PROJECT_ROOT, "README.md");
/** The stacks whose tables the README shows. */
export const README_STACKS = ["dev", "prod"];
const PRICES_SECTION = "prices";

/** A stack's cost table, or undefined for a stack without a cluster (it creates nothing on AWS). */
export function stackCostTable(stack: string): string | undefined {
  const config = stackDeclarations(stack);
  return config.cluster.enabled ? renderCostTable(estimateMonthlyCost(config.cluster, config.region, EU_WEST_1_PRICES)) : undefined;
}

const noCluster = (stack: string) => `Stack \`${stack}\` has no cluster (\`cluster.enabled: false\`): it creates nothing on AWS.\n`;

/** The README's generated sections by name: one per stack, and the prices with the assumptions. */
export function costSections(): Record<string, string> {
  return {
    ...Object.fromEntries(README_STACKS.map((stack) => [stack, stackCostTable(stack) ?? noCluster(stack)])),
    [PRICES_SECTION]: `${renderPriceTable(EU_WEST_1_PRICES)}\nWhat the tables assume:\n\n${renderAssumptions(EU_WEST_1_PRICES)}`,
  };
}

const markers = (name: string) => [`<!-- cost:${name} -->\n`, `<!-- /cost:${name} -->`];

/** The text between a section's markers, or undefined when the README has none. */
export function readSection(text: string, name: string): string | undefined {
  const [open, close] = markers(name);
  const start = text.indexOf(open);
  const end = text.indexOf(close, start);
  return start < 0 || end < 0 ? undefined : text.slice(start + open.length, end);
}

/** The text with a section's content replaced; both markers must be there already. */
export function withSection(text: string, name: string, content: string): string {
  const current = readSection(text, name);
  if (current === undefined) throw new ConfigError(`cost: README.md has no "${markers(name)[0].trim()}" ... "${markers(name)[1]}" section to write`);
  const [open, close] = markers(name);
  return text.replace(`${open}${current}${close}`, () => `${open}${content}${close}`);
}

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, "write-readme": { type: "boolean", default: false } }, strict: true });
  if (values["write-readme"]) {
    const sections = costSections();
    fs.writeFileSync(README_FILE, Object.entries(sections).reduce((text, [name, content]) => withSection(text, name, content), fs.readFileSync(README_FILE, "utf8")));
    console.error(`wrote the cost sections of README.md (${Object.keys(sections).join(", ")})`);
    return;
  }
  if (!values.stack) throw new ConfigError(`cost: --stack is required; usage: ${USAGE}`);
  const table = stackCostTable(values.stack);
  process.stdout.write(`# Monthly cost: stack \`${values.stack}\`\n\n${table === undefined ? noCluster(values.stack)
    : `${table}\n${renderPriceTable(EU_WEST_1_PRICES)}\nWhat the table assumes:\n\n${renderAssumptions(EU_WEST_1_PRICES)}`}`);
}

if (require.main === module) runScript(main);
