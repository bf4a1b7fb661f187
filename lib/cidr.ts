/** IPv4 CIDR arithmetic, the one place the project turns "10.40.0.0/16" into numbers and back. */

/** The address and prefix length of an IPv4 CIDR already known to be well-formed. */
function parts(cidr: string): { address: number; prefix: number } {
  const [address, prefix] = cidr.split("/");
  return { address: address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0), prefix: Number(prefix) };
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** The prefix length of a well-formed IPv4 CIDR ("10.40.0.0/16" -> 16). */
export function prefixLength(cidr: string): number {
  return parts(cidr).prefix;
}

/** True when the host bits of a well-formed IPv4 CIDR are zero, so AWS stores exactly what was written. */
export function isNetworkAddress(cidr: string): boolean {
  const { address, prefix } = parts(cidr);
  return address % 2 ** (32 - prefix) === 0;
}

/** The `slot`-th subnet that is `extraBits` longer than `cidr` ("10.40.0.0/16", 4, 1 -> "10.40.16.0/20"). */
export function subnetAt(cidr: string, extraBits: number, slot: number): string {
  const { address, prefix } = parts(cidr);
  const subnetPrefix = prefix + extraBits;
  return `${formatAddress(address + slot * 2 ** (32 - subnetPrefix))}/${subnetPrefix}`;
}
