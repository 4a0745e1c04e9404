/** One request of an rDNS push, on the engine's synchronous HTTP (electron/net/http.ts). */
import { FluxError } from '../../shared/errors';
import { TransportError, type HttpRequest, type HttpResponse, type SyncHttp } from '../net/http';

const TIMEOUT_MS = 30_000;

/** The provider's answer; no answer at all (no connection, a time-out, a refused certificate) is an error naming the request, never its headers. */
export function send(http: SyncHttp, req: Omit<HttpRequest, 'timeoutMs'>): HttpResponse {
  try {
    return http.request({ ...req, timeoutMs: TIMEOUT_MS });
  } catch (e) {
    if (e instanceof TransportError) throw new FluxError('INTERNAL', `${req.method} ${req.url} failed: ${e.message}`);
    throw e;
  }
}
