/**
 * One spreadsheet row into one import row: the address or prefix read with the shared CIDR module,
 * every other cell checked, and every problem of the row named with its column and an error code.
 */
import { formatAddress, maskOf, netmaskLength, parseAddress, parseCidr, type IpVersion } from '../../shared/cidr';
import { STATUS_VOCABULARY, normalizeStatus, parseBoolean, unneutralizeCell, type ImportField, type StatusTarget } from '../../shared/import/fields';
import { isFluxError } from '../../shared/errors';
import type { SheetMap } from './mapping';

/** Stable codes of row problems; scripts match on them. */
export type RowCode =
  | 'INVALID_ADDRESS'
  | 'INVALID_CIDR'
  | 'HOST_BITS_SET'
  | 'IPV4_MAPPED'
  | 'ZONE_INDEX'
  | 'OVERLAP'
  | 'DUPLICATE'
  | 'IP_OUTSIDE'
  | 'VLAN_RANGE'
  | 'UNKNOWN_STATUS'
  | 'UNKNOWN_VLAN'
  | 'VLAN_NO_LOCATION'
  | 'INVALID_VALUE'
  | 'MISSING'
  | 'CONFLICT'
  | 'MAPPING';

export interface Problem {
  field: ImportField | null;
  code: RowCode;
  message: string;
  suggestion?: string;
}

export interface VlanCell {
  vid: number | null;
  name: string | null;
}

/**
 * A row of the file. Optional data fields are undefined when the sheet has no such column, null when
 * the cell is empty (an empty cell clears the value on update), else the value.
 */
export interface FileRow {
  sheet: number;
  row: number;
  ip: boolean;
  space: string;
  version: IpVersion;
  /** Network (subnet rows) or address (IP rows). */
  net: bigint;
  /** Prefix length; for an IP row the length of the subnet it names (10.0.0.5/24), else -1. */
  len: number;
  status: StatusTarget | null | undefined;
  parked: boolean | null | undefined;
  pool: boolean | null | undefined;
  location: string | null | undefined;
  vlan: VlanCell | null | undefined;
  customer: string | null | undefined;
  service: string | null | undefined;
  device: string | null | undefined;
  description: string | null | undefined;
  rdns: string | null | undefined;
  rdns_updated_at: string | null | undefined;
  management: boolean | null | undefined;
  purpose: string | null | undefined;
}

function problem(field: ImportField | null, code: RowCode, message: string, suggestion?: string): Problem {
  return suggestion === undefined ? { field, code, message } : { field, code, message, suggestion };
}

/** Classifies an address the shared module refuses: zone index, IPv4-mapped, or just not an address. */
function addressProblem(field: ImportField, text: string, e: unknown): Problem {
  const message = isFluxError(e) ? e.message : String(e);
  if (text.includes('%')) return problem(field, 'ZONE_INDEX', `"${text}" carries a zone index (%...); FluxPlan stores addresses without zones: remove the %${text.split('%')[1]} part`);
  if (/IPv4-mapped/.test(message)) return problem(field, 'IPV4_MAPPED', `"${text}" is an IPv4-mapped IPv6 address; write the IPv4 address itself`);
  return problem(field, field === 'address' ? 'INVALID_ADDRESS' : 'INVALID_CIDR', message.replace(/^"[^"]*" is not a valid CIDR prefix: /, `"${text}" is not a valid prefix: `));
}

/** A mask cell: a prefix length (24 or /24) or, for IPv4, a dotted netmask (255.255.255.0). */
function maskLength(text: string, version: IpVersion): number | Problem {
  const t = text.trim().replace(/^\//, '');
  const bits = version === 4 ? 32 : 128;
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t);
    if (n <= bits) return n;
    return problem('mask', 'INVALID_CIDR', `mask "${text}" is not a prefix length for IPv${version} (0-${bits})`);
  }
  if (version === 4 && t.includes('.')) {
    try {
      return netmaskLength(t);
    } catch (e) {
      return problem('mask', 'INVALID_CIDR', `mask "${text}": ${isFluxError(e) ? e.message : String(e)}`);
    }
  }
  return problem('mask', 'INVALID_CIDR', `mask "${text}" is neither a prefix length nor a dotted netmask`);
}

const VLAN_NAMED = /^(.*\S)\s*\((\d+)\)$/;

export function parseVlan(text: string): VlanCell | Problem {
  const t = text.trim();
  const range = (vid: number) => problem('vlan', 'VLAN_RANGE', `VLAN ${vid} is out of range: a VLAN ID is 1-4094`);
  if (/^\d+$/.test(t)) {
    const vid = Number(t);
    return vid >= 1 && vid <= 4094 ? { vid, name: null } : range(vid);
  }
  if (/^-\d+$/.test(t)) return range(Number(t));
  const named = VLAN_NAMED.exec(t);
  if (named) {
    const vid = Number(named[2]);
    return vid >= 1 && vid <= 4094 ? { vid, name: named[1]! } : range(vid);
  }
  return { vid: null, name: t };
}

export interface RowContext {
  map: SheetMap;
  sheet: number;
  defaultSpace: string;
  statuses: Map<string, StatusTarget>;
  /** phpIPAM writes folders as "name (folder)" in the subnet column. */
  skipFolders: boolean;
}

export type Parsed = { row: FileRow; problems: Problem[] } | { row: null; problems: Problem[]; skipped?: string };

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && 'code' in v && 'message' in v;
}

/** Reads one row; `cells` are the raw texts. Returns null for a row with nothing in it. */
export function parseRow(cells: string[], rowNo: number, ctx: RowContext): Parsed | null {
  const { index } = ctx.map;
  const problems: Problem[] = [];
  let blank = true;
  for (const c of cells) {
    if (c !== '' && c.trim() !== '') {
      blank = false;
      break;
    }
  }
  if (blank) return null;
  const cell = (field: ImportField): string | undefined => {
    const i = index[field];
    if (i === undefined) return undefined;
    return unneutralizeCell((cells[i] ?? '').trim());
  };
  const text = (field: ImportField): string | null | undefined => {
    const v = cell(field);
    return v === undefined ? undefined : v === '' ? null : v;
  };
  const flag = (field: ImportField): boolean | null | undefined => {
    const v = cell(field);
    if (v === undefined) return undefined;
    if (v === '') return null;
    const b = parseBoolean(v);
    if (b === undefined) {
      problems.push(problem(field, 'INVALID_VALUE', `"${v}" is not yes or no`));
      return null;
    }
    return b;
  };

  const prefixText = cell('prefix') ?? '';
  const addressText = cell('address') ?? '';
  const maskText = cell('mask') ?? '';
  const kindText = (cell('kind') ?? '').toLowerCase();
  if (ctx.skipFolders && addressText === '' && /\(folder\)$/i.test(prefixText)) {
    return { row: null, problems: [], skipped: `"${prefixText}" is a phpIPAM folder, not a subnet` };
  }
  if (kindText && !['subnet', 'ip', 'address', 'prefix'].includes(kindText)) problems.push(problem('kind', 'INVALID_VALUE', `kind "${kindText}" is neither subnet nor ip`));
  const isIp = addressText !== '' || kindText === 'ip' || kindText === 'address';
  if (!isIp && prefixText === '') {
    problems.push(problem(null, 'MISSING', 'the row has neither a prefix nor an address'));
    return { row: null, problems };
  }
  if ((kindText === 'ip' || kindText === 'address') && addressText === '') {
    problems.push(problem('address', 'MISSING', 'the row is an IP address row but its address is empty'));
    return { row: null, problems };
  }

  let version: IpVersion = 4;
  let value = 0n;
  let len = -1;
  // The other cells are checked even when the address or prefix is wrong: every problem is reported at once.
  let ok = true;
  position: if (isIp) {
    const slash = addressText.indexOf('/');
    const bare = slash < 0 ? addressText : addressText.slice(0, slash);
    try {
      const a = parseAddress(bare);
      version = a.version;
      value = a.value;
    } catch (e) {
      problems.push(addressProblem('address', bare, e));
      ok = false;
      break position;
    }
    if (slash >= 0) {
      const l = maskLength(addressText.slice(slash + 1), version);
      if (isProblem(l)) problems.push({ ...l, field: 'address', code: 'INVALID_ADDRESS', message: `"${addressText}": ${l.message}` });
      else len = l;
    } else if (maskText !== '') {
      const l = maskLength(maskText, version);
      if (isProblem(l)) problems.push(l);
      else len = l;
    }
    if (len < 0 && prefixText !== '') {
      // phpIPAM writes the address's subnet beside it: that subnet is the one it names.
      try {
        const p = parseCidr(prefixText);
        if (p.version === version && (value & maskOf(version, p.len)) === p.net) len = p.len;
      } catch {
        // Only a hint; an unreadable one is ignored.
      }
    }
  } else {
    let t = prefixText;
    if (maskText !== '') {
      const slash = prefixText.indexOf('/');
      const probe = (() => {
        try {
          return parseAddress(slash < 0 ? prefixText : prefixText.slice(0, slash)).version;
        } catch {
          return 4 as IpVersion;
        }
      })();
      const l = maskLength(maskText, probe);
      if (isProblem(l)) {
        problems.push(l);
        ok = false;
        break position;
      }
      if (slash >= 0 && prefixText.slice(slash + 1).trim() !== String(l)) {
        problems.push(problem('mask', 'INVALID_CIDR', `the prefix "${prefixText}" and the mask "${maskText}" (/${l}) disagree`));
        ok = false;
        break position;
      }
      t = slash < 0 ? `${prefixText}/${l}` : prefixText;
    }
    try {
      const p = parseCidr(t);
      version = p.version;
      value = p.net;
      len = p.len;
    } catch (e) {
      if (isFluxError(e) && e.code === 'HOST_BITS_SET') {
        const suggestion = String(e.details.suggestion);
        problems.push(problem('prefix', 'HOST_BITS_SET', `"${t}" has host bits set; the network is ${suggestion}`, suggestion));
      } else {
        const bare = t.includes('/') ? t.slice(0, t.indexOf('/')) : t;
        problems.push(isFluxError(e) && /zone|IPv4-mapped/.test(e.message) ? addressProblem('prefix', bare, e) : problem('prefix', 'INVALID_CIDR', isFluxError(e) ? e.message : String(e)));
      }
      ok = false;
    }
  }

  let status: StatusTarget | null | undefined;
  const statusText = cell('status');
  if (statusText !== undefined) {
    if (statusText === '') status = null;
    else {
      const n = normalizeStatus(statusText);
      status = ctx.statuses.get(n) ?? STATUS_VOCABULARY[n];
      if (status === undefined) {
        const known = [...new Set([...Object.keys(STATUS_VOCABULARY), ...ctx.statuses.keys()])].join(', ');
        problems.push(problem('status', 'UNKNOWN_STATUS', `status "${statusText}" is not known; known statuses: ${known} (map others with --status "${statusText}=TARGET")`));
        status = null;
      }
    }
  }

  let vlan: VlanCell | null | undefined;
  const vlanText = cell('vlan');
  if (vlanText !== undefined) {
    if (vlanText === '') vlan = null;
    else {
      const v = parseVlan(vlanText);
      if (isProblem(v)) {
        problems.push(v);
        vlan = null;
      } else vlan = v;
    }
  }

  let space = ctx.defaultSpace;
  const spaceText = cell('space');
  if (spaceText) space = spaceText.toLowerCase() === 'global' ? 'global' : spaceText;

  const management = flag('management');
  const parked = flag('parked');
  const pool = flag('pool');
  if (!ok) return { row: null, problems };
  const row: FileRow = {
    sheet: ctx.sheet,
    row: rowNo,
    ip: isIp,
    space,
    version,
    net: value,
    len,
    status,
    parked,
    pool,
    location: text('location'),
    vlan,
    customer: text('customer'),
    service: text('service'),
    device: text('device'),
    description: text('description'),
    rdns: text('rdns'),
    rdns_updated_at: text('rdns_updated_at'),
    management,
    purpose: text('purpose'),
  };
  if (!isIp && len >= 0 && row.pool && status !== undefined && status !== null && ['allocated', 'container'].includes(status)) {
    problems.push(problem('pool', 'CONFLICT', `an IP pool is an unallocated leaf; status "${statusText}" contradicts it`));
  }
  if (isIp && row.pool) problems.push(problem('pool', 'INVALID_VALUE', `${formatAddress(version, value)} is an address; only a subnet can be an IP pool`));
  return { row, problems };
}
