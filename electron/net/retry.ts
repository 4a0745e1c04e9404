/**
 * Retrying a request that may pass on a later attempt, for every caller out (sync, Cloudflare): one
 * loop, one parser of Retry-After, and waits that end at once when the caller cancels. Each caller
 * keeps its own policy (how many attempts, how long between them, which answers are worth another try).
 */
import { TransportError } from './http';

/** Retry-After in milliseconds (the header gives seconds or an HTTP date); null without a usable one. */
export function retryAfterMs(header: string | undefined | null, now = Date.now()): number | null {
  if (!header) return null;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

/** Waits `ms`; a cancel ends the wait at once by throwing the signal's reason. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
}

export interface RetryPolicy<T extends Answer> {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The wait before attempt n (n >= 2), given what the last answer's Retry-After asked for. */
  wait(n: number, retryAfter: number | null): number;
  /** Answers worth another attempt (e.g. 429 and 5xx). */
  retryStatus(status: number): boolean;
  /** Whether a request that got no answer is tried again (a refused certificate never is). */
  retryTransport: boolean;
  signal?: AbortSignal;
  /** Told before each wait, with why (never a header). */
  onRetry?(n: number, waitMs: number, problem: string): void;
  /**
   * Before an attempt that follows a lost answer or a 5xx: an answer found another way (e.g. the
   * tenant says the changeset already landed) ends the retries with it.
   */
  beforeRetry?(): Promise<T | null>;
}

/**
 * Runs `attempt` until it gives an answer not worth retrying, or the attempts are spent. Returns the
 * last answer (which may still be one worth retrying, when the attempts ran out) and why the one before
 * it was retried; throws the last TransportError when no attempt got an answer.
 */
export async function retrying<T extends Answer>(attempt: () => Promise<T>, policy: RetryPolicy<T>): Promise<{ answer: T; problem: string }> {
  let retryAfter: number | null = null;
  let problem = '';
  for (let n = 1; ; n++) {
    if (n > 1) {
      const wait = policy.wait(n, retryAfter);
      policy.onRetry?.(n, wait, problem);
      await sleep(wait, policy.signal);
      if (policy.beforeRetry && (problem.startsWith('no answer') || problem.startsWith('5'))) {
        const known = await policy.beforeRetry();
        if (known) return { answer: known, problem };
      }
    }
    retryAfter = null;
    let answer: T;
    try {
      answer = await attempt();
    } catch (e) {
      if (e instanceof TransportError && e.kind !== 'tls' && policy.retryTransport && n < policy.attempts) {
        problem = `no answer: ${e.message}`;
        continue;
      }
      throw e;
    }
    if (!policy.retryStatus(answer.status) || n >= policy.attempts) return { answer, problem: problemOf(answer, retryAfterMs(answer.headers['retry-after'])) };
    retryAfter = retryAfterMs(answer.headers['retry-after']);
    problem = problemOf(answer, retryAfter);
  }
}

function problemOf(answer: Answer, retryAfter: number | null): string {
  return `${answer.status}${retryAfter !== null ? `, retry after ${retryAfter / 1000} s` : ''}`;
}
