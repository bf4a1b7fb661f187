/**
 * The offline plan: what `pulumi up` would create for a stack, the rendered vault.hcl, who can do what
 * where, and the verdict of the access checks, as text or Markdown. Pure: it formats what it is given.
 */
import * as yaml from "js-yaml";
import { AccessReport, accessMatrix, ANY_SEGMENT } from "../access";
import { AWS_TYPES } from "../components/resourceTypes";
import type { Registration } from "../offline/runtime";

export type PlanFormat = "text" | "markdown";

export interface PlanInput {
  stack: string;
  registrations: Registration[];
  report: AccessReport;
  /** The provisioner policy these declarations need (what policies/provisioner/<stack>.hcl must hold). */
  provisionerPolicy: string;
  /** Notes on how this plan differs from a real preview (placeholders, forced settings). */
  notes: string[];
}

/** Resource counts per component instance, components in registration order. */
export function resourcesByComponent(registrations: Registration[]): Array<{ component: string; counts: Record<string, number>; total: number }> {
  const byUrn = new Map(registrations.map((registration) => [registration.urn, registration]));
  const groups = new Map<string, Record<string, number>>();
  for (const registration of registrations) {
    if (!registration.custom || registration.type.startsWith("pulumi:providers:")) continue;
    const parent = byUrn.get(registration.parent);
    const component = parent ? `${parent.type} (${parent.name})` : "(stack)";
    const counts = groups.get(component) ?? {};
    counts[registration.type] = (counts[registration.type] ?? 0) + 1;
    groups.set(component, counts);
  }
  return [...groups].map(([component, counts]) => ({ component, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) }));
}

/** The parts of a node's cloud-config that the plan and the bootstrap live test read. */
export interface NodeCloudConfig {
  write_files: Array<{ path: string; content: string; permissions: string; owner: string }>;
  runcmd: string[][];
}

/** The cloud-config the nodes boot with, read back from the launch template's user-data. */
export function nodeCloudConfig(registrations: Registration[]): NodeCloudConfig | undefined {
  const template = registrations.find((registration) => registration.type === AWS_TYPES.launchTemplate);
  if (!template) return undefined;
  return yaml.load(Buffer.from(template.inputs.userData, "base64").toString("utf8")) as NodeCloudConfig;
}

/** The vault.hcl the nodes render, read back from the launch template's user-data. */
export function renderedVaultConfig(registrations: Registration[]): string | undefined {
  return nodeCloudConfig(registrations)?.write_files.find((file) => file.path.endsWith("/vault.hcl.template"))?.content;
}

/** Above this many consumers the matrix is printed as a list of non-empty cells. */
const DENSE_MATRIX_LIMIT = 30;

export function renderPlan(input: PlanInput, format: PlanFormat): string {
  const md = format === "markdown";
  const out: string[] = [];
  const heading = (text: string) => out.push("", md ? `## ${text}` : `== ${text} ==`);
  const code = (language: string, text: string) => out.push(md ? `\`\`\`${language}\n${text.trimEnd()}\n\`\`\`` : text.trimEnd());
  const { report } = input;
  const verdictClean = report.problems.length === 0;

  out.push(md ? `# Offline plan: stack \`${input.stack}\`` : `Offline plan: stack ${input.stack}`);
  out.push("", `Verdict: ${verdictClean ? "CLEAN" : `FAILED (${report.problems.length} problem${report.problems.length === 1 ? "" : "s"})`}`);
  for (const note of input.notes) out.push(`${md ? "> " : "Note: "}${note}`);

  heading("Resources");
  const groups = resourcesByComponent(input.registrations);
  const total = groups.reduce((sum, group) => sum + group.total, 0);
  out.push(`${total} resources in ${groups.length} components`);
  for (const group of groups) {
    out.push(`${md ? "- **" : "  "}${group.component}${md ? "**" : ""}: ${group.total}`);
    for (const [type, count] of Object.entries(group.counts)) out.push(`${md ? "  - " : "      "}${count} x ${type}`);
  }

  const vaultHcl = renderedVaultConfig(input.registrations);
  if (vaultHcl) {
    heading("vault.hcl (per node; the bootstrap script fills in the node's IP)");
    code("hcl", vaultHcl);
  }

  heading(`Access matrix (consumer x path -> capabilities; ${ANY_SEGMENT} stands for any name)`);
  const matrix = accessMatrix(report.access);
  if (matrix.rows.length <= DENSE_MATRIX_LIMIT && md) {
    out.push(`| path | ${matrix.rows.map((row) => row.consumer).join(" | ")} |`, `|---|${matrix.rows.map(() => "---").join("|")}|`);
    matrix.paths.forEach((path, column) => out.push(`| \`${path}\` | ${matrix.rows.map((row) => row.cells[column].join(", ") || "-").join(" | ")} |`));
  } else {
    for (const row of matrix.rows) {
      const granted = matrix.paths.map((path, column) => [path, row.cells[column]] as const).filter(([, cells]) => cells.length > 0);
      out.push(`${md ? "- " : ""}${row.consumer}: ${granted.map(([path, cells]) => `${path} [${cells.join(", ")}]`).join("; ") || "nothing"}`);
    }
  }

  heading("Isolation (who can read a path another consumer's policy is about)");
  if (report.isolation.length === 0) out.push("No consumer can read another consumer's paths.");
  for (const finding of report.isolation) out.push(`${md ? "- " : ""}${finding.reader} can read ${finding.path} (${finding.owner}'s)`);

  heading("Verdict");
  if (verdictClean) out.push(`CLEAN: every expectation holds, no lint fires, no undeclared cross-tenant read, policies/provisioner/${input.stack}.hcl is what pulumi up needs.`);
  for (const problem of report.problems) out.push(`${md ? "- " : "  x "}${problem}`);

  heading(`Provisioner policy (policies/provisioner/${input.stack}.hcl, generated from the declarations)`);
  code("hcl", input.provisionerPolicy);
  return `${out.join("\n")}\n`;
}
