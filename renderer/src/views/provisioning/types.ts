import type { MethodResult } from '../../../../shared/api/contract';

export type Service = MethodResult<'service.list'>['services'][number];
export type Device = MethodResult<'device.list'>['devices'][number];
export type Product = MethodResult<'product.list'>['products'][number];
export type Preview = MethodResult<'service.provision'>;
