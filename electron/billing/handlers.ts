import type { HandlerMap } from '../api/handler';
import type { Plan } from '../plan';
import { getTransit } from './store';
import {
  addTransit,
  bill,
  chart,
  clearServiceSamples,
  getSettings,
  importSamples,
  list,
  removeTransit,
  sampleCycles,
  setSetting,
  setTransit,
  transitView,
} from './transit';

const view = (plan: Plan, service: string) => ({ transit: transitView(plan, getTransit(plan, service)) });

export const billingHandlers: HandlerMap<
  | 'transit.add'
  | 'transit.set'
  | 'transit.remove'
  | 'transit.get'
  | 'transit.list'
  | 'transit.samples.import'
  | 'transit.samples.clear'
  | 'transit.bill'
  | 'transit.chart'
  | 'transit.settings.get'
  | 'transit.settings.set'
> = {
  'transit.add': (plan, { service, ...a }) =>
    plan.mutate(`add transit ${service}`, () => {
      addTransit(plan, service, a);
      return view(plan, service);
    }),
  'transit.set': (plan, { service, ...a }) =>
    plan.mutate(`edit transit ${service}`, () => {
      setTransit(plan, service, a);
      return view(plan, service);
    }),
  'transit.remove': (plan, a) =>
    plan.mutate(`remove transit ${a.service}`, () => {
      removeTransit(plan, a.service);
      return { removed: a.service };
    }),
  'transit.get': (plan, a) =>
    plan.read(() => {
      const t = getTransit(plan, a.service);
      return { transit: transitView(plan, t), cycles: sampleCycles(plan, t) };
    }),
  'transit.list': (plan, a) => list(plan, a),
  'transit.samples.import': (plan, a) => importSamples(plan, a),
  'transit.samples.clear': (plan, a) =>
    plan.mutate(`clear samples of transit ${a.service}`, () => ({ service: a.service, deleted: clearServiceSamples(plan, a.service, a.from, a.to) })),
  'transit.bill': (plan, a) => bill(plan, a),
  'transit.chart': (plan, a) => chart(plan, a),
  'transit.settings.get': (plan, a) => getSettings(plan, a.key),
  'transit.settings.set': (plan, a) => setSetting(plan, a.key, a.value),
};
