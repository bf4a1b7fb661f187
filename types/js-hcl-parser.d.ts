// js-hcl-parser is HashiCorp's HCL v1 parser (the one Vault uses) compiled to JavaScript; it ships no types.
declare module "js-hcl-parser" {
  /** Parses HCL v1 text and returns it as a JSON string; throws with "At line:col: ..." on a syntax error. */
  export function parse(text: string): string;
  /** Renders a JSON string as HCL v1 text. */
  export function stringify(json: string): string;
}
