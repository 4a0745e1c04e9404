/**
 * The command-line host: one process, one plan, one method call (or many, with `batch`).
 * Exit codes: 0 success, 1 refused or partial, 2 bad usage.
 */
import { createInterface } from 'node:readline';
import { contract } from '../../shared/api/contract';
import { FluxError, isFluxError } from '../../shared/errors';
import { invoke, toErrorBody } from '../api/handlers';
import { defaultPlanPath } from '../db/paths';
import { Plan } from '../plan';
import { human } from './format';
import { helpText } from './help';
import { parseCommandLine, type Parsed } from './parse';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  lines(): AsyncIterable<string>;
}

const processIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  lines: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
};

function exitCodeFor(e: unknown, interrupted = false): number {
  // Stopped by Ctrl-C: the shell's convention for a command ended by SIGINT.
  if (interrupted) return 130;
  return isFluxError(e) && e.code === 'USAGE' ? 2 : 1;
}

/**
 * Ctrl-C during an async command (a sync, a push, an import): the first asks it to stop at its next
 * safe point (an import rolls back, a sync never cuts off a changeset on its way); the second quits.
 */
function interruptible(io: Io): { signal: AbortSignal; interrupted(): boolean; done(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.err('fluxplan: stopping at the next safe point (Ctrl-C again to quit at once)');
    controller.abort(new FluxError('CANCELLED', 'interrupted (Ctrl-C)'));
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, interrupted: () => controller.signal.aborted, done: () => process.off('SIGINT', onSigint) };
}

function report(io: Io, json: boolean, e: unknown): void {
  const body = toErrorBody(e);
  if (json) io.out(JSON.stringify({ error: body }));
  else io.err(`fluxplan: ${body.message}${body.code === 'USAGE' ? ' (see fluxplan --help)' : ''}`);
}

/** Runs one parsed command against an open plan and returns its result and exit code. */
async function run(plan: Plan, parsed: Parsed, signal?: AbortSignal): Promise<{ result: unknown; code: number }> {
  const result: unknown = await invoke(plan, parsed.command!.method, parsed.args, { signal });
  return { result, code: parsed.command!.exitCode?.(result) ?? 0 };
}

export async function main(argv: string[], io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    report(io, argv.includes('--json'), e);
    return exitCodeFor(e);
  }
  if (!parsed.command && !parsed.batch) {
    io.out(helpText(parsed.words));
    return parsed.globals.help ? 0 : 2;
  }
  if (parsed.globals.help) {
    io.out(helpText(parsed.words));
    return 0;
  }
  let plan: Plan;
  try {
    plan = Plan.open(parsed.globals.db ?? defaultPlanPath(env), { quickCheck: 'small' });
  } catch (e) {
    report(io, parsed.globals.json || parsed.batch, e);
    return 1;
  }
  const interrupt = parsed.command && contract[parsed.command.method].async ? interruptible(io) : null;
  try {
    if (parsed.batch) return await runBatch(plan, parsed, io);
    const { result, code } = await run(plan, parsed, interrupt?.signal);
    const command = parsed.command!;
    io.out(parsed.globals.json ? JSON.stringify(result) : command.human ? command.human(result) : human(command.method, result as never));
    return code;
  } catch (e) {
    report(io, parsed.globals.json, e);
    return exitCodeFor(e, interrupt?.interrupted());
  } finally {
    interrupt?.done();
    plan.close();
  }
}

/**
 * One JSON result line per input line; a failed line prints {"error": ...} and the batch goes on.
 * Lines that arrive together (one read from stdin) share a commit, and their results are printed
 * only once it is durable; a script that writes a line and waits gets its answer straight away.
 * An async command (a sync, a push, an import) first commits what came before it and runs outside
 * the group: no transaction is ever held open while it waits.
 */
async function runBatch(plan: Plan, outer: Parsed, io: Io): Promise<number> {
  let failures = 0;
  let lineNo = 0;
  let pending: string[] = [];
  const flush = () => {
    plan.commitGroup();
    for (const line of pending) io.out(line);
    pending = [];
  };
  let flushTimer: NodeJS.Immediate | null = null;
  try {
    for await (const line of io.lines()) {
      lineNo++;
      if (!line.trim()) continue;
      const { text, failed } = await batchLine(plan, outer, line, lineNo, flush);
      if (failed) failures++;
      pending.push(text);
      if (pending.length >= 1000) flush();
      if (!flushTimer) {
        flushTimer = setImmediate(() => {
          flushTimer = null;
          flush();
        });
      }
    }
  } finally {
    if (flushTimer) clearImmediate(flushTimer);
    flush();
  }
  return failures ? 1 : 0;
}

async function batchLine(plan: Plan, outer: Parsed, line: string, lineNo: number, flush: () => void): Promise<{ text: string; failed: boolean }> {
  try {
    let words: unknown;
    try {
      words = JSON.parse(line);
    } catch {
      throw new FluxError('USAGE', `line ${lineNo}: not JSON`);
    }
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) {
      throw new FluxError('USAGE', `line ${lineNo}: expected a JSON array of strings, like ["tree","--depth","1"]`);
    }
    const parsed = parseCommandLine(words);
    if (parsed.batch || !parsed.command) throw new FluxError('USAGE', `line ${lineNo}: expected a command`);
    if (parsed.globals.db !== undefined) throw new FluxError('USAGE', `line ${lineNo}: --db cannot change inside a batch`);
    if (parsed.globals.space === undefined && outer.globals.space !== undefined) parsed.args.space = outer.globals.space;
    if (contract[parsed.command.method].async) flush();
    else plan.beginGroup();
    const { result, code } = await run(plan, parsed);
    return { text: JSON.stringify(result), failed: code !== 0 };
  } catch (e) {
    return { text: JSON.stringify({ error: toErrorBody(e) }), failed: true };
  }
}
