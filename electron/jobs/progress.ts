/**
 * Progress of long work on standard error, for the command line: rewritten in place on a terminal, one
 * line a second otherwise (and a line for each new phase), and nothing at all for work done within half
 * a second.
 */
import { writeSync } from 'node:fs';

export function stderrProgress(): { report(line: string, newPhase?: boolean): void; end(): void } {
  const started = Date.now();
  const tty = !!process.stderr.isTTY;
  let last = 0;
  let printed = false;
  return {
    report(line, newPhase = false) {
      const now = Date.now();
      if (now - started < 500 || (!tty && !newPhase && now - last < 1000)) return;
      last = now;
      printed = true;
      try {
        writeSync(2, tty ? `\r${line}\x1b[K` : `${line}\n`);
      } catch {
        // standard error closed: nothing to report to
      }
    },
    end() {
      if (printed && tty) writeSync(2, '\n');
    },
  };
}
