/** Reads one command line into a contract method and its arguments; global options may stand anywhere. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FluxError } from '../../shared/errors';
import { COMMANDS, GLOBAL_FLAGS, type Command, type Flag } from './commands';

export interface Parsed {
  command: Command | null;
  args: Record<string, unknown>;
  globals: { db?: string; json: boolean; space?: string; help: boolean };
  /** The command words typed so far, for help on a group such as `subnet`. */
  words: string[];
  /** `batch`: commands come from stdin, one JSON array per line. */
  batch: boolean;
}

const ALL_FLAGS: Flag[] = [...GLOBAL_FLAGS, ...COMMANDS.flatMap((c) => c.flags)];
const OPTIONS = Object.fromEntries(
  ALL_FLAGS.map((fl) => [fl.name, { type: fl.type === 'bool' ? ('boolean' as const) : ('string' as const), multiple: fl.type === 'list' }]),
);

function usage(message: string): FluxError {
  return new FluxError('USAGE', message);
}

export const field = (fl: Flag) => fl.field ?? fl.name.replace(/-/g, '_');

function toInt(text: string, what: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw usage(`${what} must be a whole number, got "${text}"`);
  return Number(text);
}

function convert(fl: Flag, raw: unknown): unknown {
  switch (fl.type) {
    case 'bool':
      return fl.value ?? true;
    case 'int':
      return toInt(String(raw), `--${fl.name}`);
    case 'nullable-int':
      return raw === '' || raw === 'none' ? null : toInt(String(raw), `--${fl.name}`);
    case 'nullable-string':
      return raw === '' ? null : raw;
    case 'list':
      return raw;
    case 'json':
      return readJson(String(raw), `--${fl.name}`);
    default:
      return raw;
  }
}

/** A JSON value given inline or as @FILE. */
function readJson(text: string, what: string): unknown {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (e) {
      throw usage(`${what}: cannot read ${text.slice(1)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  try {
    return JSON.parse(source);
  } catch (e) {
    throw usage(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export function parseCommandLine(argv: string[]): Parsed {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (e) {
    throw usage((e as Error).message.replace(/^.*?: /, '').replace(/\. To specify.*$/s, ''));
  }
  const globals = {
    db: values.db as string | undefined,
    json: !!values.json,
    space: values.space as string | undefined,
    help: !!values.help,
  };
  if (positionals[0] === 'batch') {
    if (positionals.length > 1) throw usage(`batch takes no arguments; it reads JSON arrays from stdin`);
    return { command: null, args: {}, globals, words: ['batch'], batch: true };
  }
  const command =
    COMMANDS.filter((c) => c.words.every((w, i) => positionals[i] === w)).sort((a, b) => b.words.length - a.words.length)[0] ?? null;
  if (!command) {
    if (globals.help || positionals.length === 0) return { command: null, args: {}, globals, words: positionals, batch: false };
    const group = COMMANDS.some((c) => c.words[0] === positionals[0]);
    throw usage(group ? `unknown command "${positionals.slice(0, 2).join(' ')}"` : `unknown command "${positionals[0]}"`);
  }
  if (globals.help) return { command, args: {}, globals, words: command.words, batch: false };

  const args: Record<string, unknown> = { ...command.fixed };
  const rest = positionals.slice(command.words.length);
  command.positionals.forEach((p, i) => {
    const v = rest[i];
    if (v === undefined) {
      if (!p.optional) throw usage(`${command.words.join(' ')} needs ${p.name}`);
      return;
    }
    args[p.field] = p.type === 'int' ? toInt(v, p.name) : v;
  });
  if (rest.length > command.positionals.length) throw usage(`unexpected "${rest[command.positionals.length]}" after ${command.words.join(' ')}`);

  for (const [name, raw] of Object.entries(values)) {
    if (GLOBAL_FLAGS.some((g) => g.name === name)) continue;
    const fl = command.flags.find((c) => c.name === name);
    if (!fl) throw usage(`${command.words.join(' ')} has no option --${name}`);
    const key = field(fl);
    if (key in args && fl.type === 'bool') throw usage(`--${name} contradicts another option for ${key.replace(/_/g, '-')}`);
    args[key] = convert(fl, raw);
  }
  if (globals.space !== undefined) args.space = globals.space;
  return { command, args, globals, words: command.words, batch: false };
}
