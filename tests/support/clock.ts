import { afterEach, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Fakes Date only (the engine stamps rows with new Date()) and moves it one second per tick, so
 * that every step of a test writes distinct, predictable times.
 */
export function steppingClock(start = '2030-01-01T00:00:00.000Z') {
  vi.useFakeTimers({ toFake: ['Date'] });
  let now = Date.parse(start);
  vi.setSystemTime(now);
  return {
    tick(): string {
      now += 1000;
      vi.setSystemTime(now);
      return new Date(now).toISOString();
    },
  };
}
