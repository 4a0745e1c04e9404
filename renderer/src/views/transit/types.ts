import type { MethodResult } from '../../../../shared/api/contract';

export type TransitItem = MethodResult<'transit.list'>['services'][number];
export type Transit = MethodResult<'transit.get'>['transit'];
