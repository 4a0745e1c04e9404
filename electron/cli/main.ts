/**
 * The command-line host: one process, one plan, one method call (or many, with `batch`).
 * Exit codes: 0 success, 1 refused or partial, 2 bad usage.
 */
import { createInterface } from 'node:readline';
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

function exitCodeFor(e: unknown): number {
  return isFluxError(e) && e.code === 'USAGE' ? 2 : 1;
}

function report(io: Io, json: boolean, e: unknown): void {
  const body = toErrorBody(e);
  if (json) io.out(JSON.stringify({ error: body }));
  else io.err(`fluxplan: ${body.message}${body.code === 'USAGE' ? ' (see fluxplan --help)' : ''}`);
}

/** Runs one parsed command against an open plan and returns its result and exit code. */
function run(plan: Plan, parsed: Parsed): { result: unknown; code: number } {
  const result = invoke(plan, parsed.command!.method, parsed.args);
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
  try {
    if (parsed.batch) return await runBatch(plan, parsed, io);
    const { result, code } = run(plan, parsed);
    const command = parsed.command!;
    io.out(parsed.globals.json ? JSON.stringify(result) : command.human ? command.human(result) : human(command.method, result as never));
    return code;
  } catch (e) {
    report(io, parsed.globals.json, e);
    return exitCodeFor(e);
  } finally {
    plan.close();
  }
}

/**
 * One JSON result line per input line; a failed line prints {"error": ...} and the batch goes on.
 * Lines that arrive together (one read from stdin) share a commit, and their results are printed
 * only once it is durable; a script that writes a line and waits gets its answer straight away.
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
      plan.beginGroup();
      const { text, failed } = batchLine(plan, outer, line, lineNo);
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

function batchLine(plan: Plan, outer: Parsed, line: string, lineNo: number): { text: string; failed: boolean } {
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
    const { result, code } = run(plan, parsed);
    return { text: JSON.stringify(result), failed: code !== 0 };
  } catch (e) {
    return { text: JSON.stringify({ error: toErrorBody(e) }), failed: true };
  }
}
