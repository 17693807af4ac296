import type { Deps } from '../deps';
import { UserError } from '../errors';
import type { Message } from '../slack/blocks';
import { escapeMrkdwn } from '../slack/escape';
import { isAdmin } from './access';
import { cfg, store } from './common';
import { pastRosterPath } from './config';
import { parseRoster } from './roster';

/** Past rosters (release-team.md of earlier cycles) read from GitHub, so returning applicants are recognised. */

export async function importPastRosters(
  deps: Deps,
): Promise<{ imported: Record<string, number>; failed: string[] }> {
  const imported: Record<string, number> = {};
  const failed: string[] = [];
  for (const src of cfg(deps).pastRosters) {
    const [owner, repo] = src.repo.split('/') as [string, string];
    const path = pastRosterPath(src);
    try {
      const res = await deps.github.rest.repos.getContent({
        owner,
        repo,
        path,
        ref: src.ref,
        mediaType: { format: 'raw' },
      });
      const text = typeof res.data === 'string' ? res.data : decodeContent(res.data);
      imported[src.version] = store(deps).importRoster(parseRoster(text), src.version);
    } catch (err) {
      failed.push(`${src.repo}/${path}@${src.ref}: ${(err as Error).message.slice(0, 200)}`);
    }
  }
  return { imported, failed };
}

function decodeContent(data: unknown): string {
  const d = data as { content?: string; encoding?: string };
  if (typeof d?.content === 'string' && d.encoding === 'base64')
    return Buffer.from(d.content, 'base64').toString('utf8');
  if (typeof d?.content === 'string') return d.content;
  throw new Error('not a file');
}

/** Stores a parsed roster (the seed uses it). */
export function importRosterText(deps: Deps, markdown: string, version?: string): number {
  return store(deps).importRoster(parseRoster(markdown), version);
}

/** `/shadow import`: an admin reads the configured past rosters now. */
export async function importConfiguredRosters(deps: Deps, user: string): Promise<Message> {
  if (!(await isAdmin(deps, user))) throw new UserError('Only admins can import past rosters.');
  if (cfg(deps).pastRosters.length === 0)
    throw new UserError(
      'No past rosters are configured.',
      'List them under `shadows.pastRosters` in relbot.yaml.',
    );
  const r = await importPastRosters(deps);
  const ok = Object.entries(r.imported).map(([v, n]) => `v${v}: ${n} people`);
  return {
    text:
      (ok.length ? `Imported past rosters: ${ok.join(', ')}.` : 'No roster was imported.') +
      (r.failed.length ? `\n:warning: Failed: ${r.failed.map(escapeMrkdwn).join('; ')}` : ''),
  };
}
