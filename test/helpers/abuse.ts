import type { GhIssue, GitHubEmulator } from '../../src/sandbox/github/server';
import type { Harness } from './harness';

/** Every table relbot keeps (all migrations), for "nothing changed" assertions. */
/**
 * Every table relbot keeps, read from the database itself so a new migration's tables are covered
 * without a list to update (SQLite's own tables and the migration ledger excluded).
 */
export function tablesOf(db: Harness['db']): string[] {
  return (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name != 'schema_migrations' ORDER BY name`,
      )
      .all() as Array<{ name: string }>
  ).map((r) => r.name);
}

/** A table's rows in a stable order (some tables are WITHOUT ROWID, so sorted by their JSON). */
export function tableRows(db: Harness['db'], table: string): unknown[] {
  return db
    .prepare(`SELECT * FROM ${table}`)
    .all()
    .map((r) => JSON.stringify(r))
    .sort()
    .map((r) => JSON.parse(r) as unknown);
}

/** Slack Web API methods that change something a person sees. */
export const SLACK_WRITES = [
  'chat.postMessage',
  'chat.update',
  'chat.delete',
  'chat.postEphemeral',
  'views.open',
  'views.update',
  'views.push',
  'usergroups.users.update',
  'views.publish',
  'files.completeUploadExternal',
  'response_url',
];

export interface World {
  rows: Record<string, number>;
  db: string;
  slackWrites: number;
  slackMessages: number;
  githubWrites: number;
}

/** Row counts and full contents of every table, Slack writes and GitHub writes. */
export function world(h: Harness): World {
  const rows: Record<string, number> = {};
  const dump: Record<string, unknown[]> = {};
  for (const t of tablesOf(h.db)) {
    dump[t] = tableRows(h.db, t);
    rows[t] = dump[t]!.length;
  }
  return {
    rows,
    db: JSON.stringify(dump),
    slackWrites: h.slack.calls.filter((c) => SLACK_WRITES.includes(c.method)).length,
    slackMessages: h.slack.messages.length,
    githubWrites: h.github.calls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD').length,
  };
}

/**
 * A hostile string: Slack mentions and broadcasts, a link, entities and mrkdwn. The mention targets
 * are IDs relbot never uses itself, so any raw occurrence in output came from this input.
 */
export const HOSTILE =
  '<!channel> <!here> <@U0HOSTILE1> <!subteam^S0HOSTILE> <https://evil.example|click> AT&T a<b>c *PWNBOLD* _PWNITAL_ ~PWNSTRIKE~ `PWNCODE`';

/** Raw forms that must never reach Slack mrkdwn from HOSTILE. */
export const RAW_HOSTILE = [
  '<!channel>',
  '<!here>',
  '<@U0HOSTILE1>',
  '<!subteam^S0HOSTILE>',
  '<https://evil.example',
  'AT&T',
  'a<b>c',
  '*PWNBOLD*',
  '_PWNITAL_',
  '~PWNSTRIKE~',
  '`PWNCODE`',
];

/** Mention / link forms: never raw anywhere in mrkdwn, not even inside code. */
const MENTIONS = ['<!channel>', '<!here>', '<@U0HOSTILE1>', '<!subteam^S0HOSTILE>', '<https://evil.example'];

export interface Finding {
  where: string;
  raw: string;
  text: string;
}

/**
 * Walks a message, ack body, or view and returns every mrkdwn string (message `text`, mrkdwn text
 * objects, fields, context elements) in which a raw hostile form appears. plain_text objects are
 * not parsed by Slack (no mentions, no formatting), so they are skipped; so are input values
 * (`initial_value`), which must hold what the person typed. Inside code spans and blocks,
 * formatting characters are literal, so only mentions/links/entities are checked there.
 */
export function rawHostile(body: unknown, where = ''): Finding[] {
  const out: Finding[] = [];
  const check = (text: string, path: string) => {
    const prose = text.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
    for (const raw of RAW_HOSTILE) {
      const inCodeOk = !MENTIONS.includes(raw) && raw !== 'AT&T' && raw !== 'a<b>c';
      if ((inCodeOk ? prose : text).includes(raw)) out.push({ where: path, raw, text: text.slice(0, 300) });
    }
  };
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${path}[${i}]`);
      });
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'plain_text') return;
    for (const [k, x] of Object.entries(o)) {
      if (k === 'initial_value' || k === 'value' || k === 'private_metadata') continue;
      if (k === 'text' && typeof x === 'string') check(x, `${path}.text`);
      else walk(x, `${path}.${k}`);
    }
  };
  walk(body, where);
  return out;
}

/** Every message and ephemeral the emulated Slack holds, plus every view opened, checked. */
export function rawHostileInSlack(h: Harness): Finding[] {
  const out: Finding[] = [];
  for (const m of h.slack.messages)
    out.push(
      ...rawHostile(
        { text: m.text, blocks: m.blocks, attachments: (m as { attachments?: unknown }).attachments },
        `message ${m.channel}/${m.ts}`,
      ),
    );
  for (const v of h.slack.views.values()) out.push(...rawHostile(v.view, `view ${v.id}`));
  for (const c of h.slack.calls)
    if (['views.open', 'views.update', 'views.push'].includes(c.method))
      out.push(...rawHostile(c.args.view, `${c.method}`));
  return out;
}

/** A pick whose gates all pass, on release-1.36 (like the seeded green picks), by `author`. */
export function addGreenPick(
  gh: GitHubEmulator,
  number: number,
  o: { author: string; title?: string; branch?: string },
): GhIssue {
  const branch = o.branch ?? 'release-1.36';
  const pr = gh.addPull({
    owner: 'kubernetes',
    repo: 'kubernetes',
    number,
    title: o.title ?? `Automated cherry pick of #139950: kubelet: fix a panic (${number})`,
    body: `Cherry pick of #139950 on ${branch}.\n\n#139950: kubelet: fix a panic\n\n\`\`\`release-note\nNONE\n\`\`\``,
    user: o.author,
    labels: ['lgtm', 'approved', 'cncf-cla: yes', 'kind/bug', 'do-not-merge/cherry-pick-not-approved'],
    milestone: `v${branch.replace('release-', '')}`,
    created_at: '2026-06-25T08:00:00Z',
    pull: { base: branch, head: `automated-cherry-pick-of-#139950-upstream-${branch}-${number}` },
  });
  gh.setStatuses('kubernetes', 'kubernetes', pr.pull!.head_sha, [
    { state: 'success', context: 'pull-kubernetes-unit' },
    { state: 'success', context: 'pull-kubernetes-e2e-gce' },
  ]);
  return pr;
}
