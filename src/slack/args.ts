/** Splits slash-command text into words; "double" or “curly” quotes keep spaces together. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

/** Longest command text relbot reads; Slack itself sends at most about 4,000 characters. */
export const MAX_COMMAND_TEXT = 4000;
