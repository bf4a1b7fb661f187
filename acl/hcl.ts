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
  if (failure) {
    // The parser notices a missing "}" or "]" only at the end of the file; where it was opened is where to look.
    const opened = /got: EOF/.test(failure[3]) ? unclosed(text) : undefined;
    if (opened !== undefined) throw new HclSyntaxError(source, opened.line, 0, opened.detail);
    throw new HclSyntaxError(source, Number(failure[1] ?? 0), Number(failure[2] ?? 0), failure[3]);
  }
  return JSON.parse(json);
}

const CLOSING: Record<string, string> = { "{": "}", "[": "]" };

/** Where a "{" or "[" is never closed, skipping strings and comments; undefined when every one is. */
function unclosed(text: string): { line: number; detail: string } | undefined {
  const open: Array<{ char: string; line: number }> = [];
  const report = ({ char, line }: { char: string; line: number }) => ({ line, detail: `${char === "{" ? "block" : "list"} opened here is never closed (a "${CLOSING[char]}" is missing)` });
  let line = 1;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "\n") line++;
    else if (char === "#" || (char === "/" && text[index + 1] === "/")) {
      while (index + 1 < text.length && text[index + 1] !== "\n") index++;
    } else if (char === '"') {
      for (index++; index < text.length && text[index] !== '"' && text[index] !== "\n"; index++) if (text[index] === "\\") index++;
      if (text[index] === "\n") line++;
    } else if (char in CLOSING) open.push({ char, line });
    else if (char === "}" || char === "]") {
      const last = open.pop();
      if (last !== undefined && CLOSING[last.char] !== char) return report(last);
    }
  }
  return open.length > 0 ? report(open[0]) : undefined;
}
