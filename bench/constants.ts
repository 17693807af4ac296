/**
 * Constants shared by the bench processes. Kept free of imports so that the bare Bolt baseline
 * loads nothing but @slack/bolt (its RSS is the denominator of the memory ratio).
 */
export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-bench';
export const FLOOD_COMMAND = '/bench-flood';
export const APPROVE_ACTION = 'cherrypick_approve';
/** The seeded #release-management channel (src/sandbox/seed.ts CHANNEL). */
export const BENCH_CHANNEL = 'CJH2GBF7Y';

/**
 * The label a request is reported under: the command and its subcommand word, with a cycle
 * version folded into `1.XX` (`/schedule 1.37` → `/schedule 1.XX`). Used by the load driver and
 * by the bare baseline (which answers each label with relbot's mean answer size for it).
 */
export function labelOf(command: string, text: string): string {
  const word = text.trim().split(/\s+/, 1)[0] ?? '';
  if (!word) return command;
  return `${command} ${/^v?\d+\.\d+$/.test(word) ? '1.XX' : word}`;
}
