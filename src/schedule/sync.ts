import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Deps } from '../deps';
import { channelFor } from '../deps';
import { escapeMrkdwn } from '../slack/escape';
import type { Change, CycleDoc, EolDoc, Milestone, PatchDoc } from './model';
import { parseEol, parsePatchSchedule } from './patches';
import { parseCycleReadme } from './readme';
import { changesText, channelPost, instantToken, problemLines, rowCount } from './render';
import {
  addAnnouncement,
  allMilestones,
  type ConfiguredSource,
  configuredSources,
  loadSchedule,
  markAnnounced,
  pendingAnnouncements,
  recordMove,
  saveSourceDoc,
  saveSourceError,
  sourceRows,
  touchSource,
} from './store';

/**
 * The sync: read every configured source through the GitHub contents API, parse it, store what
 * parsed (a source that fails keeps its last good document), and announce what changed. The data,
 * the moves and the announcement are written in one transaction; the announcement is then posted
 * through the outbox, so a crash after the commit still posts it exactly once on the next run.
 */

export type { Change } from './model';

export interface SourceOutcome {
  label: string;
  status: 'imported' | 'unchanged' | 'error';
  error?: string;
  /** Rows that could not be read (cycle pages): reported, the rest imported. */
  problems: string[];
}

export interface SyncReport {
  at: string;
  sources: SourceOutcome[];
  changes: Change[];
  firstImport: boolean;
  milestones: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function fetchSource(deps: Deps, src: ConfiguredSource): Promise<string> {
  const [owner, repo] = src.ref.repo.split('/') as [string, string];
  const res = await deps.github.rest.repos.getContent({
    owner,
    repo,
    path: src.ref.path,
    ref: src.ref.ref,
    mediaType: { format: 'raw' },
  });
  const data = res.data as unknown;
  if (typeof data === 'string') return data;
  // Some servers answer the JSON form anyway.
  const obj = data as { content?: string; encoding?: string; type?: string };
  if (obj && obj.type === 'file' && typeof obj.content === 'string' && obj.encoding === 'base64')
    return Buffer.from(obj.content, 'base64').toString('utf8');
  throw new Error(`${src.ref.path} is not a file`);
}

function parseSource(
  src: ConfiguredSource,
  text: string,
): { doc: CycleDoc | PatchDoc | EolDoc; problems: string[] } {
  if (src.kind === 'cycle') {
    const fromPath = /release-(\d+\.\d+)/.exec(src.ref.path)?.[1];
    const doc = parseCycleReadme(text, fromPath ? { version: fromPath } : {});
    return {
      doc,
      problems: doc.problems.map((p) => `row ${p.row} "${p.what}" (When: "${p.when}"): ${p.message}`),
    };
  }
  if (src.kind === 'patches') {
    const doc = parsePatchSchedule(text);
    return { doc, problems: doc.warnings };
  }
  return { doc: parseEol(text), problems: [] };
}

export function diffMilestones(before: Milestone[], after: Milestone[]): Change[] {
  const old = new Map(before.map((m) => [m.id, m]));
  const now = new Map(after.map((m) => [m.id, m]));
  const changes: Change[] = [];
  for (const m of after) {
    const was = old.get(m.id);
    if (!was) changes.push({ type: 'added', milestone: m });
    else if (JSON.stringify(was.timing) !== JSON.stringify(m.timing))
      changes.push({ type: 'moved', milestone: m, from: was.timing });
  }
  for (const m of before) if (!now.has(m.id)) changes.push({ type: 'removed', milestone: m });
  return changes;
}

/** Runs a sync. Never throws for a source problem: each source's outcome is in the report. */
export async function syncSchedule(deps: Deps): Promise<SyncReport> {
  const { db, config, clock, log } = deps;
  const now = clock.now().toUTC().toISO({ suppressMilliseconds: true })!;
  const sources = configuredSources(config);
  const rows = new Map(sourceRows(db).map((r) => [r.key, r]));

  // Fetch and parse outside the transaction (network), then write everything at once.
  type Result =
    | { src: ConfiguredSource; kind: 'ok'; doc: unknown; sha: string; problems: string[]; unchanged: boolean }
    | { src: ConfiguredSource; kind: 'error'; error: string; sha?: string };
  const results: Result[] = [];
  for (const src of sources) {
    let text: string;
    try {
      text = await fetchSource(deps, src);
    } catch (err) {
      const status = (err as { status?: number }).status;
      const error = `could not read ${src.label}@${src.ref.ref} from GitHub${status ? ` (HTTP ${status})` : ''}: ${String((err as Error).message).slice(0, 200)}`;
      log.warn({ err, source: src.key }, 'schedule sync: fetch failed');
      results.push({ src, kind: 'error', error });
      continue;
    }
    const sha = sha256(text);
    const row = rows.get(src.key);
    if (row?.doc && row.content_sha === sha) {
      // same content as the stored good document: nothing to parse
      results.push({ src, kind: 'ok', doc: undefined, sha, problems: [], unchanged: true });
      continue;
    }
    try {
      const { doc, problems } = parseSource(src, text);
      results.push({ src, kind: 'ok', doc, sha, problems, unchanged: false });
    } catch (err) {
      const error = `${src.label} could not be parsed: ${String((err as Error).message).slice(0, 300)}`;
      log.warn({ err, source: src.key }, 'schedule sync: parse failed; keeping the last good data');
      results.push({ src, kind: 'error', error, sha });
    }
  }

  const before = allMilestones(loadSchedule(db, config), config);
  const firstImport = before.length === 0;
  let changes: Change[] = [];
  const outcomes: SourceOutcome[] = [];
  db.transaction(() => {
    for (const r of results) {
      if (r.kind === 'error') {
        const old = rows.get(r.src.key);
        const repeated = old?.error === r.error && (old.error_sha ?? undefined) === r.sha;
        saveSourceError(db, r.src, r.error, r.sha, now);
        // A source that fails to parse is announced once per distinct content (not every day).
        if (r.sha && !repeated)
          addAnnouncement(
            db,
            `schedule-error:${r.src.key}:${r.sha}`,
            `:warning: Schedule sync: ${escapeMrkdwn(r.error)}\nrelbot keeps the last good data${old?.synced_at ? `, imported ${instantToken(DateTime.fromISO(old.synced_at, { zone: 'utc' }), config.timezone)},` : ''} until the file is fixed.`,
            now,
          );
        outcomes.push({ label: r.src.label, status: 'error', error: r.error, problems: [] });
      } else if (r.unchanged) {
        touchSource(db, r.src, now);
        outcomes.push({ label: r.src.label, status: 'unchanged', problems: r.problems });
      } else {
        saveSourceDoc(db, r.src, r.doc, r.sha, now);
        outcomes.push({ label: r.src.label, status: 'imported', problems: r.problems });
      }
    }
    const after = allMilestones(loadSchedule(db, config), config);
    changes = firstImport ? [] : diffMilestones(before, after);
    for (const c of changes)
      if (c.type === 'moved') recordMove(db, c.milestone.id, c.from!, c.milestone.timing, now);
    const problemText = outcomes
      .filter((o) => o.status === 'imported' && o.problems.length)
      .map(
        (o) =>
          `:warning: ${escapeMrkdwn(o.label)}: ${rowCount(o.problems.length)} could not be read and ${o.problems.length === 1 ? 'was' : 'were'} left out. The rest was imported.\n${problemLines(o.problems)}`,
      )
      .join('\n');
    if (firstImport && after.length) {
      const cycles = loadSchedule(db, config).cycles.map(
        (c) => `v${c.version} (${c.milestones.length} milestones)`,
      );
      addAnnouncement(
        db,
        `schedule-import:${sha256(JSON.stringify(after.map((m) => [m.id, m.timing])))}`,
        `:calendar: relbot imported the release schedule: ${[...cycles, ...(loadSchedule(db, config).patches ? ['patch releases'] : [])].join(', ')}. \`/schedule\` shows what is next.${problemText ? `\n${problemText}` : ''}`,
        now,
      );
    } else if (changes.length || problemText) {
      const key = `schedule-changes:${now}:${sha256(JSON.stringify(changes.map((c) => [c.type, c.milestone.id, c.milestone.timing])) + problemText)}`;
      addAnnouncement(
        db,
        key,
        [
          changes.length ? `:calendar: The release schedule changed:\n${changesText(changes)}` : '',
          problemText,
        ]
          .filter(Boolean)
          .join('\n'),
        now,
      );
    }
    db.prepare(
      "INSERT INTO kv (key, value, updated_at) VALUES ('schedule:last-sync', ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    ).run(JSON.stringify({ at: now, ok: outcomes.every((o) => o.status !== 'error') }), now);
  })();

  await postAnnouncements(deps);
  return {
    at: now,
    sources: outcomes,
    changes,
    firstImport,
    milestones: allMilestones(loadSchedule(db, config), config).length,
  };
}

export function reminderChannel(deps: Deps): string {
  return deps.config.schedule.reminders.channel ?? channelFor(deps.config, 'reminders');
}

/** Posts pending announcements (also those left by a crash) through the outbox. */
export async function postAnnouncements(deps: Deps): Promise<number> {
  let posted = 0;
  for (const a of pendingAnnouncements(deps.db)) {
    try {
      await deps.outbox.postOnce(
        `schedule-announcement:${a.key}`,
        reminderChannel(deps),
        channelPost(a.text),
      );
      markAnnounced(deps.db, a.id, deps.clock.now().toISO()!);
      posted++;
    } catch (err) {
      deps.log.error({ err, key: a.key }, 'schedule: could not post an announcement; will retry');
    }
  }
  return posted;
}

/** When the sync job should run again: every `syncEveryHours`, or within the hour after a failure. */
export function syncDue(deps: Deps): boolean {
  const row = deps.db.prepare("SELECT value FROM kv WHERE key = 'schedule:last-sync'").get() as
    | { value: string }
    | undefined;
  if (!row) return true;
  const last = JSON.parse(row.value) as { at: string; ok: boolean };
  const every = deps.config.schedule.syncEveryHours * 3_600_000;
  const wait = last.ok ? every : Math.min(every, 3_600_000);
  return deps.clock.now().toMillis() - Date.parse(last.at) >= wait;
}
