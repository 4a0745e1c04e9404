import { COMMANDS, GLOBAL_FLAGS, type Command, type Flag } from './commands';

const flagLine = (fl: Flag) => `  --${fl.name}${fl.type === 'bool' ? '' : fl.type === 'list' ? ' VALUE...' : ' VALUE'}`.padEnd(28) + fl.help;
const synopsis = (c: Command) => [...c.words, ...c.positionals.map((p) => (p.optional ? `[${p.name}]` : p.name))].join(' ');

export function helpText(words: string[] = []): string {
  const matching = COMMANDS.filter((c) => words.every((w, i) => c.words[i] === w));
  // `sync` is both a command and a group (`sync status`): the exact command wins.
  const exact = matching.find((c) => c.words.length === words.length);
  if (words.length && (exact || matching.length === 1)) {
    const c = exact ?? matching[0]!;
    return [`fluxplan ${synopsis(c)} [options]`, '', c.summary, '', 'Options:', ...c.flags.map(flagLine), '', 'Global options:', ...GLOBAL_FLAGS.map(flagLine)].join('\n');
  }
  const list = (matching.length ? matching : COMMANDS).map((c) => `  ${synopsis(c).padEnd(30)} ${c.summary}`);
  return [
    'FluxPlan: plan IPv4 and IPv6 address space offline.',
    '',
    'Usage: fluxplan COMMAND [options]    (fluxplan COMMAND --help for its options)',
    '',
    'Commands:',
    ...list,
    '  batch'.padEnd(32) + ' read JSON arrays of arguments, one per line, from stdin',
    '',
    'Global options (anywhere on the line):',
    ...GLOBAL_FLAGS.map(flagLine),
    '',
    'Exit codes: 0 success, 1 refused (or partial result), 2 bad usage.',
  ].join('\n');
}
