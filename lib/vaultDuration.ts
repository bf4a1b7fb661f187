/**
 * Vault duration strings, parsed the way Vault's parseutil.ParseDurationSecond does: a bare integer is
 * seconds, a trailing "d" means days, anything else is a Go duration ("90s", "1h30m", "1.5h").
 */
const GO_UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9, us: 1e-6, "µs": 1e-6, "μs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600,
};
const GO_DURATION = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)/;

/** Returns the duration in whole seconds, or undefined when the text is not a Vault duration. */
export function parseVaultDuration(input: string | number): number | undefined {
  if (typeof input === "number") return Number.isInteger(input) && input >= 0 ? input : undefined;
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const days = /^(\d+)d$/.exec(text);
  if (days) return Number(days[1]) * 86400;
  if (text === "" || text === "0") return text === "0" ? 0 : undefined;
  let rest = text;
  let seconds = 0;
  while (rest.length > 0) {
    const match = GO_DURATION.exec(rest);
    if (!match) return undefined;
    const unit = /(ns|us|µs|μs|ms|s|m|h)$/.exec(match[0])![1];
    seconds += Number(match[0].slice(0, -unit.length)) * GO_UNIT_SECONDS[unit];
    rest = rest.slice(match[0].length);
  }
  return Math.floor(seconds);
}

/** True for the text Vault accepts as a duration. */
export function isVaultDuration(input: string | number): boolean {
  return parseVaultDuration(input) !== undefined;
}
