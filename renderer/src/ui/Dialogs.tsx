/**
 * The carving dialogs. Each previews before it changes anything (split: the children it makes;
 * allocate: the engine's dry run), then runs one API method; refusals show the engine's message.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { MethodResult } from '../../../shared/api/contract';
import type { SubnetView } from '../../../shared/api/types';
import { errorMessage } from '../api';
import { humanCount, prefix, splitPreview, splitTargets, tryPrefix } from '../cidr';
import { useApp, useAppStore } from '../context';
import { CustomerInput, Field, LocationSelect, VlanSelect } from './Field';
import { ErrorLine, Modal } from './Modal';
import { PIECE_PX } from '../map/layout';
import { useQuery } from './useQuery';

/** Creates the customer first when the planner typed a new ID. */
async function ensureCustomer(store: ReturnType<typeof useAppStore>, id: string, onError: (message: string) => void): Promise<boolean> {
  const ref = id.trim();
  if (!ref) return true;
  const st = store.getState();
  if (st.customers.some((c) => c.customer === ref)) return true;
  const r = await st.mutate('customer.add', { id: ref }, { onError });
  return r !== null;
}

export function SplitDialog({ cidr }: { cidr: string }) {
  const store = useAppStore();
  const close = () => store.getState().openDialog(null);
  const targets = splitTargets(cidr);
  const [to, setTo] = useState(targets[Math.min(1, targets.length - 1)] ?? prefix(cidr).len + 1);
  const [error, setError] = useState<string | null>(null);
  const preview = useMemo(() => splitPreview(cidr, to, 6), [cidr, to]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('subnet.split', { space: store.getState().space, cidr, to }, {
      cidr,
      ok: (res) => `Split ${cidr} into ${res.subnets.length} × /${to}`,
    });
    if (r) {
      close();
      // The pieces at once: wide enough on screen for each to show its label (the view stays if it already is).
      void store.getState().reveal(cidr, `${r.subnets.length} × /${to}`, Math.min(r.subnets.length, 16) * PIECE_PX * 1.25);
    } else setError(store.getState().nodeErrors.get(cidr) ?? 'refused');
  };
  return (
    <Modal title="Split into smaller blocks" subtitle={cidr} onClose={close} testid="split-dialog">
      <form onSubmit={submit}>
        <Field label="Split into">
          {(id) => (
            <select id={id} name="to" value={to} onChange={(e) => setTo(Number(e.target.value))}>
              {targets.map((l) => (
                <option key={l} value={l}>/{l} · {humanCount(1n << BigInt(l - prefix(cidr).len))} blocks</option>
              ))}
            </select>
          )}
        </Field>
        <div className="preview" data-testid="split-preview">
          <div className="preview-title">Preview · {humanCount(preview.count)} blocks of /{to}</div>
          <ul className="mono">
            {preview.first.map((c, i) => (
              <li key={c}>{i === preview.first.length - 1 && preview.count > BigInt(preview.first.length) ? <span className="ellipsis">…</span> : null}{c}</li>
            ))}
          </ul>
        </div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary">Split</button>
        </footer>
      </form>
    </Modal>
  );
}

type AllocResult = MethodResult<'allocate.subnet'>;

const STRATEGY_TEXT: Record<AllocResult['strategy'], string> = {
  exact: 'exact fit: a free block of that size was waiting',
  merge: 'merge: free halves were joined back into one block',
  split: 'split: a larger free block was halved down to size',
  chosen: 'chosen block',
};

export function AllocateDialog({ cidr, node }: { cidr: string; node: SubnetView }) {
  const store = useAppStore();
  const close = () => store.getState().openDialog(null);
  const p = prefix(cidr);
  const max = p.version === 4 ? 32 : 128;
  const lengths = Array.from({ length: max - p.len }, (_, i) => p.len + 1 + i);
  const [len, setLen] = useState(Math.min(max, p.version === 4 ? Math.max(p.len + 1, 29) : Math.max(p.len + 1, 64)));
  const [customer, setCustomer] = useState('');
  const [vlan, setVlan] = useState('');
  const [description, setDescription] = useState('');
  const [preview, setPreview] = useState<AllocResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const location = node?.effective_location ?? null;
  const args = () => ({
    space: store.getState().space,
    family: p.version,
    prefix: len,
    pools: [cidr],
    ...(customer.trim() ? { customer: customer.trim() } : {}),
    ...(vlan ? { vlan: Number(vlan) } : {}),
    ...(description.trim() ? { description: description.trim() } : {}),
  });
  // The dry run answers what the engine would do, before anything changes.
  useEffect(() => {
    let live = true;
    setPreview(null);
    setError(null);
    store.getState().api
      .call('allocate.subnet', { space: store.getState().space, family: p.version, prefix: len, pools: [cidr], dry_run: true })
      .then((r) => live && setPreview(r))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [cidr, len, p.version, store]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!(await ensureCustomer(store, customer, setError))) return;
    const r = await store.getState().mutate('allocate.subnet', args(), {
      cidr,
      ok: (res) => `Allocated ${res.cidr}${customer ? ` to ${customer.trim()}` : ''} (${res.strategy})`,
      select: (res) => res.cidr,
      highlight: (res) => ({ cidr: res.cidr, note: res.strategy, at: Date.now() }),
    });
    if (r) {
      close();
      void store.getState().reveal(r.cidr, r.strategy);
    } else setError(store.getState().nodeErrors.get(cidr) ?? 'refused');
  };
  return (
    <Modal title="Allocate the next free block" subtitle={`inside ${cidr}`} onClose={close} testid="allocate-dialog">
      <form onSubmit={submit}>
        <div className="grid2">
          <Field label="Prefix length">
            {(id) => (
              <select id={id} name="prefix" value={len} onChange={(e) => setLen(Number(e.target.value))}>
                {lengths.map((l) => (
                  <option key={l} value={l}>/{l}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Customer">{(id) => <CustomerInput id={id} value={customer} onChange={setCustomer} />}</Field>
          <Field label="VLAN">{(id) => <VlanSelect id={id} location={location} value={vlan} onChange={setVlan} emptyLabel="none" />}</Field>
          <Field label="Description">{(id) => <input id={id} name="description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="what it is for" />}</Field>
        </div>
        <div className="preview" data-testid="allocate-preview">
          <div className="preview-title">Dry run</div>
          {preview ? (
            <>
              <div className="preview-main">
                <span className="mono big" data-testid="preview-cidr">{preview.cidr}</span>
                <span className={`pill strat-${preview.strategy}`}>{preview.strategy}</span>
              </div>
              <div className="hint">{STRATEGY_TEXT[preview.strategy]}{preview.splits.length ? ` · ${preview.splits.length} split${preview.splits.length > 1 ? 's' : ''} (${preview.splits.map((s) => s.cidr).join(', ')})` : ''}{preview.merges.length ? ` · merges ${preview.merges.join(', ')}` : ''}</div>
            </>
          ) : error ? null : (
            <div className="hint">asking the engine…</div>
          )}
        </div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary" disabled={!preview}>Allocate {preview ? preview.cidr : ''}</button>
        </footer>
      </form>
    </Modal>
  );
}

/** A chosen block or a single address, to a customer. */
export function AllocateChosenDialog({ cidr, ip, node, address }: { cidr: string; ip: boolean; node: SubnetView; address?: string | undefined }) {
  const store = useAppStore();
  const close = () => store.getState().openDialog(null);
  const [target, setTarget] = useState(ip ? address ?? '' : cidr);
  const [customer, setCustomer] = useState('');
  const [vlan, setVlan] = useState('');
  const [description, setDescription] = useState('');
  const [purpose, setPurpose] = useState('');
  const [nextIp, setNextIp] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const location = node?.effective_location ?? null;
  useEffect(() => {
    if (!ip) return;
    store.getState().api
      .call('allocate.ip', { space: store.getState().space, family: prefix(cidr).version, pools: [cidr], dry_run: true })
      .then((r) => setNextIp(r.address))
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [cidr, ip, store]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!(await ensureCustomer(store, customer, setError))) return;
    const st = store.getState();
    const links = { ...(customer.trim() ? { customer: customer.trim() } : {}) };
    if (ip) {
      const address = target.trim();
      const r = await st.mutate(
        'allocate.ip',
        { space: st.space, family: prefix(cidr).version, pools: [cidr], ...(address ? { address } : {}), ...links, ...(purpose ? { purpose } : {}), ...(description ? { description } : {}) },
        { cidr, ok: (res) => `Allocated ${res.address}${customer ? ` to ${customer.trim()}` : ''}` },
      );
      if (r) close();
      else setError(store.getState().nodeErrors.get(cidr) ?? 'refused');
      return;
    }
    const chosen = target.trim();
    if (!tryPrefix(chosen)) {
      setError(`"${chosen}" is not a CIDR; write it like ${cidr}`);
      return;
    }
    const r = await st.mutate(
      'allocate.subnet',
      { space: st.space, cidr: chosen, ...links, ...(vlan ? { vlan: Number(vlan) } : {}), ...(description.trim() ? { description: description.trim() } : {}) },
      { cidr, ok: (res) => `Allocated ${res.cidr}${customer ? ` to ${customer.trim()}` : ''}`, select: (res) => res.cidr, highlight: (res) => ({ cidr: res.cidr, note: res.strategy, at: Date.now() }) },
    );
    if (r) close();
    else setError(store.getState().nodeErrors.get(cidr) ?? 'refused');
  };
  return (
    <Modal title={ip ? 'Allocate an address' : 'Allocate this block'} subtitle={cidr} onClose={close} testid="allocate-chosen-dialog">
      <form onSubmit={submit}>
        <div className="grid2">
          <Field label={ip ? 'Address' : 'Block'} hint={ip ? `empty: the next free address${nextIp ? ` (${nextIp})` : ''}` : 'this block, or a smaller one inside it'}>
            {(id) => <input id={id} name="target" className="mono" value={target} onChange={(e) => setTarget(e.target.value)} placeholder={ip ? nextIp ?? '' : cidr} />}
          </Field>
          <Field label="Customer">{(id) => <CustomerInput id={id} value={customer} onChange={setCustomer} />}</Field>
          {ip ? (
            <Field label="Purpose">{(id) => <input id={id} name="purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} placeholder="web, vps, bmc…" />}</Field>
          ) : (
            <Field label="VLAN">{(id) => <VlanSelect id={id} location={location} value={vlan} onChange={setVlan} emptyLabel="none" />}</Field>
          )}
          <Field label="Description">{(id) => <input id={id} name="description" value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        </div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary">Allocate</button>
        </footer>
      </form>
    </Modal>
  );
}

export function AddSubnetDialog({ inside }: { inside: string | null }) {
  const store = useAppStore();
  const close = () => store.getState().openDialog(null);
  const [cidr, setCidr] = useState(inside ?? '');
  const [location, setLocation] = useState('');
  const [vlan, setVlan] = useState('');
  const [description, setDescription] = useState('');
  const [pool, setPool] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const st = store.getState();
    const c = cidr.trim();
    const r = await st.mutate(
      'subnet.add',
      { space: st.space, cidr: c, ...(location ? { location } : {}), ...(vlan ? { vlan: Number(vlan) } : {}), ...(description.trim() ? { description: description.trim() } : {}), ...(pool ? { ip_pool: true } : {}) },
      { cidr: inside, ok: (res) => `Added ${res.subnet.cidr}`, select: (res) => res.subnet.cidr, onError: setError },
    );
    if (r) {
      close();
      void store.getState().reveal(r.subnet.cidr);
    }
  };
  return (
    <Modal title="Add a subnet" subtitle={inside ? `inside ${inside}` : store.getState().space} onClose={close} testid="add-dialog">
      <form onSubmit={submit}>
        <div className="grid2">
          <Field label="CIDR" hint="a new root, or a block inside free space">
            {(id) => <input id={id} name="cidr" className="mono" value={cidr} onChange={(e) => setCidr(e.target.value)} placeholder="203.0.113.0/24" autoFocus />}
          </Field>
          <Field label="Location">{(id) => <LocationSelect id={id} value={location} onChange={(v) => { setLocation(v); setVlan(''); }} emptyLabel="inherit / none" />}</Field>
          <Field label="VLAN">{(id) => <VlanSelect id={id} location={location || null} value={vlan} onChange={setVlan} emptyLabel="none" />}</Field>
          <Field label="Description">{(id) => <input id={id} name="description" value={description} onChange={(e) => setDescription(e.target.value)} placeholder="public pool" />}</Field>
        </div>
        <label className="check">
          <input type="checkbox" name="ip_pool" checked={pool} onChange={(e) => setPool(e.target.checked)} /> IP pool: single addresses are handed out of it
        </label>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary">Add subnet</button>
        </footer>
      </form>
    </Modal>
  );
}

export function EditDialog({ cidr, node }: { cidr: string; node: SubnetView }) {
  const store = useAppStore();
  const close = () => store.getState().openDialog(null);
  const [location, setLocation] = useState(node?.location ?? '');
  const [vlan, setVlan] = useState(node?.vlan != null ? String(node.vlan) : '');
  const [description, setDescription] = useState(node?.description ?? '');
  const [pool, setPool] = useState(!!node?.is_ip_pool);
  const [customer, setCustomer] = useState(node?.customer ?? '');
  const [service, setService] = useState(node?.service ?? '');
  const [device, setDevice] = useState(node?.device ?? '');
  const [error, setError] = useState<string | null>(null);
  const allocated = node?.allocation_status === 'allocated';
  const services = useQuery('service.list', allocated ? {} : null).data?.services ?? [];
  const devices = useQuery('device.list', allocated ? {} : null).data?.devices ?? [];
  const leaf = node?.allocation_status !== 'subdivided';
  const effLocation = location || (node?.location ? null : node?.effective_location) || null;
  /** Only what changed, so that one subnet.set (one undo step) carries the whole edit; "" clears a link. */
  const relink = () => {
    if (!allocated) return {};
    const out: { customer?: string | null; service?: string | null; device?: string | null } = {};
    if (customer.trim() !== (node.customer ?? '')) out.customer = customer.trim() || null;
    if (service.trim() !== (node.service ?? '')) out.service = service.trim() || null;
    if (device !== (node.device ?? '')) out.device = device || null;
    return out;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const st = store.getState();
    const links = relink();
    if (links.customer && !(await ensureCustomer(store, links.customer, setError))) return;
    const r = await st.mutate(
      'subnet.set',
      {
        space: st.space,
        cidr,
        location: location ? location : null,
        vlan: vlan ? Number(vlan) : null,
        description: description.trim() ? description.trim() : null,
        ...(leaf && node?.allocation_status === 'unallocated' ? { ip_pool: pool } : {}),
        ...links,
      },
      { cidr, ok: () => (links.customer !== undefined ? `Saved ${cidr} (now ${links.customer ?? 'no customer'})` : `Saved ${cidr}`) },
    );
    if (!r) return setError(store.getState().nodeErrors.get(cidr) ?? 'refused');
    close();
  };
  return (
    <Modal title="Edit subnet" subtitle={cidr} onClose={close} testid="edit-dialog">
      <form onSubmit={submit}>
        <div className="grid2">
          <Field label="Location" hint={!location && node?.effective_location ? `inherits ${node.effective_location}` : undefined}>
            {(id) => <LocationSelect id={id} value={location} onChange={(v) => { setLocation(v); setVlan(''); }} emptyLabel="inherit / none" />}
          </Field>
          <Field label="VLAN" hint={!vlan && node?.effective_vlan != null ? `inherits VLAN ${node.effective_vlan}` : undefined}>
            {(id) => <VlanSelect id={id} location={effLocation} value={vlan} onChange={setVlan} emptyLabel="inherit / none" />}
          </Field>
          <Field label="Description">{(id) => <input id={id} name="description" value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
          {allocated ? (
            <>
              <Field label="Customer">{(id) => <CustomerInput id={id} value={customer} onChange={setCustomer} />}</Field>
              <Field label="Service">
                {(id) => (
                  <>
                    <input id={id} name="service" list={`${id}-services`} value={service} onChange={(e) => setService(e.target.value)} placeholder="service ID" autoComplete="off" />
                    <datalist id={`${id}-services`}>
                      {services.map((s) => (
                        <option key={s.id} value={s.service}>{[s.customer, s.product].filter(Boolean).join(' · ')}</option>
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <Field label="Device">
                {(id) => (
                  <select id={id} name="device" value={device} onChange={(e) => setDevice(e.target.value)}>
                    <option value="">none</option>
                    {device && !devices.some((d) => d.name === device) && <option value={device}>{device}</option>}
                    {devices.map((d) => (
                      <option key={d.id} value={d.name}>{d.name}{d.location ? ` · ${d.location}` : ''}</option>
                    ))}
                  </select>
                )}
              </Field>
            </>
          ) : null}
        </div>
        {leaf && node?.allocation_status === 'unallocated' ? (
          <label className="check">
            <input type="checkbox" name="ip_pool" checked={pool} onChange={(e) => setPool(e.target.checked)} /> IP pool
          </label>
        ) : null}
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary">Save</button>
        </footer>
      </form>
    </Modal>
  );
}

export function DialogHost() {
  const dialog = useApp((s) => s.dialog);
  const store = useAppStore();
  const [node, setNode] = useState<SubnetView | null>(null);
  const cidr = dialog?.cidr ?? null;
  useEffect(() => {
    setNode(null);
    if (!cidr) return;
    const st = store.getState();
    const known = st.nodes.get(cidr);
    if (known) return setNode(known);
    st.api.call('subnet.get', { space: st.space, cidr }).then((r) => setNode(r.subnet), (e: unknown) => st.toast('error', errorMessage(e)));
  }, [cidr, store]);
  if (!dialog) return null;
  if (dialog.kind === 'add') return <AddSubnetDialog inside={cidr} />;
  if (!cidr || !node || node.cidr !== cidr) return null;
  switch (dialog.kind) {
    case 'split':
      return <SplitDialog key={cidr} cidr={cidr} />;
    case 'allocate':
      return <AllocateDialog key={cidr} cidr={cidr} node={node} />;
    case 'allocate-chosen':
      return <AllocateChosenDialog key={cidr} cidr={cidr} ip={false} node={node} />;
    case 'allocate-ip':
      return <AllocateChosenDialog key={`ip${cidr}${dialog.address ?? ''}`} cidr={cidr} ip node={node} address={dialog.address} />;
    case 'edit':
      return <EditDialog key={cidr} cidr={cidr} node={node} />;
    default:
      return null;
  }
}
