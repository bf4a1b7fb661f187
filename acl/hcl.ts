import * as hclV1 from "js-hcl-parser";

/** A syntax error reported by HashiCorp's HCL v1 parser, with where it is. */
export class HclSyntaxError extends Error {
  constructor(readonly source: string, readonly line: number, readonly column: number, detail: string) {
    super(`${source}:${line}:${column}: ${detail}`);
    this.name = "HclSyntaxError";
  }
}

/**
 * Parses HCL v1, the dialect Vault reads its policies and server config with, into the parser's JSON
 * form (blocks become lists, in source order). The parser reports errors as text instead of
 * throwing; this turns them into an HclSyntaxError naming source:line:column.
 */
export function parseHcl(text: string, source = "<input>"): Record<string, any> {
  const json = hclV1.parse(text);
  const failure = /^unable to parse JSON: (?:At (\d+):(\d+): )?(.*)$/s.exec(json);
  if (failure) throw new HclSyntaxError(source, Number(failure[1] ?? 0), Number(failure[2] ?? 0), failure[3]);
  return JSON.parse(json);
}
