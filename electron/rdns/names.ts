/**
 * PTR targets: validated host names. Labels of letters, digits and hyphens (not at either end),
 * 1-63 characters each, 253 in all; a trailing dot is dropped; internationalized names are stored as
 * punycode (Node's WHATWG `url.domainToASCII`); everything is lower case.
 */
import { domainToASCII } from 'node:url';
import { FluxError } from '../../shared/errors';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `name` is not a valid host name, or null when it is. `name` must already be ASCII. */
function problem(name: string): string | null {
  if (name.length > 253) return `it is ${name.length} characters long; a host name has at most 253`;
  const labels = name.split('.');
  if (labels.length < 2) return 'a PTR target must be a fully qualified name such as host.example.net';
  for (const label of labels) {
    if (label === '') return 'it has an empty label (two dots in a row, or a leading dot)';
    if (label.length > 63) return `the label "${label.slice(0, 20)}..." is ${label.length} characters long; a label has at most 63`;
    if (!LABEL.test(label)) {
      const bad = label.match(/[^a-z0-9-]/);
      return bad
        ? `the label "${label}" contains "${bad[0]}"; labels hold only letters, digits and hyphens`
        : `the label "${label}" starts or ends with a hyphen`;
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'the last label is all digits (that looks like an address, not a host name)';
  return null;
}

/**
 * The canonical form of a PTR target, or a FluxError naming the problem and `where` (an address,
 * a pattern, a field) it came from.
 */
export function normalizeHostname(input: string, where = 'rdns'): string {
  let name = input.trim().replace(/\.$/, '');
  if (!name) throw new FluxError('INVALID_ARGUMENT', `${where}: the name is empty`);
  // Only non-ASCII input goes through IDNA: domainToASCII also lets through characters a host name may not hold.
  if (/[^\x00-\x7f]/.test(name)) {
    const ascii = domainToASCII(name);
    if (!ascii) throw new FluxError('INVALID_ARGUMENT', `${where}: "${input}" is not a valid internationalized host name`, { name: input });
    name = ascii.replace(/\.$/, '');
  }
  name = name.toLowerCase();
  const why = problem(name);
  if (why) throw new FluxError('INVALID_ARGUMENT', `${where}: "${input}" is not a valid host name: ${why}`, { name: input });
  return name;
}

/** True when the canonical name is a valid host name. */
export function isHostname(input: string): boolean {
  try {
    normalizeHostname(input);
    return true;
  } catch {
    return false;
  }
}
