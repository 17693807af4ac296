import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The schedule and blockers features return domain results and messages; `commands/` turns them
 * into answers. So nothing under their folders imports the Slack command layer or Bolt.
 */

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe.each(['src/schedule', 'src/blockers'])('%s', (dir) => {
  const files = sources(dir);

  test('has sources', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  test('imports neither src/slack/command.ts nor @slack/bolt', () => {
    const offending = files.filter((f) =>
      /from\s+['"](?:[./]*slack\/command|@slack\/bolt)['"]/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(offending).toEqual([]);
  });

  test('builds blocks with the kit: no hand-made section/context/header objects', () => {
    const offending = files.filter((f) =>
      /type:\s*['"](?:section|context|header)['"]/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(offending).toEqual([]);
  });
});
