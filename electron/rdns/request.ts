/** One request of an rDNS push (electron/net/http.ts): no answer at all is an error naming the request, never its headers. */
import { FluxError } from '../../shared/errors';
import { TransportError, type Http, type HttpRequest, type HttpResponse } from '../net/http';

const TIMEOUT_MS = 30_000;

/** The provider's answer; no answer (no connection, a time-out, a refused certificate) is a FluxError; a cancel throws the signal's reason. */
export async function send(http: Http, req: Omit<HttpRequest, 'timeoutMs'>): Promise<HttpResponse> {
  try {
    return await http.request({ ...req, timeoutMs: TIMEOUT_MS });
  } catch (e) {
    if (e instanceof TransportError) throw new FluxError('INTERNAL', `${req.method} ${req.url} failed: ${e.message}`);
    throw e;
  }
}
