/**
 * What a spreadsheet column can mean to FluxPlan, the header synonyms that map onto it, the status
 * vocabulary of FluxPlan, NetBox and phpIPAM, and the cell rules both the engine and a desktop wizard
 * need. Pure: no I/O.
 */

export const IMPORT_FIELDS = [
  'prefix',
  'mask',
  'address',
  'space',
  'location',
  'vlan',
  'customer',
  'service',
  'device',
  'description',
  'status',
  'parked',
  'pool',
  'rdns',
  'rdns_updated_at',
  'management',
  'purpose',
  'kind',
] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number];

export const FIELD_LABELS: Record<ImportField, string> = {
  prefix: 'Prefix (CIDR, or the network when a mask column is given)',
  mask: 'Netmask or prefix length',
  address: 'IP address (a /LEN suffix names its subnet)',
  space: 'Address space (VRF)',
  location: 'Location (site)',
  vlan: 'VLAN (VID, a name known at the location, or "name (vid)")',
  customer: 'Customer (tenant)',
  service: 'Service',
  device: 'Device',
  description: 'Description',
  status: 'Status',
  parked: 'Parked (unavailable)',
  pool: 'IP pool',
  rdns: 'PTR name (DNS name, hostname)',
  rdns_updated_at: 'PTR name last changed',
  management: 'Management address',
  purpose: 'Purpose (role)',
  kind: 'Row kind (subnet or ip)',
};

/** Header text compared without case, spaces or punctuation: "IP Address", "ip_address" and "IPADDRESS" are one. */
export function normalizeHeader(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Synonyms per field, most specific first: when two columns claim one field, the earlier synonym wins. */
export const HEADER_SYNONYMS: Record<ImportField, string[]> = {
  prefix: ['prefix', 'cidr', 'subnet', 'network', 'prefixflat', 'net', 'networkaddress', 'block'],
  mask: ['mask', 'netmask', 'prefixlength', 'prefixlen', 'masklength', 'masklen', 'subnetmask', 'length', 'bits'],
  address: ['address', 'ipaddress', 'ip', 'ipaddr', 'ipv4address', 'ipv6address', 'hostaddress'],
  space: ['space', 'vrf', 'addressspace', 'vrfname'],
  location: ['location', 'site', 'scope', 'locationcode', 'datacenter'],
  vlan: ['vlan', 'vid', 'vlanid', 'vlannumber'],
  customer: ['customer', 'tenant', 'customerid', 'tenantid', 'client'],
  service: ['service', 'serviceid'],
  device: ['device', 'devicename', 'devicevm', 'server'],
  description: ['description', 'notes', 'note', 'comments', 'comment', 'desc', 'remarks'],
  status: ['status', 'state', 'ipstate', 'allocationstatus'],
  parked: ['parked', 'unavailable', 'isunavailable'],
  pool: ['pool', 'ippool', 'ispool', 'isippool'],
  rdns: ['rdns', 'dnsname', 'hostname', 'ptr', 'ptrname', 'reversedns', 'fqdn'],
  rdns_updated_at: ['rdnsupdatedat', 'rdnsupdated', 'ptrupdatedat'],
  management: ['management', 'ismanagement', 'mgmt'],
  purpose: ['purpose', 'role'],
  kind: ['kind', 'rowkind'],
};

/** Columns FluxPlan's own export writes for people to read; the import knows them and leaves them alone. */
export const EXPORT_ONLY_HEADERS = ['effectivelocation', 'effectivevlan', 'parent'];

export const LAYOUTS = ['fluxplan', 'netbox-prefixes', 'netbox-ips', 'phpipam-subnets', 'phpipam-ips', 'generic'] as const;
export type Layout = (typeof LAYOUTS)[number];

/**
 * Recognizes the export layouts FluxPlan reads without manual mapping, from the normalized headers.
 * A layout adds its own synonyms (phpIPAM's "Tag" is the address state) and ignores its bookkeeping columns.
 */
export function detectLayout(normalized: string[]): Layout {
  const has = (h: string) => normalized.includes(h);
  if (has('kind') && (has('cidr') || has('address')) && has('effectivelocation')) return 'fluxplan';
  if (has('prefix') && has('status') && (has('children') || has('utilization') || has('vrf') || has('tenant') || has('scopetype'))) return 'netbox-prefixes';
  if (has('ipaddress') && has('status') && (has('dnsname') || has('assigned') || has('vrf') || has('tenant') || has('role'))) return 'netbox-ips';
  if (has('section') && (has('subnet') || has('ipaddress') || has('ipaddr') || has('ip'))) {
    return has('ipaddress') || has('ipaddr') || has('ip') ? 'phpipam-ips' : 'phpipam-subnets';
  }
  return 'generic';
}

/** Extra synonyms a layout brings, and headers it knows to carry nothing FluxPlan keeps. */
export const LAYOUT_RULES: Record<Layout, { synonyms: Partial<Record<ImportField, string[]>>; ignore: string[] }> = {
  fluxplan: { synonyms: {}, ignore: [] },
  'netbox-prefixes': { synonyms: {}, ignore: ['id', 'children', 'utilization', 'depth', 'markedutilized', 'tags', 'scopetype', 'created', 'lastupdated'] },
  'netbox-ips': {
    synonyms: {},
    ignore: ['id', 'assigned', 'interface', 'natinside', 'natoutside', 'tags', 'created', 'lastupdated', 'assignedobjecttype', 'assignedobjectid', 'isprimary'],
  },
  // phpIPAM's IP export writes the address's subnet beside it; the "Subnet" column is that subnet, not a row of its own.
  'phpipam-subnets': { synonyms: {}, ignore: ['section', 'domain', 'vlandomain', 'mastersubnet', 'requests', 'hostcheck', 'discover'] },
  'phpipam-ips': { synonyms: { status: ['tag'] }, ignore: ['section', 'mac', 'owner', 'port', 'gateway', 'isgateway', 'fwobject'] },
  generic: { synonyms: {}, ignore: [] },
};

// ---------------------------------------------------------------- statuses

/**
 * What a status means here. free and container: unallocated (subdivided when rows sit inside);
 * allocated: an allocated leaf, nothing may sit inside it; active (NetBox): allocated, or subdivided
 * keeping its data when rows sit inside; reserved: parked, allocated when linked to a customer;
 * parked: parked; pool: an IP pool.
 */
export const STATUS_TARGETS = ['free', 'container', 'allocated', 'active', 'reserved', 'parked', 'pool'] as const;
export type StatusTarget = (typeof STATUS_TARGETS)[number];

/** The built-in vocabulary: FluxPlan's own words, NetBox's prefix and IP statuses, phpIPAM's address states. */
export const STATUS_VOCABULARY: Record<string, StatusTarget> = {
  // FluxPlan
  unallocated: 'free',
  free: 'free',
  available: 'free',
  subdivided: 'container',
  allocated: 'allocated',
  assigned: 'allocated',
  parked: 'parked',
  unavailable: 'parked',
  pool: 'pool',
  ippool: 'pool',
  // NetBox prefixes and IP addresses
  container: 'container',
  active: 'active',
  reserved: 'reserved',
  deprecated: 'parked',
  dhcp: 'parked',
  slaac: 'active',
  // phpIPAM address states
  used: 'active',
  offline: 'active',
};

export function normalizeStatus(text: string): string {
  return normalizeHeader(text);
}

// ---------------------------------------------------------------- cells

const TRUE = new Set(['yes', 'y', 'true', 't', '1', 'x', '✓', '✔', 'on']);
const FALSE = new Set(['no', 'n', 'false', 'f', '0', '', '✗', '✘', 'off', '-']);

/** A yes/no cell; undefined when it is neither. */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return undefined;
}

/** Characters that make a spreadsheet program read a cell as a formula. */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/**
 * Export side: a cell that a spreadsheet would run as a formula gets a leading apostrophe, and so does
 * one that already starts with apostrophes before such a character, so that reading strips exactly one.
 */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Import side: undoes neutralizeCell (and a planner's own leading apostrophe before a formula character). */
export function unneutralizeCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value) ? value.slice(1) : value;
}

/** NetBox writes a VLAN as "name (vid)"; FluxPlan exports it the same way when the VLAN has a name. */
export function formatVlanCell(vid: number, name: string | null): string {
  return name ? `${name} (${vid})` : String(vid);
}
